import { randomInt, randomUUID } from 'node:crypto';
import {
  DEAD_LETTER_TOPIC,
  DeliveryEventTopic,
  HeaderName,
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
  type SnsEmulator,
  type TestBroker,
  type TestDatabase,
  type TopicObserver,
} from '@switchboard/testing';
import { Client } from 'pg';
import { loadSenderSmsConfig } from '../src/config';
import { startSenderSmsService } from '../src/sender-sms-service';

const RATE_PER_SECOND = 20;
const RATE_BURST = 5;
const FAILURES_TO_OPEN = 10;
const MAX_ATTEMPTS = 8;
const { retries } = SmsChannelTopics;

describe('sender-sms service', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let primary: SnsEmulator;
  let backup: SnsEmulator;
  let service: RunningService;
  let publisher: EventPublisher;
  let observer: TopicObserver;
  let cipher: StandalonePayloadCipher;
  let db: Client;

  beforeAll(async () => {
    [broker, database, primary, backup] = await Promise.all([
      createTestBroker(),
      createTestDatabase('sender_sms_int'),
      startSnsEmulator(),
      startSnsEmulator(),
    ]);
    const config = loadSenderSmsConfig({
      ...broker.serviceVariables,
      DATABASE_URL: database.url,
      PORT: '0',
      SMS_PROVIDERS: `sns-primary:us-east-1:${primary.endpoint},sns-backup:eu-west-1:${backup.endpoint}`,
      SMS_RATE_PER_SECOND: String(RATE_PER_SECOND),
      SMS_RATE_BURST: String(RATE_BURST),
      SMS_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      SMS_RETRY_BASE_DELAY: '100ms',
      SMS_RETRY_MAX_DELAY: '400ms',
      SMS_CIRCUIT_FAILURES_TO_OPEN: String(FAILURES_TO_OPEN),
      SMS_CIRCUIT_OPEN_FOR: '1500ms',
      SMS_SEND_TIMEOUT: '5s',
      ...TEST_ENCRYPTION_VARIABLES,
    });
    service = await startSenderSmsService(config, new StructuredLogger('sender-sms', 'error'));
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    // Dispatches go in sealed, as the template service writes them.
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'sender-sms-int-spec' }),
      {
        cipher: cipher.cipher,
      },
    );
    await publisher.connect();
    observer = await observeTopics(
      testKafka(broker.brokers),
      [DeliveryEventTopic.topic, DEAD_LETTER_TOPIC, ...Object.values(retries).map(({ topic }) => topic)],
      { cipher },
    );
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await service?.close();
    await cipher?.close();
    await db?.end();
    await Promise.all([primary?.stop(), backup?.stop()]);
    await broker?.stop();
    await database?.drop();
  });

  afterEach(async () => {
    await Promise.all([primary.faults.clear(), backup.faults.clear()]);
  });

  function dispatch(overrides: Partial<SmsDispatch> = {}): SmsDispatch {
    return {
      tenantId: 'acme',
      messageId: randomUUID(),
      to: `+1415${String(randomInt(0, 10_000_000)).padStart(7, '0')}`,
      text: 'Your order has shipped.',
      smsType: 'Transactional',
      ...overrides,
    };
  }

  const eventsOf = (messageId: string) =>
    observer
      .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
      .filter((event) => event.messageId === messageId);
  const eventOf = (messageId: string, type: DeliveryEvent['type']) =>
    eventsOf(messageId).find((event) => event.type === type);
  const retryRecordsOf = (messageId: string) =>
    Object.values(retries)
      .flatMap(({ topic }) => observer.records(topic))
      .filter((record) => (record.value as SmsDispatch).messageId === messageId);
  const smsTo = async (emulator: SnsEmulator, phoneNumber: string) =>
    (await emulator.sentSms()).filter((sms) => sms.phoneNumber === phoneNumber);
  const attemptsTo = async (emulator: SnsEmulator, phoneNumber: string) =>
    (await emulator.attempts()).filter((attempt) => attempt.phoneNumber === phoneNumber);

  async function deliveryRow(messageId: string) {
    const result = await db.query(
      `SELECT status, provider, provider_message_id, reason, attempts, encoding, segments
       FROM sender_sms.deliveries WHERE message_id = $1 AND channel = 'sms'`,
      [messageId],
    );
    return result.rows[0];
  }

  async function providerStatus(): Promise<ChannelSenderStatus> {
    const response = await fetch(`${service.url}/status/providers`);
    expect(response.status).toBe(200);
    return (await response.json()) as ChannelSenderStatus;
  }

  it('sends a sealed dispatch through SNS to its number with its text, type and sender id, and reports segments and encoding', async () => {
    const sms = dispatch({ text: 'Votre colis est arrivé ✓', senderId: 'Switchboard' });
    await publisher.publish(SmsChannelTopics.lanes.high.topic, sms);

    const sent = await waitFor('the sent event', () => eventOf(sms.messageId, 'sent'));
    const [received] = await smsTo(primary, sms.to);
    expect(received).toMatchObject({
      phoneNumber: sms.to,
      message: sms.text,
      attributes: {
        'AWS.SNS.SMS.SMSType': { dataType: 'String', value: 'Transactional' },
        'AWS.SNS.SMS.SenderID': { dataType: 'String', value: 'Switchboard' },
      },
    });
    expect(sent).toMatchObject({
      source: 'sender-sms',
      channel: 'sms',
      provider: 'sns-primary',
      detail: { providerMessageId: received.messageId, encoding: 'UCS-2', segments: 1 },
    });
    expect(await deliveryRow(sms.messageId)).toMatchObject({
      status: 'sent',
      provider: 'sns-primary',
      provider_message_id: received.messageId,
      attempts: 1,
      encoding: 'UCS-2',
      segments: 1,
    });
  });

  it('sends the same dispatch once although it arrives three times, and counts a long text in segments', async () => {
    const sms = dispatch({ text: 'A'.repeat(200), smsType: 'Promotional' });
    // Two copies in one request reach the sender in one batch: the second is skipped there.
    await publisher.publishMany(SmsChannelTopics.lanes.bulk.topic, [sms, sms]);
    await waitFor('the sent event', () => eventOf(sms.messageId, 'sent'));
    // A copy after the send finds the delivery finished and publishes its sent event again, in case
    // the first try stopped before publishing it. The partition is read in order, so once this
    // second event is out every copy has been handled.
    await publisher.publish(SmsChannelTopics.lanes.bulk.topic, sms);
    await waitFor('the sent event published again for the late copy', () => {
      const sentEvents = eventsOf(sms.messageId).filter((event) => event.type === 'sent');
      return sentEvents.length === 2 && sentEvents;
    });
    expect(await smsTo(primary, sms.to)).toHaveLength(1);
    expect(eventOf(sms.messageId, 'sent')?.detail).toMatchObject({ encoding: 'GSM-7', segments: 2 });
  });

  it('delivers every message exactly once while 30% of calls fail, with retries spread in time', async () => {
    await primary.faults.set({ failureRate: 0.3, status: 503, seed: 7 });
    const batch = Array.from({ length: 20 }, () => dispatch());
    await publisher.publishMany(SmsChannelTopics.lanes.normal.topic, batch);

    await waitFor('every message sent', () => batch.every((sms) => eventOf(sms.messageId, 'sent')), 40_000);
    const received = await primary.sentSms();
    for (const sms of batch) {
      expect(received.filter((message) => message.phoneNumber === sms.to)).toHaveLength(1);
    }
    const attempts = await primary.attempts();
    const failed = attempts.filter((attempt) => attempt.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    // Each first retry waited for its own jittered not-before time: no lockstep, and never early.
    const firstRetries = batch.flatMap((sms) => {
      const scheduled = eventOf(sms.messageId, 'retry-scheduled');
      const times = attempts
        .filter((attempt) => attempt.phoneNumber === sms.to)
        .map((attempt) => Date.parse(attempt.at));
      return scheduled && times.length > 1 ? [{ scheduled, failedAt: times[0], retriedAt: times[1] }] : [];
    });
    expect(firstRetries.length).toBeGreaterThan(1);
    for (const { scheduled, retriedAt } of firstRetries) {
      expect(scheduled.provider).toBe('sns-primary');
      expect(retriedAt).toBeGreaterThanOrEqual(Date.parse(String(scheduled.detail?.notBefore)));
    }
    const gaps = firstRetries.map(({ failedAt, retriedAt }) => retriedAt - failedAt);
    const delays = firstRetries.map(({ scheduled }) => Number(scheduled.detail?.delayMs));
    expect(new Set(delays).size).toBeGreaterThan(1);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeGreaterThanOrEqual(10);
  });

  it('fails an opted-out number for good after exactly one attempt', async () => {
    const sms = dispatch();
    await primary.faults.set({ optedOut: [sms.to] });
    await publisher.publish(SmsChannelTopics.lanes.high.topic, sms);

    const failed = await waitFor('the failed event', () => eventOf(sms.messageId, 'failed'));
    expect(failed).toMatchObject({ provider: 'sns-primary' });
    expect(failed.reason).toContain('OptedOut');
    expect(await attemptsTo(primary, sms.to)).toHaveLength(1);
    expect(await attemptsTo(backup, sms.to)).toHaveLength(0);
    expect(eventOf(sms.messageId, 'retry-scheduled')).toBeUndefined();
    expect(await deliveryRow(sms.messageId)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('keeps to the configured rate per provider', async () => {
    const batch = Array.from({ length: 50 }, () => dispatch());
    const numbers = new Set(batch.map((sms) => sms.to));
    await publisher.publishMany(SmsChannelTopics.lanes.bulk.topic, batch);

    await waitFor('every message sent', () => batch.every((sms) => eventOf(sms.messageId, 'sent')), 30_000);
    const times = (await primary.attempts())
      .filter((attempt) => attempt.phoneNumber !== undefined && numbers.has(attempt.phoneNumber))
      .map((attempt) => Date.parse(attempt.at))
      .sort((a, b) => a - b);
    expect(times).toHaveLength(batch.length);
    // Over every stretch of the run, no more calls than the rate allows plus the burst. The times are
    // the emulator's, so each stretch gets 100 ms of slack for the calls' varying travel time.
    for (let first = 0; first < times.length; first++) {
      for (let last = first; last < times.length; last++) {
        const seconds = (times[last] - times[first]) / 1000;
        expect(last - first + 1).toBeLessThanOrEqual(
          Math.floor(RATE_PER_SECOND * (seconds + 0.1)) + RATE_BURST,
        );
      }
    }
    // And not merely spread out by chance: the run took about as long as the rate demands.
    expect((times[times.length - 1] - times[0]) / 1000).toBeGreaterThan(
      (batch.length - RATE_BURST) / RATE_PER_SECOND - 0.2,
    );
  });

  it('fails over to the backup while the primary is down, and returns to the primary after it recovers', async () => {
    await primary.faults.set({ status: 500 });
    const failedBefore = (await primary.attempts()).filter((attempt) => attempt.outcome === 'failed').length;
    const duringOutage = Array.from({ length: 15 }, () => dispatch());
    await publisher.publishMany(SmsChannelTopics.lanes.normal.topic, duringOutage);

    await waitFor(
      'every message sent during the outage',
      () => duringOutage.every((sms) => eventOf(sms.messageId, 'sent')),
      30_000,
    );
    const opened = await waitFor('the primary circuit opening', () =>
      observer
        .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
        .find(
          (event) =>
            event.type === 'circuit-changed' &&
            event.detail?.provider === 'sns-primary' &&
            event.detail.to === 'open',
        ),
    );
    expect(opened.detail).toMatchObject({ from: 'closed', to: 'open' });
    // Opened after the configured failures, give or take the calls already under way then; without
    // a breaker the 15 messages would spend all their attempts on the primary.
    const failedDuring = (await primary.attempts()).filter((attempt) => attempt.outcome === 'failed').length;
    expect(failedDuring - failedBefore).toBeGreaterThanOrEqual(FAILURES_TO_OPEN);
    expect(failedDuring - failedBefore).toBeLessThan(FAILURES_TO_OPEN + 16);
    const failedOver = duringOutage.filter((sms) => eventOf(sms.messageId, 'failed-over'));
    expect(failedOver.length).toBeGreaterThan(0);
    for (const sms of failedOver) {
      expect(eventOf(sms.messageId, 'failed-over')?.detail).toMatchObject({
        from: 'sns-primary',
        to: 'sns-backup',
      });
    }
    expect((await providerStatus()).providers[0].circuit.state).not.toBe('closed');

    await primary.faults.clear();
    const afterRecovery = Array.from({ length: 5 }, () => dispatch());
    // Sent one at a time until the half-open probe has closed the circuit again.
    await waitFor(
      'the primary taking traffic again',
      async () => {
        const sms = afterRecovery.find((candidate) => !eventOf(candidate.messageId, 'sent'));
        if (sms && !eventsOf(sms.messageId).length) {
          await publisher.publish(SmsChannelTopics.lanes.high.topic, sms);
        }
        return (await providerStatus()).providers[0].circuit.state === 'closed';
      },
      30_000,
      250,
    );
    const last = dispatch();
    await publisher.publish(SmsChannelTopics.lanes.high.topic, last);
    const sent = await waitFor('the last message sent', () => eventOf(last.messageId, 'sent'));
    expect(sent.provider).toBe('sns-primary');

    // No message of the whole run went out through both providers.
    const primaryNumbers = new Set((await primary.sentSms()).map((sms) => sms.phoneNumber));
    const both = (await backup.sentSms()).filter((sms) => primaryNumbers.has(sms.phoneNumber));
    expect(both).toEqual([]);
    expect(await smsTo(backup, duringOutage[0].to)).toHaveLength(1);
    const status = await providerStatus();
    expect(status.providers.map((provider) => provider.provider)).toEqual(['sns-primary', 'sns-backup']);
    expect(status.providers[1].counters.sent).toBeGreaterThan(0);
    expect(status.providers[0].rateLimit).toMatchObject({
      ratePerSecond: RATE_PER_SECOND,
      burst: RATE_BURST,
    });
  });

  it('dead-letters a message whose retries are used up, with the reason', async () => {
    const sms = dispatch();
    await primary.faults.set({ status: 500 });
    await publisher.publish(SmsChannelTopics.lanes.high.topic, sms);

    const deadLettered = await waitFor(
      'the dead-lettered event',
      () => eventOf(sms.messageId, 'dead-lettered'),
      30_000,
    );
    expect(deadLettered.reason).toContain('attempts-exhausted');
    const letter = await waitFor('the dead letter', () =>
      observer
        .records(DEAD_LETTER_TOPIC)
        .find((record) => (record.value as SmsDispatch | undefined)?.messageId === sms.messageId),
    );
    // Parked as it was written: sealed, and readable again with the keys (a redrive sends it).
    expect(JSON.stringify(letter.written)).not.toContain(sms.to);
    expect(await cipher.open(letter.headers[HeaderName.originalTopic], letter.written)).toEqual(sms);
    expect(letter.headers[HeaderName.error]).toContain('attempts-exhausted');
    expect(letter.headers[HeaderName.attempts]).toBe(String(MAX_ATTEMPTS));
    expect(await attemptsTo(primary, sms.to)).toHaveLength(MAX_ATTEMPTS);
    expect(await smsTo(backup, sms.to)).toHaveLength(0);
    expect(await deliveryRow(sms.messageId)).toMatchObject({
      status: 'dead-lettered',
      attempts: MAX_ATTEMPTS,
    });

    // Every retry was written sealed: the retry topics hold neither the number nor the text.
    const scheduled = eventsOf(sms.messageId).filter((event) => event.type === 'retry-scheduled').length;
    expect(scheduled).toBeGreaterThan(0);
    const retryRecords = await waitFor('every retry read from the retry topics', () => {
      const found = retryRecordsOf(sms.messageId);
      return found.length === scheduled && found;
    });
    for (const record of retryRecords) {
      expect(record.value).toMatchObject({ to: sms.to, text: sms.text });
      const written = JSON.stringify(record.written);
      expect(written).not.toContain(sms.to);
      expect(written).not.toContain(sms.text);
    }
  });
});
