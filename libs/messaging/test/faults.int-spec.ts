import { DEAD_LETTER_TOPIC, DeliveryEventTopic, HeaderName } from '@switchboard/contracts';
import { createTestDatabase, freePort, waitFor, type TestDatabase } from '@switchboard/testing';
import { Client } from 'pg';
import type { ConsumedEvent } from '../src';
import type { DeliveryEvent } from '@switchboard/contracts';
import { deliveryEvent, startMessagingHarness, type MessagingHarness } from './support/messaging-harness';

const topic = DeliveryEventTopic.topic;

/** Writes delivery events the way analytics does: one multi-row INSERT per batch, into real PostgreSQL. */
async function insertEvents(databaseUrl: string, events: ConsumedEvent<DeliveryEvent>[]): Promise<void> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO delivered (message_id, reason)
       SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT (message_id) DO NOTHING`,
      [events.map((event) => event.payload.messageId), events.map((event) => event.payload.reason ?? null)],
    );
  } finally {
    await client.end();
  }
}

async function countRows(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM delivered');
    return rows[0].count;
  } finally {
    await client.end();
  }
}

describe('faults that are not the message', () => {
  let harness: MessagingHarness;
  let database: TestDatabase;

  beforeEach(async () => {
    harness = await startMessagingHarness();
    await harness.provision([{ topic, partitions: 1 }]);
    database = await createTestDatabase('sb_messaging_faults');
    const client = new Client({ connectionString: database.url });
    await client.connect();
    // A rule of the table stands in for any row the database refuses (NUL, bad Unicode, a constraint).
    await client.query(
      `CREATE TABLE delivered (message_id uuid PRIMARY KEY, reason text CHECK (reason IS DISTINCT FROM 'refused'))`,
    );
    await client.end();
  });
  afterEach(async () => {
    await harness.close();
    await database.drop();
  });

  it('waits out a database that refuses connections, dead-letters nothing and writes every event once it is back', async () => {
    const closedPort = await freePort();
    const unreachable = database.url.replace(/:\d+\//, `:${closedPort}/`);
    let databaseUrl = unreachable;
    let refusedWrites = 0;
    await harness
      .runner('outage', { maxAttempts: 2, outageBackoffMaxMs: 200 })
      .onBatch(topic, async (events) => {
        try {
          await insertEvents(databaseUrl, events);
        } catch (error) {
          if (databaseUrl === unreachable) refusedWrites += 1;
          throw error;
        }
      })
      .start();
    const events = Array.from({ length: 20 }, () => deliveryEvent());
    await harness.publisher.publishMany(topic, events);

    // Many more refused writes than the two attempts a failing event gets.
    await waitFor('writes to be refused for a while', () => refusedWrites >= 6);
    expect(harness.logLines.join('\n')).toContain('a dependency is unavailable');
    databaseUrl = database.url;

    await waitFor('every event written', async () => (await countRows(database.url)) === 20);
    await waitFor(
      'the offsets committed',
      async () => (await harness.committedOffset('outage', topic)) === 20,
    );
    expect(await harness.endOffset(DEAD_LETTER_TOPIC)).toBe(0);
    expect(harness.logLines.join('\n')).toContain('the dependency is back: work resumed');
  });

  it('parks only the event the database refuses when a whole batch is written at once', async () => {
    const handledBatchSizes: number[] = [];
    await harness
      .runner('isolation', { maxAttempts: 2, minBytes: 64 * 1024, maxWaitTimeMs: 500 })
      .onBatch(topic, async (events) => {
        handledBatchSizes.push(events.length);
        await insertEvents(database.url, events);
      })
      .start();
    const events = Array.from({ length: 40 }, (_, index) =>
      deliveryEvent(index === 17 ? { type: 'failed', reason: 'refused' } : {}),
    );
    await harness.publisher.publishMany(topic, events);

    await waitFor('the 39 good events written', async () => (await countRows(database.url)) === 39);
    const [letter] = await harness.readRecords(DEAD_LETTER_TOPIC, 1);
    expect(JSON.parse(letter.value ?? 'null')).toMatchObject({ messageId: events[17].messageId });
    expect(letter.headers[HeaderName.error]).toMatch(/violates check constraint/);
    expect(letter.headers[HeaderName.attempts]).toBe('2');
    await waitFor(
      'every offset committed',
      async () => (await harness.committedOffset('isolation', topic)) === 40,
    );
    expect(await harness.endOffset(DEAD_LETTER_TOPIC)).toBe(1);
    // The first write had the whole batch; the bad event was then found by halving, not one by one.
    expect(handledBatchSizes[0]).toBe(40);
    expect(handledBatchSizes.length).toBeLessThan(20);
  });

  it('skips, with a log line naming its position, a raw record the database refuses, and stores the rest', async () => {
    const rawTopic = 'raw.records';
    await harness.provision([{ topic: rawTopic, partitions: 1 }]);
    await harness
      .runner('raw', { maxAttempts: 2 })
      .onRawBatch(rawTopic, async (records) => {
        const client = new Client({ connectionString: database.url });
        await client.connect();
        try {
          await client.query(
            `INSERT INTO delivered (message_id, reason) SELECT * FROM unnest($1::uuid[], $2::text[])`,
            [
              records.map((record) => record.key?.toString()),
              records.map((record) => record.value?.toString()),
            ],
          );
        } finally {
          await client.end();
        }
      })
      .start();
    const ids = Array.from({ length: 10 }, () => deliveryEvent().messageId);
    await harness.produceRaw(
      rawTopic,
      ids.map((id, index) => ({ key: id, value: index === 6 ? 'refused' : 'fine' })),
    );

    await waitFor('the nine other records stored', async () => (await countRows(database.url)) === 9);
    await waitFor(
      'every offset committed',
      async () => (await harness.committedOffset('raw', rawTopic)) === 10,
    );
    expect(harness.logLines.join('\n')).toMatch(/record failed every attempt and is skipped.*"offset":"6"/);
    expect(await harness.endOffset(DEAD_LETTER_TOPIC)).toBe(0);
  });

  it('parks as poison an event whose handling keeps costing the consumer its group membership', async () => {
    const poison = deliveryEvent();
    const others = Array.from({ length: 3 }, () => deliveryEvent());
    const handled: string[] = [];
    let poisonRuns = 0;
    const sessionTimeoutMs = 2000;
    await harness
      .runner('poison', { sessionTimeoutMs, heartbeatIntervalMs: 200, concurrency: 1 })
      .on(topic, async (event) => {
        if (event.payload.messageId === poison.messageId) {
          poisonRuns += 1;
          // Blocks the event loop past the session timeout, as a catastrophic regex or a huge log line would.
          const until = Date.now() + sessionTimeoutMs * 2;
          while (Date.now() < until) {
            // busy
          }
        }
        handled.push(event.payload.messageId);
        return { outcome: 'done' };
      })
      .start();
    await harness.publisher.publish(topic, poison);
    await harness.publisher.publishMany(topic, others);

    const [letter] = await harness.readRecords(DEAD_LETTER_TOPIC, 1);
    expect(JSON.parse(letter.value ?? 'null')).toMatchObject({ messageId: poison.messageId });
    expect(letter.headers[HeaderName.error]).toMatch(/^poison: /);
    await waitFor('the events after it handled', () =>
      others.every((event) => handled.includes(event.messageId)),
    );
    await waitFor(
      'every offset committed',
      async () => (await harness.committedOffset('poison', topic)) === 4,
    );
    expect(poisonRuns).toBe(2);
  }, 60_000);

  it('stops within its timeout even with a handler that never finishes, leaving the event for the next member', async () => {
    const event = deliveryEvent();
    let stuckRuns = 0;
    const stuck = harness.runner('stuck', { stopTimeoutMs: 500 }).on(topic, async () => {
      stuckRuns += 1;
      return new Promise<never>(() => undefined);
    });
    await stuck.start();
    await harness.publisher.publish(topic, event);
    await waitFor('the handler to be stuck on the event', () => stuckRuns === 1);

    await stuck.stop();
    expect(harness.logLines.join('\n')).toContain('in-flight work did not finish in time');

    const handled: string[] = [];
    await harness
      .runner('stuck')
      .on(topic, async (redelivered) => {
        handled.push(redelivered.payload.messageId);
        return { outcome: 'done' };
      })
      .start();
    await waitFor('the event handled by the next member', () => handled.length === 1, 30_000);
    expect(handled).toEqual([event.messageId]);
  }, 60_000);
});
