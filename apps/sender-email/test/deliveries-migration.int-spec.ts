import { randomUUID } from 'node:crypto';
import { DeliveryLedgerRepository } from '@switchboard/sender-kit';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { CreateSenderEmailDeliveries1795595431377 } from '../src/migrations/1795595431377-create-sender-email-deliveries';
import { IndexSenderEmailProviderMessageId1795700000000 } from '../src/migrations/1795700000000-index-sender-email-provider-message-id';
import { MoveSenderEmailDeliveriesToSenderKit1795800000000 } from '../src/migrations/1795800000000-move-sender-email-deliveries-to-sender-kit';

describe('sender_email.deliveries moving to the sender runtime ledger', () => {
  let database: TestDatabase;
  let db: Client;
  let queryRunner: QueryRunner;
  const move = new MoveSenderEmailDeliveriesToSenderKit1795800000000();
  const query = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows;

  beforeAll(async () => {
    database = await createTestDatabase('sender_email_migration');
    db = new Client({ connectionString: database.url });
    await db.connect();
    queryRunner = { query: (sql: string) => query(sql) } as unknown as QueryRunner;
    await db.query('CREATE SCHEMA sender_email');
    await new CreateSenderEmailDeliveries1795595431377().up(queryRunner);
    await new IndexSenderEmailProviderMessageId1795700000000().up(queryRunner);
  });

  afterAll(async () => {
    await db?.end();
    await database?.drop();
  });

  it('keeps every existing delivery, and the runtime skips the finished ones and resumes the rest', async () => {
    const [sent, failed, sending] = [randomUUID(), randomUUID(), randomUUID()];
    await query(
      `INSERT INTO sender_email.deliveries
         (message_id, tenant_id, status, provider, provider_message_id, reason, attempts, updated_at)
       VALUES ($1, 'acme', 'sent', 'ses', 'ses-message-1', NULL, 1, '2030-01-01T10:00:00Z'),
              ($2, 'acme', 'failed', 'ses', NULL, 'MessageRejected: Email address is not verified.', 1, '2030-01-01T10:00:01Z'),
              ($3, 'acme', 'sending', 'ses', NULL, NULL, 2, '2030-01-01T10:00:02Z')`,
      [sent, failed, sending],
    );

    await move.up(queryRunner);

    const rows = await query(
      `SELECT message_id, channel, status, provider, provider_pinned, provider_message_id, reason, attempts,
              created_at = updated_at AS created_when_updated
       FROM sender_email.deliveries ORDER BY updated_at`,
    );
    expect(rows).toEqual([
      expect.objectContaining({
        message_id: sent,
        channel: 'email',
        status: 'sent',
        provider_message_id: 'ses-message-1',
        provider_pinned: false,
      }),
      expect.objectContaining({
        message_id: failed,
        status: 'failed',
        reason: 'MessageRejected: Email address is not verified.',
      }),
      expect.objectContaining({
        message_id: sending,
        status: 'sending',
        provider: 'ses',
        provider_pinned: true,
        attempts: 2,
      }),
    ]);
    expect(rows.every((row) => row.created_when_updated)).toBe(true);

    const ledger = new DeliveryLedgerRepository({ query, schema: 'sender_email', channel: 'email' });
    const claims = await ledger.claim(
      [sent, failed, sending].map((messageId) => ({ messageId, tenantId: 'acme' })),
      { owner: 'sender-email:test', leaseMs: 60_000 },
    );
    expect(claims.get(sent)).toMatchObject({
      outcome: 'finished',
      delivery: { status: 'sent', provider: 'ses', providerMessageId: 'ses-message-1' },
    });
    expect(claims.get(failed)).toMatchObject({ outcome: 'finished', delivery: { status: 'failed' } });
    // It may have reached SES before the old sender stopped: the next attempt goes to the same provider.
    expect(claims.get(sending)).toEqual({
      outcome: 'claimed',
      attempts: 2,
      lastProvider: 'ses',
      pinnedProvider: 'ses',
    });
  });

  it('keeps the index that receipts find their deliveries by, and adds the rate-limit buckets', async () => {
    const indexes = await query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'sender_email' AND tablename = 'deliveries'`,
    );
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          indexname: 'deliveries_provider_message_id',
          indexdef: expect.stringContaining('(provider_message_id)'),
        }),
        expect.objectContaining({
          indexname: 'deliveries_pkey',
          indexdef: expect.stringContaining('(message_id, channel)'),
        }),
      ]),
    );
    expect(await query(`SELECT count(*)::int AS buckets FROM sender_email.rate_limit_buckets`)).toEqual([
      { buckets: 0 },
    ]);
  });

  it('goes back to the old shape, a dead-lettered delivery counting as still sending', async () => {
    const deadLettered = randomUUID();
    await query(
      `INSERT INTO sender_email.deliveries (message_id, channel, tenant_id, status, provider, attempts)
       VALUES ($1, 'email', 'acme', 'dead-lettered', NULL, 8)`,
      [deadLettered],
    );

    await move.down(queryRunner);

    expect(
      await query(`SELECT status, provider, attempts FROM sender_email.deliveries WHERE message_id = $1`, [
        deadLettered,
      ]),
    ).toEqual([{ status: 'sending', provider: 'ses', attempts: 8 }]);
    const columns = await query(
      `SELECT column_name FROM information_schema.columns
       WHERE table_schema = 'sender_email' AND table_name = 'deliveries' ORDER BY ordinal_position`,
    );
    expect(columns.map((column) => column.column_name)).toEqual([
      'message_id',
      'tenant_id',
      'status',
      'provider',
      'provider_message_id',
      'reason',
      'attempts',
      'updated_at',
    ]);
    await move.up(queryRunner);
  });
});
