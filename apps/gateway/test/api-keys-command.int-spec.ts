import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createTestDatabase, repoRoot, type TestDatabase } from '@switchboard/testing';
import { Client } from 'pg';
import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

interface CommandRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command as `npm run api-key:create -- <args>` runs it, from the workspace root. */
function runCreateApiKey(args: string[], databaseUrl: string): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'apps/gateway/src/cli/create-api-key.ts', ...args],
      {
        cwd: repoRoot(),
        env: { ...process.env, DATABASE_URL: databaseUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

async function storedApiKeys(databaseUrl: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ tenant_id: string; name: string; key_hash: string }>(
      'SELECT tenant_id, name, key_hash FROM gateway.api_keys ORDER BY created_at',
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe('api-key:create command', () => {
  let database: TestDatabase;
  let gateway: TestGateway | undefined;
  let analytics: StubService | undefined;
  let created: CommandRun;
  let key: string;

  beforeAll(async () => {
    // An empty database: the command runs the gateway's migrations itself.
    database = await createTestDatabase('gateway_cli');
    created = await runCreateApiKey(['--tenant', 'other', '--name', 'test'], database.url);
    key = created.stdout.trim();
  });

  afterAll(async () => {
    await gateway?.close();
    await analytics?.close();
    await database?.drop();
  });

  it('prints only the new key on stdout, exits 0, and stores only its hash', async () => {
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toMatch(/^sb_live_[A-Za-z0-9_-]{43}\n$/);
    expect(created.stderr).toContain('tenant other');
    expect(created.stderr).not.toContain(key);

    expect(await storedApiKeys(database.url)).toEqual([
      { tenant_id: 'other', name: 'test', key_hash: createHash('sha256').update(key).digest('hex') },
    ]);
  });

  it('makes a key the gateway authenticates as that tenant, which sees none of another tenant’s messages', async () => {
    // Knows no message: the gateway's own record of what it accepted decides.
    analytics = await startStubService(() => ({ status: 404 }));
    gateway = await createTestGateway({ database, analyticsUrl: analytics.url });

    const unknown = await gateway.call('GET', `/v1/messages/${randomUUID()}`, { apiKey: key });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'MESSAGE_NOT_FOUND' });

    const acmeMessage = await gateway.call('POST', '/v1/messages', {
      body: { recipient: { email: 'ada@example.com' }, content: { subject: 'Hi', text: 'Hello' } },
    });
    expect(acmeMessage.status).toBe(202);
    const path = `/v1/messages/${acmeMessage.body.messageId}`;
    expect((await gateway.call('GET', path)).status).toBe(200);
    expect((await gateway.call('GET', path, { apiKey: key })).status).toBe(404);
  });

  it('answers a bad command line with the usage on stderr and exit code 2, creating nothing', async () => {
    const before = await storedApiKeys(database.url);
    for (const args of [
      ['--tenant', 'other'],
      ['--tenant', 'not a tenant!', '--name', 'x'],
      ['--tenants', 'other'],
    ]) {
      const run = await runCreateApiKey(args, database.url);

      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('Usage: npm run api-key:create -- --tenant');
    }
    expect(await storedApiKeys(database.url)).toEqual(before);
  });
});
