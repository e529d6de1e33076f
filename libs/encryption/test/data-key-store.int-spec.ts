import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import {
  BlindIndex,
  DataKeyStore,
  encryptionKeyTablesSql,
  ensureEncryptionKeyTables,
  EncryptionError,
  FieldEncryptor,
  isKeyDestroyed,
  LocalKeyProvider,
  rotateDataKeys,
  type DataKeyStoreOptions,
  type KeyProvider,
  type SqlQuery,
} from '../src';

const SCHEMA = 'router';
const blindIndex = new BlindIndex(randomBytes(32));
const masterKey2026a = { id: '2026a', secret: randomBytes(32) };
const masterKey2026b = { id: '2026b', secret: randomBytes(32) };

async function errorOf(action: Promise<unknown>): Promise<EncryptionError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof EncryptionError) return error;
    throw error;
  }
  throw new Error('expected an EncryptionError');
}

describe('DataKeyStore on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: Pool;
  let query: SqlQuery;
  let statements: string[];

  const store = (options: Partial<DataKeyStoreOptions> = {}, provider?: KeyProvider) =>
    new DataKeyStore({
      query,
      schema: SCHEMA,
      provider: provider ?? new LocalKeyProvider({ keys: [masterKey2026a] }),
      blindIndex,
      ...options,
    });

  beforeAll(async () => {
    database = await createTestDatabase('sb_encryption_keys');
    pool = new Pool({ connectionString: database.url, max: 6 });
    // Dropping the database at the end ends any session the pool still holds; an idle client hearing
    // so must not crash the file (a query that fails still fails its own test).
    pool.on('error', () => undefined);
    statements = [];
    query = async (sql, params) => {
      statements.push(sql);
      return (await pool.query(sql, params)).rows;
    };
    await pool.query(`CREATE SCHEMA ${SCHEMA}`);
    for (const sql of encryptionKeyTablesSql(SCHEMA)) await pool.query(sql);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('creates one key when replicas ask for the same recipient at once', async () => {
    const replicas = Array.from({ length: 8 }, () => store());
    statements.length = 0;
    const keys = await Promise.all(
      replicas.flatMap((replica) => [
        replica.keyFor('acme', 'jane@example.com'),
        replica.keyFor('acme', 'jane@example.com'),
      ]),
    );

    // Every replica looked before any had inserted, so several raced to create the key.
    expect(statements.filter((sql) => sql.startsWith('INSERT')).length).toBeGreaterThanOrEqual(2);
    expect(new Set(keys.map((key) => key.keyId)).size).toBe(1);
    expect(new Set(keys.map((key) => key.material.toString('hex'))).size).toBe(1);
    const { rows } = await pool.query(
      `SELECT count(*)::int AS keys FROM ${SCHEMA}.encryption_data_keys WHERE tenant_id = 'acme'`,
    );
    expect(rows[0].keys).toBe(1);
  });

  it('creates the shared schema and its tables once when services start together, and again changes nothing', async () => {
    await Promise.all(Array.from({ length: 6 }, () => ensureEncryptionKeyTables(query, 'shared_keys')));
    await ensureEncryptionKeyTables(query, 'shared_keys');
    const { rows } = await pool.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'shared_keys' ORDER BY 1`,
    );
    expect(rows.map((row) => row.table_name)).toEqual(['encryption_data_keys', 'encryption_destroyed_keys']);
  });

  it('loads the keys of a whole batch in a few statements, making the missing ones in one', async () => {
    const replica = store();
    const owners = Array.from({ length: 300 }, (_, index) => ({
      tenantId: 'batch',
      recipientId: `user-${index}`,
    }));
    const early = await replica.keyFor('batch', 'user-7');
    statements.length = 0;

    const keys = await replica.keysFor([...owners, { tenantId: 'batch', recipientId: 'user-7' }]);
    expect(statements.length).toBeLessThanOrEqual(2);
    expect(keys).toHaveLength(301);
    expect(keys[7].keyId).toBe(early.keyId);
    expect(keys[300].keyId).toBe(early.keyId);
    expect(new Set(keys.map((key) => key.keyId)).size).toBe(300);

    // Another replica (nothing cached) asks by id for every one in one query, as routing reads a batch.
    const reader = store();
    statements.length = 0;
    const found = await reader.keysByIds([...keys.map((key) => key.keyId), 'no-such-key']);
    expect(statements).toHaveLength(1);
    expect(
      keys.every((key) => (found.get(key.keyId) as { material: Buffer }).material.equals(key.material)),
    ).toBe(true);
    expect((found.get('no-such-key') as EncryptionError).code).toBe('UNKNOWN_DATA_KEY');

    // And by owner: the same keys, read back rather than made again.
    statements.length = 0;
    const again = await store().keysFor(owners);
    expect(again.map((key) => key.keyId)).toEqual(keys.slice(0, 300).map((key) => key.keyId));
    expect(statements.filter((sql) => sql.startsWith('INSERT'))).toHaveLength(0);
  });

  it('agrees on one key per owner when replicas make a batch at once', async () => {
    const owners = Array.from({ length: 50 }, (_, index) => ({
      tenantId: 'race',
      recipientId: `user-${index}`,
    }));
    const batches = await Promise.all(Array.from({ length: 4 }, () => store().keysFor(owners)));
    for (const batch of batches)
      expect(batch.map((key) => key.keyId)).toEqual(batches[0].map((key) => key.keyId));
    const { rows } = await pool.query(
      `SELECT count(*)::int AS keys FROM ${SCHEMA}.encryption_data_keys WHERE tenant_id = 'race'`,
    );
    expect(rows[0].keys).toBe(50);
  });

  it('answers a destroyed key in a batch read as destroyed, and the others as keys', async () => {
    const replica = store();
    const [kept, erased] = await replica.keysFor([
      { tenantId: 'erasing', recipientId: 'kept' },
      { tenantId: 'erasing', recipientId: 'erased' },
    ]);
    await replica.destroyRecipientKey('erasing', 'erased');
    const found = await store().keysByIds([kept.keyId, erased.keyId]);
    expect(found.get(kept.keyId)).toMatchObject({ keyId: kept.keyId });
    expect(isKeyDestroyed(found.get(erased.keyId))).toBe(true);
  });

  it('keeps neither the recipient id nor the data key in the clear', async () => {
    const key = await store().keyFor('acme', 'jane@example.com');
    const { rows } = await pool.query(`SELECT * FROM ${SCHEMA}.encryption_data_keys`);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain('jane');
    expect(rows.some((row) => Buffer.from(row.wrapped_key).includes(key.material))).toBe(false);
  });

  it('keeps unwrapped keys in memory for the cache time, then reads them again', async () => {
    let now = 0;
    const replica = store({ cacheTtlMs: 1000, clock: { now: () => now } });
    const key = await replica.keyFor('cache-tenant');
    statements.length = 0;

    await replica.keyFor('cache-tenant');
    await replica.keyById(key.keyId);
    expect(statements).toHaveLength(0);

    now = 1000;
    expect((await replica.keyById(key.keyId)).material.equals(key.material)).toBe(true);
    expect(statements).toHaveLength(1);
  });

  it('destroys a recipient key so every copy of their values reads as erased, on every replica within the cache time', async () => {
    let now = 0;
    const clock = { now: () => now };
    const writer = store({ cacheTtlMs: 60_000, clock });
    const reader = store({ cacheTtlMs: 60_000, clock });
    const writerFields = new FieldEncryptor(writer);
    const readerFields = new FieldEncryptor(reader);
    const context = { tenantId: 'acme', recipientId: 'user-erased', field: 'email' };
    const tenantContext = { tenantId: 'acme', field: 'templateFooter' };
    const email = await writerFields.encryptText('erased@example.com', context);
    const footer = await writerFields.encryptText('Acme Inc.', tenantContext);
    expect(await readerFields.decryptText(email, context)).toBe('erased@example.com');

    const destroyedKeyId = await writer.destroyRecipientKey('acme', 'user-erased');

    expect(destroyedKeyId).toBeDefined();
    expect(isKeyDestroyed(await errorOf(writerFields.decryptText(email, context)))).toBe(true);
    // The reader had the key cached: it may read until its cache time has passed, no longer.
    now = 60_000;
    expect(isKeyDestroyed(await errorOf(readerFields.decryptText(email, context)))).toBe(true);
    expect(isKeyDestroyed(await errorOf(new FieldEncryptor(store()).decryptText(email, context)))).toBe(true);
    expect(await readerFields.decryptText(footer, tenantContext)).toBe('Acme Inc.');

    const kept = await pool.query(`SELECT key_id FROM ${SCHEMA}.encryption_data_keys WHERE key_id = $1`, [
      destroyedKeyId,
    ]);
    expect(kept.rows).toHaveLength(0);
    expect(await writer.destroyedAt(destroyedKeyId!)).toBeInstanceOf(Date);
    // Destroying again finds nothing; a recipient who comes back later gets a new key.
    expect(await writer.destroyRecipientKey('acme', 'user-erased')).toBeUndefined();
    const fresh = await writer.keyFor('acme', 'user-erased');
    expect(fresh.keyId).not.toBe(destroyedKeyId);
  });

  it('stops reading an erased recipient at once on a replica told by the erasure event', async () => {
    const writer = store();
    const reader = store({ cacheTtlMs: 3_600_000 });
    const context = { tenantId: 'acme', recipientId: 'user-told', field: 'phone' };
    const phone = await new FieldEncryptor(writer).encryptText('+14155550199', context);
    const readerFields = new FieldEncryptor(reader);
    expect(await readerFields.decryptText(phone, context)).toBe('+14155550199');

    await writer.destroyRecipientKey('acme', 'user-told');
    reader.forgetRecipient('acme', 'user-told');

    expect(isKeyDestroyed(await errorOf(readerFields.decryptText(phone, context)))).toBe(true);
  });

  it('says a key id it never had is unknown, not destroyed', async () => {
    const error = await errorOf(store().keyById('never-made'));
    expect(error.code).toBe('UNKNOWN_DATA_KEY');
  });

  it('destroys every key of a tenant that leaves', async () => {
    const replica = store();
    const fields = new FieldEncryptor(replica);
    const context = { tenantId: 'leaving', recipientId: 'u1', field: 'phone' };
    const phone = await fields.encryptText('+14155550123', context);
    await replica.keyFor('leaving');

    expect(await replica.destroyTenantKeys('leaving')).toHaveLength(2);
    expect(isKeyDestroyed(await errorOf(fields.decryptText(phone, context)))).toBe(true);
  });

  it('re-wraps every key with the new master key in batches, and every value stays readable', async () => {
    const before = store({}, new LocalKeyProvider({ keys: [masterKey2026a] }));
    const fields = new FieldEncryptor(before);
    const written = await Promise.all(
      Array.from({ length: 7 }, async (_, index) => {
        const context = { tenantId: 'rotating', recipientId: `u${index}`, field: 'email' };
        return { context, text: await fields.encryptText(`u${index}@example.com`, context) };
      }),
    );
    const both = new LocalKeyProvider({ keys: [masterKey2026b, masterKey2026a] });
    const batches: number[] = [];

    const report = await rotateDataKeys({
      query,
      schema: SCHEMA,
      provider: both,
      batchSize: 3,
      onBatch: ({ rewrapped }) => batches.push(rewrapped),
    });

    expect(report.failed).toBe(0);
    expect(report.rewrapped).toBeGreaterThanOrEqual(7);
    expect(batches.length).toBeGreaterThanOrEqual(3);
    const { rows } = await pool.query(`SELECT DISTINCT master_key_id FROM ${SCHEMA}.encryption_data_keys`);
    expect(rows).toEqual([{ master_key_id: '2026b' }]);
    // Once rotated, the old master key can go: a replica with only the new one reads everything.
    const after = new FieldEncryptor(store({}, new LocalKeyProvider({ keys: [masterKey2026b] })));
    for (const { context, text } of written) {
      expect(await after.decryptText(text, context)).toBe(`${context.recipientId}@example.com`);
    }
    expect((await rotateDataKeys({ query, schema: SCHEMA, provider: both })).rewrapped).toBe(0);
  });

  it('reports and passes a key whose master key is not configured, re-wrapping the rest', async () => {
    const lost = { id: 'lost', secret: randomBytes(32) };
    await store({}, new LocalKeyProvider({ keys: [lost] })).keyFor('orphaned');
    await store({}, new LocalKeyProvider({ keys: [masterKey2026a] })).keyFor('rotating-later');

    const report = await rotateDataKeys({
      query,
      schema: SCHEMA,
      provider: new LocalKeyProvider({ keys: [masterKey2026b, masterKey2026a] }),
    });

    expect(report.rewrapped).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({ masterKeyId: 'lost', code: 'UNKNOWN_MASTER_KEY' }),
    ]);
  });
});
