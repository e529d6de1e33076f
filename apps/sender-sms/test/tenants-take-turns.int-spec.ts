import { randomUUID } from 'node:crypto';
import { SmsChannelTopics, type SmsDispatch } from '@switchboard/contracts';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  startSnsEmulator,
  testKafka,
  waitFor,
  TEST_ENCRYPTION_VARIABLES,
  type SnsEmulator,
  type TestBroker,
  type TestDatabase,
} from '@switchboard/testing';
import { loadSenderSmsConfig } from '../src/config';
import { startSenderSmsService } from '../src/sender-sms-service';

const BUSY_DISPATCHES = 30;

describe('sender-sms: the tenants of a batch take turns at the rate limit', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let sns: SnsEmulator;
  let service: RunningService;
  let publisher: EventPublisher;

  beforeAll(async () => {
    [broker, database, sns] = await Promise.all([
      createTestBroker(),
      createTestDatabase('sender_sms_turns'),
      startSnsEmulator(),
    ]);
    // One partition, made before the sender starts (which keeps a topic it finds as it is), so
    // that every dispatch below is in one partition and comes in one batch.
    const admin = testKafka(broker.brokers).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: SmsChannelTopics.lanes.normal.topic, numPartitions: 1 }] });
    await admin.disconnect();
    const config = loadSenderSmsConfig({
      ...broker.serviceVariables,
      DATABASE_URL: database.url,
      PORT: '0',
      SMS_PROVIDERS: `sns-primary:us-east-1:${sns.endpoint}`,
      // Slow enough that the order of the calls is the order the tokens were handed out in.
      SMS_RATE_PER_SECOND: '20',
      SMS_RATE_BURST: '1',
      SMS_CONCURRENCY_NORMAL: '2',
      // Only the turns within a batch are under test: the busy tenant's 1.5 s of dispatches are not
      // put off for the quiet one's fair share (fair-share.int-spec.ts), which would reorder them.
      SMS_FAIR_SHARE_MAX_WAIT: '1m',
      ...TEST_ENCRYPTION_VARIABLES,
    });
    service = await startSenderSmsService(config, new StructuredLogger('sender-sms', 'error'));
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'sender-sms-turns-int-spec' }),
    );
    await publisher.connect();
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await service?.close();
    await sns?.stop();
    await broker?.stop();
    await database?.drop();
  });

  const dispatch = (tenantId: string, index: number): SmsDispatch => ({
    tenantId,
    messageId: randomUUID(),
    to: `+1415${String(2_000_000 + index).padStart(7, '0')}`,
    text: `Message ${index} of ${tenantId}`,
    smsType: 'Transactional',
  });

  it("sends a tenant's two dispatches that came after another's thirty among the first, not last", async () => {
    const busy = Array.from({ length: BUSY_DISPATCHES }, (_, index) => dispatch('busy', index));
    const quiet = [dispatch('quiet', 100), dispatch('quiet', 101)];
    // One produce request: the records land together and are fetched as one batch.
    await publisher.publishMany(SmsChannelTopics.lanes.normal.topic, [...busy, ...quiet]);

    const received = await waitFor(
      'every dispatch sent',
      async () => {
        const sent = await sns.sentSms();
        return sent.length === busy.length + quiet.length && sent;
      },
      30_000,
    );
    const order = received.map((sms) => sms.message);
    const positions = quiet.map((sms) => order.indexOf(sms.text));
    // Round-robin in chunks of two: the quiet tenant's go second and fourth (plus a few places for
    // a first fetch that held only part of the records).
    expect(Math.max(...positions)).toBeLessThan(8);
    expect(order.filter((text) => text.endsWith('of busy'))).toEqual(busy.map((sms) => sms.text));
  });
});
