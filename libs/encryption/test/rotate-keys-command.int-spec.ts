import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, repoRoot, type TestDatabase, waitFor } from '@switchboard/testing';
import { Pool } from 'pg';
import {
  BlindIndex,
  DataKeyStore,
  ensureEncryptionKeyTables,
  FieldEncryptor,
  LocalKeyProvider,
  type MasterKey,
  type SqlQuery,
  type ValueContext,
} from '../src';

const SCHEMA = 'keys_rotation';
const blindIndex = new BlindIndex(randomBytes(32));
const masterKeyA: MasterKey = { id: 'a', secret: randomBytes(32) };
const masterKeyB: MasterKey = { id: 'b', secret: randomBytes(32) };

/** ENCRYPTION_MASTER_KEYS as an operator writes it: the first key is the current one. */
const keyringVariable = (...keys: MasterKey[]) =>
  keys.map((key) => `${key.id}=${key.secret.toString('base64')}`).join(',');

interface CommandRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** The command as `npm run encryption:rotate-keys` starts it, from the workspace root. */
function startRotateKeys(args: string[], environment: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', 'libs/encryption/src/cli/rotate-keys.ts', ...args],
    {
      cwd: repoRoot(),
      // Only what the command is given: nothing of the test runner's own environment leaks in.
      env: { PATH: process.env.PATH ?? '', ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const run: CommandRun = { exitCode: null, stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk: Buffer) => (run.stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (run.stderr += chunk.toString('utf8')));
  const finished = new Promise<CommandRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ ...run, exitCode }));
  });
  return { child, run, finished };
}

const rotateKeys = (args: string[], environment: Record<string, string>) =>
  startRotateKeys(args, environment).finished;

describe('npm run encryption:rotate-keys', () => {
  let database: TestDatabase;
  let pool: Pool;
  let query: SqlQuery;
  let environment: (...keys: MasterKey[]) => Record<string, string>;

  const encryptorWith = (...keys: MasterKey[]) =>
    new FieldEncryptor(
      new DataKeyStore({ query, schema: SCHEMA, provider: new LocalKeyProvider({ keys }), blindIndex }),
    );

  const keyRows = async () =>
    (
      await pool.query(
        `SELECT key_id, master_key_id, encode(wrapped_key, 'hex') AS wrapped_key, rewrapped_at
FROM ${SCHEMA}.encryption_data_keys ORDER BY key_id`,
      )
    ).rows as { key_id: string; master_key_id: string; wrapped_key: string; rewrapped_at: Date | null }[];

  const masterKeyIds = async () => new Set((await keyRows()).map((row) => row.master_key_id));

  beforeAll(async () => {
    database = await createTestDatabase('sb_encryption_rotate');
    pool = new Pool({ connectionString: database.url, max: 4 });
    // Dropping the database at the end ends any session the pool still holds.
    pool.on('error', () => undefined);
    query = async (sql, params) => (await pool.query(sql, params)).rows;
    await ensureEncryptionKeyTables(query, SCHEMA);
    environment = (...keys) => ({
      DATABASE_URL: database.url,
      ENCRYPTION_MASTER_KEYS: keyringVariable(...keys),
      ENCRYPTION_SCHEMA: SCHEMA,
    });
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('refuses an invalid --batch-size with exit code 2, naming the option, before touching the database', async () => {
    const run = await rotateKeys(['--batch-size', 'zero'], { PATH: process.env.PATH ?? '' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--batch-size must be a whole number from 1 to 10000');
    expect(run.stderr).toContain('Usage: npm run encryption:rotate-keys');
  });

  it('names the missing variable and exits 1 when the keyring is not configured', async () => {
    const run = await rotateKeys([], { PATH: process.env.PATH ?? '', DATABASE_URL: database.url });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('ENCRYPTION_MASTER_KEYS: is required when ENCRYPTION_KEY_PROVIDER is local');
  });

  it('re-wraps every data key to the new master key, after which values open with it alone', async () => {
    const sealedUnderA = encryptorWith(masterKeyA);
    const contexts: ValueContext[] = Array.from({ length: 9 }, (_, index) => ({
      tenantId: index < 5 ? 'acme' : 'globex',
      recipientId: `user-${index}`,
      field: 'email',
    }));
    const ciphertexts = await Promise.all(
      contexts.map((context, index) => sealedUnderA.encryptText(`person-${index}@example.com`, context)),
    );
    const before = await keyRows();
    expect(before).toHaveLength(9);
    expect(await masterKeyIds()).toEqual(new Set(['a']));

    // Dry run first: the count by master key, and not one row changed.
    const dryRun = await rotateKeys(['--dry-run'], environment(masterKeyB, masterKeyA));
    expect(dryRun.exitCode).toBe(0);
    expect(dryRun.stdout).toContain('a: 9 data key(s)');
    expect(dryRun.stdout).toContain('Dry run: 9 data key(s) would be re-wrapped to master key b');
    expect(await keyRows()).toEqual(before);

    const run = await rotateKeys(['--batch-size', '4'], environment(masterKeyB, masterKeyA));
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('batch 1: 4 re-wrapped, 0 failed so far');
    expect(run.stderr).toContain('batch 3: 9 re-wrapped, 0 failed so far');
    expect(run.stdout).toContain('Re-wrapped 9 data key(s) to master key b; 0 failed.');
    const after = await keyRows();
    expect(after.map((row) => row.key_id)).toEqual(before.map((row) => row.key_id));
    expect(after.every((row) => row.master_key_id === 'b' && row.rewrapped_at !== null)).toBe(true);
    // Neither the keys nor anything derived from them is printed.
    for (const row of [...before, ...after]) expect(run.stdout + run.stderr).not.toContain(row.wrapped_key);
    expect(run.stdout + run.stderr).not.toContain(masterKeyB.secret.toString('base64'));

    // A fresh store (nothing cached) with only the new master key reads what was written before.
    const openedUnderB = await encryptorWith(masterKeyB).decryptMany(
      ciphertexts.map((ciphertext, index) => ({ ciphertext, context: contexts[index] })),
    );
    expect(openedUnderB).toEqual(
      contexts.map((_, index) => ({ ok: true, value: `person-${index}@example.com` })),
    );

    const again = await rotateKeys([], environment(masterKeyB, masterKeyA));
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('Re-wrapped 0 data key(s) to master key b; 0 failed.');
    expect(await keyRows()).toEqual(after);
  });

  it('reports each key it cannot unwrap by id and code, re-wraps the rest, and exits 1', async () => {
    const lost: MasterKey = { id: 'lost', secret: randomBytes(32) };
    await encryptorWith(lost).encryptText('x@example.com', {
      tenantId: 'initech',
      recipientId: 'u',
      field: 'email',
    });
    await encryptorWith(masterKeyA).encryptText('y@example.com', { tenantId: 'initech', field: 'name' });
    const lostKeyId = (await keyRows()).find((row) => row.master_key_id === 'lost')?.key_id;

    const dryRun = await rotateKeys(['--dry-run'], environment(masterKeyB, masterKeyA));
    expect(dryRun.stdout).toContain(
      'lost: 1 data key(s) (not in ENCRYPTION_MASTER_KEYS: these would fail to unwrap)',
    );

    const run = await rotateKeys([], environment(masterKeyB, masterKeyA));
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`failed ${lostKeyId} (master key lost): UNKNOWN_MASTER_KEY`);
    expect(run.stdout).toContain('Re-wrapped 1 data key(s) to master key b; 1 failed.');
    expect(await masterKeyIds()).toEqual(new Set(['b', 'lost']));
    await pool.query(`DELETE FROM ${SCHEMA}.encryption_data_keys WHERE master_key_id = 'lost'`);
  });

  it('stops after the current batch on SIGTERM, says what was done, and a second run finishes', async () => {
    const owners = Array.from({ length: 3_000 }, (_, index) => ({
      tenantId: 'bulk',
      recipientId: `r-${index}`,
    }));
    await new DataKeyStore({
      query,
      schema: SCHEMA,
      provider: new LocalKeyProvider({ keys: [masterKeyA] }),
      blindIndex,
    }).keysFor(owners);

    // One key per batch, so that the signal lands long before the last one.
    const command = startRotateKeys(['--batch-size', '1'], environment(masterKeyB, masterKeyA));
    await waitFor('the first batch', () => command.run.stderr.includes('batch 1:'));
    signal(command.child, 'SIGTERM');
    const run = await command.finished;

    expect(run.exitCode).toBe(143);
    expect(run.stderr).toContain('SIGTERM: stopping after the current batch');
    const rewrapped = Number(/(\d+) data key\(s\) re-wrapped to master key b/.exec(run.stdout)?.[1]);
    const left = Number(/(\d+) still wrapped by another master key/.exec(run.stdout)?.[1]);
    expect(run.stdout).toContain('Stopped by SIGTERM after');
    const notUnderB = (await keyRows()).filter((row) => row.master_key_id !== 'b').length;
    expect(rewrapped).toBeGreaterThan(0);
    expect(left).toBe(notUnderB);
    expect(rewrapped + left).toBe(3_000);

    const rest = await rotateKeys([], environment(masterKeyB, masterKeyA));
    expect(rest.exitCode).toBe(0);
    expect(rest.stdout).toContain(`Re-wrapped ${left} data key(s) to master key b; 0 failed.`);
    expect(await masterKeyIds()).toEqual(new Set(['b']));
  });
});

function signal(child: ChildProcess, name: NodeJS.Signals) {
  if (!child.kill(name)) throw new Error(`could not send ${name} to the command`);
}
