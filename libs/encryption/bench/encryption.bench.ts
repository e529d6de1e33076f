// `npm run bench:encryption`: microseconds per encrypt and decrypt of a typical address and of a
// 2 KB payload (a message's data and rendered content), with data keys already unwrapped and
// cached, as a busy service has them; plus one blind index. The key store runs on PostgreSQL
// (TEST_DATABASE_ADMIN_URL, default the local one) only for the first use of each key.
// Options (after `--`): --iterations=N per case (default 20,000).
import { createTestDatabase } from '@switchboard/testing';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import {
  BlindIndex,
  DataKeyStore,
  ensureEncryptionKeyTables,
  FieldEncryptor,
  LocalKeyProvider,
  type EncryptionScope,
} from '../src';

function option(name: string, fallback: number): number {
  const given = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  return given === undefined ? fallback : Number(given.slice(name.length + 3));
}

/** Runs `work` a tenth of the iterations to warm up, then times the rest; µs per call. */
async function measure(iterations: number, work: (round: number) => Promise<unknown>): Promise<number> {
  for (let round = 0; round < Math.ceil(iterations / 10); round += 1) await work(round);
  const started = process.hrtime.bigint();
  for (let round = 0; round < iterations; round += 1) await work(round);
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

async function main(): Promise<void> {
  const iterations = option('iterations', 20_000);
  const database = await createTestDatabase('sb_encryption_bench');
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    await ensureEncryptionKeyTables(async (sql, params) => (await pool.query(sql, params)).rows);
    const blindIndex = new BlindIndex(randomBytes(32));
    const keys = new DataKeyStore({
      query: async (sql, params) => (await pool.query(sql, params)).rows,
      provider: new LocalKeyProvider({ keys: [{ id: 'bench', secret: randomBytes(32) }] }),
      blindIndex,
      cacheTtlMs: 3_600_000,
    });
    const encryptor = new FieldEncryptor(keys);
    const scope: EncryptionScope = { tenantId: 'bench-tenant', recipientId: 'user-42' };
    const addressContext = { ...scope, field: 'email' };
    const address = 'jane.doe+orders@example.com';
    const payload = {
      messageId: 'm-1',
      recipient: { id: 'user-42', email: address },
      data: { firstName: 'Jane', orderId: 'o-9', lines: 'x'.repeat(1200) },
      content: { subject: 'Your order has shipped', text: 'y'.repeat(700) },
    };
    const paths = ['recipient.email', 'data', 'content'];
    const payloadBytes = Buffer.byteLength(JSON.stringify(payload));

    const encryptedAddress = await encryptor.encryptText(address, addressContext);
    const encryptedPayload = await encryptor.encryptFields(payload, paths, scope);

    const results = [
      ['encrypt address', await measure(iterations, () => encryptor.encryptText(address, addressContext))],
      [
        'decrypt address',
        await measure(iterations, () => encryptor.decryptText(encryptedAddress, addressContext)),
      ],
      [
        `encrypt ${payloadBytes} B payload (3 fields)`,
        await measure(iterations, () => encryptor.encryptFields(payload, paths, scope)),
      ],
      [
        `decrypt ${payloadBytes} B payload (3 fields)`,
        await measure(iterations, () => encryptor.decryptFields(encryptedPayload, paths, scope)),
      ],
      [
        'blind index of an address',
        await measure(iterations, async () =>
          blindIndex.compute({ tenantId: 'bench-tenant', kind: 'email', value: address }),
        ),
      ],
    ] as const;

    console.log(
      `encryption at rest, ${iterations} iterations per case, keys cached (node ${process.version})`,
    );
    for (const [name, microseconds] of results) {
      console.log(`${name.padEnd(36)} ${microseconds.toFixed(1).padStart(8)} µs`);
    }
  } finally {
    await pool.end();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
