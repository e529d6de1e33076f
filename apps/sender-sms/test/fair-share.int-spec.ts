import { randomUUID } from 'node:crypto';
import {
  DeliveryEventTopic,
  SmsChannelTopics,
  type DeliveryEvent,
  type SmsDispatch,
} from '@switchboard/contracts';
import { connectPayloadCipher, type StandalonePayloadCipher } from '@switchboard/encryption';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import type { ChannelSenderStatus } from '@switchboard/sender-kit';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  observeTopics,
  startSnsEmulator,
  testKafka,
  waitFor,
  TEST_ENCRYPTION_VARIABLES,
  type SentSms,
  type SnsEmulator,
  type TestBroker,
  type TestDatabase,
  type TopicObserver,
} from '@switchboard/testing';
import { loadSenderSmsConfig } from '../src/config';
import { startSenderSmsService } from '../src/sender-sms-service';

const RATE_PER_SECOND = 50;
const BUSY_DISPATCHES = 1500;
const QUIET_DISPATCHES = 5;
// The busy tenant's backlog alone takes 30 s at the provider's rate.
const BUSY_BACKLOG_MS = (BUSY_DISPATCHES / RATE_PER_SECOND) * 1000;

describe("sender-sms: each tenant gets a fair share of a provider's rate limit", () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let sns: SnsEmulator;
  let service: RunningService;
  let publisher: EventPublisher;
  let observer: TopicObserver;
  let cipher: StandalonePayloadCipher;

  beforeAll(async () => {
    [broker, database, sns] = await Promise.all([
      createTestBroker(),
      createTestDatabase('sender_sms_fair_share'),
      startSnsEmulator(),
    ]);
    const config = loadSenderSmsConfig({
      ...broker.serviceVariables,
      DATABASE_URL: database.url,
      PORT: '0',
      SMS_PROVIDERS: `sns-primary:us-east-1:${sns.endpoint}`,
      SMS_RATE_PER_SECOND: String(RATE_PER_SECOND),
      SMS_RATE_BURST: '10',
      // SMS_FAIR_SHARE_MAX_WAIT keeps its default (1 s).
      ...TEST_ENCRYPTION_VARIABLES,
    });
    service = await startSenderSmsService(config, new StructuredLogger('sender-sms', 'error'));
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    // Dispatches go in sealed, as the template service writes them (each recipient's key made then).
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'sender-sms-fair-share-int-spec' }),
      { cipher: cipher.cipher },
    );
    await publisher.connect();
    observer = await observeTopics(testKafka(broker.brokers), [DeliveryEventTopic.topic]);
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await service?.close();
    await cipher?.close();
    await sns?.stop();
    await broker?.stop();
    await database?.drop();
  });

  const dispatch = (tenantId: string, index: number): SmsDispatch => ({
    tenantId,
    messageId: randomUUID(),
    to: `+1415${String(3_000_000 + index).padStart(7, '0')}`,
    text: `Message ${index} of ${tenantId}`,
    smsType: 'Transactional',
  });

  async function providerStatus(): Promise<ChannelSenderStatus> {
    const response = await fetch(`${service.url}/status/providers`);
    expect(response.status).toBe(200);
    return (await response.json()) as ChannelSenderStatus;
  }

  it("sends a tenant's few dispatches within seconds behind another's 30-second backlog, and the backlog once each at near the full rate", async () => {
    const busy = Array.from({ length: BUSY_DISPATCHES }, (_, index) => dispatch('busy', index));
    const quiet = Array.from({ length: QUIET_DISPATCHES }, (_, index) => dispatch('quiet', 10_000 + index));
    await publisher.publishMany(SmsChannelTopics.lanes.normal.topic, busy);
    const quietPublishedAt = Date.now();
    await publisher.publishMany(SmsChannelTopics.lanes.normal.topic, quiet);

    const quietTexts = new Set(quiet.map((sms) => sms.text));
    const quietSent = await waitFor(
      "the quiet tenant's dispatches sent",
      async () => {
        const sent = (await sns.sentSms()).filter((sms) => quietTexts.has(sms.message));
        return sent.length === QUIET_DISPATCHES && sent;
      },
      BUSY_BACKLOG_MS,
    );
    const quietDoneAt = Math.max(...quietSent.map((sms) => Date.parse(sms.at)));
    // Not starved: the quiet tenant is done while most of the backlog ahead of it still waits
    // (without fair share it would come after all of it). Seconds here; the bound leaves room for
    // a busy machine.
    expect(quietDoneAt - quietPublishedAt).toBeLessThan(BUSY_BACKLOG_MS / 3);
    const busySentBeforeQuiet = (await sns.sentSms()).filter(
      (sms) => sms.message.endsWith(' of busy') && Date.parse(sms.at) <= quietDoneAt,
    );
    expect(busySentBeforeQuiet.length).toBeLessThan(BUSY_DISPATCHES / 2);

    const everything = await waitFor(
      'every dispatch sent',
      async () => {
        const sent = await sns.sentSms();
        return sent.length >= BUSY_DISPATCHES + QUIET_DISPATCHES && sent;
      },
      3 * BUSY_BACKLOG_MS,
    );
    const busySent = everything.filter((sms) => sms.message.endsWith(' of busy'));
    // Each exactly once: as many as were published, and no text twice.
    expect(busySent).toHaveLength(BUSY_DISPATCHES);
    expect(new Set(busySent.map((sms) => sms.message)).size).toBe(BUSY_DISPATCHES);
    expect(everything).toHaveLength(BUSY_DISPATCHES + QUIET_DISPATCHES);

    // Work-conserving: putting the backlog off never left the provider's rate unused for long.
    const sentPerSecond = ratePerSecond(busySent);
    expect(sentPerSecond).toBeGreaterThanOrEqual(0.7 * RATE_PER_SECOND);
    // ...and never above it (the burst aside).
    expect(sentPerSecond).toBeLessThanOrEqual(RATE_PER_SECOND * 1.1);

    // The backlog was moved out of the way, which the delivery events and counters say.
    const putOff = await waitFor('the put-off events', () => {
      const events = observer
        .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
        .filter((event) => event.type === 'retry-scheduled' && event.reason === 'rate-limited: fair share');
      return events.length > 0 && events;
    });
    expect(putOff.every((event) => event.tenantId === 'busy')).toBe(true);
    const [primary] = (await providerStatus()).providers;
    expect(primary.counters.putOffForFairShare).toBeGreaterThan(0);
    expect(primary.counters).toMatchObject({
      attempts: BUSY_DISPATCHES + QUIET_DISPATCHES,
      sent: BUSY_DISPATCHES + QUIET_DISPATCHES,
    });
  }, 150_000);
});

/** Sends per second from the first to the last. */
function ratePerSecond(sent: readonly SentSms[]): number {
  const times = sent.map((sms) => Date.parse(sms.at));
  const spanMs = Math.max(...times) - Math.min(...times);
  return (sent.length - 1) / (spanMs / 1000);
}
