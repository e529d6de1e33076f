import { KMSClient } from '@aws-sdk/client-kms';
import {
  createTestDatabase,
  startKmsEmulator,
  type KmsEmulator,
  type TestDatabase,
} from '@switchboard/testing';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { loadConfig } from '@switchboard/config';
import {
  BlindIndex,
  createEncryption,
  DataKeyStore,
  ensureEncryptionKeyTables,
  EncryptionError,
  encryptionVariables,
  FieldEncryptor,
  KmsKeyProvider,
  rotateDataKeys,
  type SqlQuery,
} from '../src';

async function errorOf(action: Promise<unknown>): Promise<EncryptionError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof EncryptionError) return error;
    throw error;
  }
  throw new Error('expected an EncryptionError');
}

describe('KmsKeyProvider against a KMS emulator', () => {
  let kms: KmsEmulator;
  let client: KMSClient;
  let database: TestDatabase;
  let pool: Pool;
  let query: SqlQuery;
  const blindIndex = new BlindIndex(randomBytes(32));

  beforeAll(async () => {
    kms = await startKmsEmulator();
    client = new KMSClient({
      region: kms.region,
      endpoint: kms.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    database = await createTestDatabase('sb_encryption_kms');
    pool = new Pool({ connectionString: database.url, max: 4 });
    // Dropping the database at the end ends any session the pool still holds; an idle client hearing
    // so must not crash the file (a query that fails still fails its own test).
    pool.on('error', () => undefined);
    query = async (sql, params) => (await pool.query(sql, params)).rows;
    await ensureEncryptionKeyTables(query);
  });

  afterAll(async () => {
    client?.destroy();
    await pool?.end();
    await database?.drop();
    await kms?.stop();
  });

  it('makes data keys with GenerateDataKey, bound to their id by encryption context, and unwraps each once per cache time', async () => {
    kms.createKey('alias/switchboard-a');
    const provider = new KmsKeyProvider({ client, keyId: 'alias/switchboard-a' });
    const writer = new FieldEncryptor(new DataKeyStore({ query, provider, blindIndex }));
    const context = { tenantId: 'acme', recipientId: 'user-1', field: 'phone' };
    const texts = await Promise.all(
      ['+14155550100', '+14155550101'].map((phone) => writer.encryptText(phone, context)),
    );

    const readerStore = new DataKeyStore({ query, provider, blindIndex });
    const reader = new FieldEncryptor(readerStore);
    const decryptsBefore = kms.calls().filter((call) => call.operation === 'Decrypt').length;
    expect(await Promise.all(texts.map((text) => reader.decryptText(text, context)))).toEqual([
      '+14155550100',
      '+14155550101',
    ]);

    const generated = kms.calls().filter((call) => call.operation === 'GenerateDataKey');
    expect(generated).toHaveLength(1);
    expect(generated[0]).toMatchObject({ keyId: 'alias/switchboard-a' });
    expect(Object.values(generated[0].encryptionContext ?? {})).toEqual([
      (await readerStore.keyFor('acme', 'user-1')).keyId,
    ]);
    expect(kms.calls().filter((call) => call.operation === 'Decrypt').length - decryptsBefore).toBe(1);
  });

  it('serves a service configured for aws-kms through its endpoint variable', async () => {
    kms.createKey('alias/switchboard-configured');
    const config = loadConfig(encryptionVariables, {
      ENCRYPTION_KEY_PROVIDER: 'aws-kms',
      ENCRYPTION_KMS_KEY_ID: 'alias/switchboard-configured',
      ENCRYPTION_KMS_REGION: kms.region,
      ENCRYPTION_KMS_ENDPOINT: kms.endpoint,
      BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    });
    const { encryptor } = createEncryption(config, { query });
    const context = { tenantId: 'configured', recipientId: 'user-1', field: 'email' };

    const text = await encryptor.encryptText('jane@example.com', context);

    expect(await encryptor.decryptText(text, context)).toBe('jane@example.com');
    expect(kms.calls()).toContainEqual(
      expect.objectContaining({ operation: 'GenerateDataKey', keyId: 'alias/switchboard-configured' }),
    );
  });

  it('refuses a wrapped key copied onto another key id', async () => {
    const provider = new KmsKeyProvider({ client, keyId: 'alias/switchboard-a' });
    const { wrapped } = await provider.generateDataKey('first');
    expect((await errorOf(provider.unwrapDataKey(wrapped, 'second'))).code).toBe('DECRYPTION_FAILED');
  });

  it('reports a refusing KMS as a provider failure', async () => {
    const arn = kms.createKey();
    const provider = new KmsKeyProvider({ client, keyId: arn });
    kms.disableKey(arn);
    const error = await errorOf(provider.generateDataKey('k'));
    expect(error.code).toBe('KEY_PROVIDER_FAILED');
    expect(error.message).toMatch(/DisabledException/);
  });

  it('rotates data keys to another KMS key with Decrypt and Encrypt, values staying readable', async () => {
    const oldProvider = new KmsKeyProvider({ client, keyId: 'alias/switchboard-a' });
    const fields = new FieldEncryptor(new DataKeyStore({ query, provider: oldProvider, blindIndex }));
    const context = { tenantId: 'globex', recipientId: 'u9', field: 'email' };
    const text = await fields.encryptText('u9@example.com', context);
    kms.createKey('alias/switchboard-b');
    const newProvider = new KmsKeyProvider({ client, keyId: 'alias/switchboard-b' });

    const report = await rotateDataKeys({ query, provider: newProvider });

    expect(report.failed).toBe(0);
    expect(report.rewrapped).toBeGreaterThanOrEqual(1);
    kms.disableKey('alias/switchboard-a');
    const after = new FieldEncryptor(new DataKeyStore({ query, provider: newProvider, blindIndex }));
    expect(await after.decryptText(text, context)).toBe('u9@example.com');
  });
});
