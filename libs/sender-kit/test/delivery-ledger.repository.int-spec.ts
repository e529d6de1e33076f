import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { Pool } from 'pg';
import { deliveryLedgerTableSql, DeliveryLedgerRepository } from '../src';

describe('DeliveryLedgerRepository', () => {
  let database: TestDatabase;
  let pool: Pool;
  let ledger: DeliveryLedgerRepository;
  const query = (sql: string, params: unknown[]) => pool.query(sql, params).then((result) => result.rows);

  beforeAll(async () => {
    database = await createTestDatabase('sender_kit_ledger');
    pool = new Pool({ connectionString: database.url, max: 4 });
    await pool.query('CREATE SCHEMA sender_test');
    await pool.query(deliveryLedgerTableSql('sender_test'));
    ledger = new DeliveryLedgerRepository({ query, schema: 'sender_test', channel: 'sms' });
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const delivery = () => ({ messageId: randomUUID(), tenantId: 'acme' });

  it('claims new deliveries under a lease and keeps other senders off them until it ends', async () => {
    const [first, second] = [delivery(), delivery()];
    const claims = await ledger.claim([first, second], { owner: 'a', leaseMs: 60_000 });
    expect(claims.get(first.messageId)).toEqual({
      outcome: 'claimed',
      attempts: 0,
      lastProvider: null,
      pinnedProvider: null,
    });

    const other = await ledger.claim([first], { owner: 'b', leaseMs: 60_000 });
    expect(other.get(first.messageId)).toMatchObject({ outcome: 'busy' });
    const leased = await ledger.recordAttempts([{ messageId: first.messageId, provider: 'p1' }], {
      owner: 'b',
      leaseMs: 60_000,
    });
    expect(leased.size).toBe(0);
  });

  it('records the provider before the call, pins an unanswered attempt to it, and skips a finished row', async () => {
    const item = delivery();
    const lease = { owner: 'a', leaseMs: 60_000 };
    await ledger.claim([item], lease);
    expect(await ledger.recordAttempts([{ messageId: item.messageId, provider: 'p1' }], lease)).toEqual(
      new Set([item.messageId]),
    );
    await ledger.recordOutcomes(
      [
        {
          messageId: item.messageId,
          status: 'sending',
          pinnedProvider: 'p1',
          reason: 'timeout',
          at: new Date(),
        },
      ],
      'a',
    );
    expect((await ledger.claim([item], { owner: 'b', leaseMs: 60_000 })).get(item.messageId)).toEqual({
      outcome: 'claimed',
      attempts: 1,
      lastProvider: 'p1',
      pinnedProvider: 'p1',
    });
    await ledger.recordAttempts([{ messageId: item.messageId, provider: 'p1' }], {
      owner: 'b',
      leaseMs: 60_000,
    });
    await ledger.recordOutcomes(
      [
        {
          messageId: item.messageId,
          status: 'sent',
          provider: 'p1',
          providerMessageId: 'provider-1',
          detail: { segments: 2 },
          finishedAt: new Date(),
        },
      ],
      'b',
    );

    const again = await ledger.claim([item], { owner: 'c', leaseMs: 60_000 });
    expect(again.get(item.messageId)).toMatchObject({
      outcome: 'finished',
      delivery: { status: 'sent', provider: 'p1', providerMessageId: 'provider-1', detail: { segments: 2 } },
    });
    const row = await pool.query(
      'SELECT attempts, status FROM sender_test.deliveries WHERE message_id = $1',
      [item.messageId],
    );
    expect(row.rows[0]).toEqual({ attempts: 2, status: 'sent' });
  });

  it('lets a redrive claim a dead-lettered delivery again', async () => {
    const item = delivery();
    await ledger.claim([item], { owner: 'a', leaseMs: 60_000 });
    await ledger.recordOutcomes(
      [
        {
          messageId: item.messageId,
          status: 'dead-lettered',
          pinnedProvider: null,
          reason: 'gave up',
          at: new Date(),
        },
      ],
      'a',
    );
    expect((await ledger.claim([item], { owner: 'b', leaseMs: 60_000 })).get(item.messageId)).toMatchObject({
      outcome: 'claimed',
    });
  });
});
