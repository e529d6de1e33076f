import { createHash, randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { Client } from 'pg';
import { startStubService, type StubService } from './support/stub-service';
import { type CommandRun, runGatewayCommand } from './support/run-gateway-command';
import { createTestGateway, type TestGateway } from './support/test-gateway';

/** Runs the command as `npm run api-keys -- <args>` runs it. */
const runApiKeys = (args: string[], databaseUrl: string) => runGatewayCommand('api-keys', args, databaseUrl);

async function storedApiKeys(databaseUrl: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ tenant_id: string; name: string; key_hash: string; role: string }>(
      'SELECT tenant_id, name, key_hash, role FROM gateway.api_keys ORDER BY created_at',
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe('api-keys command', () => {
  let database: TestDatabase;
  let gateway: TestGateway | undefined;
  let analytics: StubService | undefined;
  let created: CommandRun;
  let key: string;

  beforeAll(async () => {
    // An empty database: the command runs the gateway's migrations itself.
    database = await createTestDatabase('gateway_cli');
    created = await runApiKeys(
      ['create', '--tenant', 'other', '--name', 'test', '--role', 'owner'],
      database.url,
    );
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
      {
        tenant_id: 'other',
        name: 'test',
        key_hash: createHash('sha256').update(key).digest('hex'),
        role: 'owner',
      },
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
      ['create', '--tenant', 'other'],
      ['create', '--tenant', 'not a tenant!', '--name', 'x', '--role', 'owner'],
      ['create', '--tenant', 'other', '--name', 'x'],
      ['create', '--tenants', 'other'],
    ]) {
      const run = await runApiKeys(args, database.url);

      expect(run.exitCode).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('Usage: npm run api-keys -- <command>');
    }
    expect(await storedApiKeys(database.url)).toEqual(before);
  });

  it('lists, rotates and revokes keys; the rotated key keeps working for the overlap only', async () => {
    const listed = await runApiKeys(['list', '--tenant', 'other'], database.url);
    expect(listed.exitCode).toBe(0);
    const [original] = JSON.parse(listed.stdout) as Array<{ id: string; prefix: string; role: string }>;
    expect(original).toMatchObject({ role: 'owner', prefix: key.slice(0, 14), revokedAt: null });
    expect(listed.stdout).not.toContain(key);

    const rotated = await runApiKeys(
      ['rotate', '--tenant', 'other', '--key', original.id, '--overlap', '0'],
      database.url,
    );
    expect(rotated.exitCode).toBe(0);
    const replacement = rotated.stdout.trim();
    expect(replacement).toMatch(/^sb_live_/);

    const afterRotation = JSON.parse((await runApiKeys(['list', '--tenant', 'other'], database.url)).stdout);
    const replacementId = afterRotation.find((listedKey: { id: string }) => listedKey.id !== original.id).id;
    expect(afterRotation).toEqual([
      expect.objectContaining({ id: original.id, rotatedTo: replacementId, expiresAt: expect.any(String) }),
      expect.objectContaining({ id: replacementId, role: 'owner', name: 'test', rotatedTo: null }),
    ]);

    const revoked = await runApiKeys(['revoke', '--tenant', 'other', '--key', replacementId], database.url);
    expect(revoked).toMatchObject({ exitCode: 0, stderr: expect.stringContaining('Revoked') });
    const afterRevocation = JSON.parse(
      (await runApiKeys(['list', '--tenant', 'other'], database.url)).stdout,
    );
    expect(afterRevocation[1].revokedAt).toEqual(expect.any(String));

    const missing = await runApiKeys(['revoke', '--tenant', 'globex', '--key', original.id], database.url);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('API_KEY_NOT_FOUND');
  });
});
