import { randomUUID } from 'node:crypto';
import {
  DEAD_LETTER_TOPIC,
  DeliveryEventTopic,
  EmailChannelTopics,
  HeaderName,
  type DeliveryEvent,
  type EmailDispatch,
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
  startSesEmulator,
  startSesFaultProxy,
  testKafka,
  waitFor,
  TEST_ENCRYPTION_VARIABLES,
  type SesEmulator,
  type SesFaultProxy,
  type TestBroker,
  type TestDatabase,
  type TopicObserver,
} from '@switchboard/testing';
import { Client } from 'pg';
import { loadSenderEmailConfig } from '../src/config';
import { startSenderEmailService } from '../src/sender-email-service';

const RATE_PER_SECOND = 20;
const RATE_BURST = 5;
const FAILURES_TO_OPEN = 10;
const MAX_ATTEMPTS = 8;
const { lanes, retries } = EmailChannelTopics;

describe('sender-email service', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let ses: SesEmulator;
  // Two SES "regions": each its own fault proxy in front of the one emulator.
  let primary: SesFaultProxy;
  let backup: SesFaultProxy;
  let service: RunningService;
  let publisher: EventPublisher;
  let observer: TopicObserver;
  let cipher: StandalonePayloadCipher;
  let db: Client;

  beforeAll(async () => {
    [broker, database, ses] = await Promise.all([
      createTestBroker(),
      createTestDatabase('sender_email_int'),
      startSesEmulator(),
    ]);
    [primary, backup] = await Promise.all([
      startSesFaultProxy({ target: ses.endpoint }),
      startSesFaultProxy({ target: ses.endpoint }),
    ]);
    const config = loadSenderEmailConfig({
      ...broker.serviceVariables,
      DATABASE_URL: database.url,
      PORT: '0',
      EMAIL_FROM: 'Switchboard <noreply@switchboard.test>',
      EMAIL_PROVIDERS: `ses-primary:eu-west-1:${primary.endpoint},ses-backup:eu-central-1:${backup.endpoint}`,
      EMAIL_RATE_PER_SECOND: String(RATE_PER_SECOND),
      EMAIL_RATE_BURST: String(RATE_BURST),
      EMAIL_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      EMAIL_RETRY_BASE_DELAY: '100ms',
      EMAIL_RETRY_MAX_DELAY: '400ms',
      EMAIL_CIRCUIT_FAILURES_TO_OPEN: String(FAILURES_TO_OPEN),
      EMAIL_CIRCUIT_OPEN_FOR: '1500ms',
      EMAIL_SEND_TIMEOUT: '5s',
      EMAIL_LEASE: '15s',
      ...TEST_ENCRYPTION_VARIABLES,
    });
    service = await startSenderEmailService(config, new StructuredLogger('sender-email', 'error'));
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    // Dispatches go in sealed, as the template service writes them.
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'sender-email-int-spec' }),
      { cipher: cipher.cipher },
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
    await ses?.stop();
    await broker?.stop();
    await database?.drop();
  });

  afterEach(async () => {
    await Promise.all([primary.faults.clear(), backup.faults.clear()]);
  });

  function dispatch(overrides: Partial<EmailDispatch> = {}): EmailDispatch {
    const id = randomUUID();
    return {
      tenantId: 'acme',
      messageId: id,
      to: `ada-${id}@example.com`,
      subject: `Your order shipped (${id})`,
      html: '<p>Hello <b>Ada</b></p>',
      text: 'Hello Ada',
      template: { key: 'order-shipped', version: 3 },
      ...overrides,
    };
  }

  const retryRecordsOf = (messageId: string) =>
    Object.values(retries)
      .flatMap(({ topic }) => observer.records(topic))
      .filter((record) => (record.value as EmailDispatch).messageId === messageId);
  const allEvents = () => observer.payloads<DeliveryEvent>(DeliveryEventTopic.topic);
  const eventsOf = (messageId: string) => allEvents().filter((event) => event.messageId === messageId);
  const eventOf = (messageId: string, type: DeliveryEvent['type']) =>
    eventsOf(messageId).find((event) => event.type === type);
  const emailsTo = async (address: string) =>
    (await ses.sentEmails()).filter((email) => email.to.includes(address));
  const attemptsTo = async (proxy: SesFaultProxy, address: string) =>
    (await proxy.attempts()).filter((attempt) => attempt.to.includes(address));
  const sentThrough = async (proxy: SesFaultProxy) =>
    (await proxy.attempts()).filter((attempt) => attempt.outcome === 'sent').flatMap((attempt) => attempt.to);

  async function deliveryRow(messageId: string) {
    const result = await db.query(
      `SELECT status, provider, provider_message_id, reason, attempts
       FROM sender_email.deliveries WHERE message_id = $1 AND channel = 'email'`,
      [messageId],
    );
    return result.rows[0];
  }

  async function providerStatus(): Promise<ChannelSenderStatus> {
    const response = await fetch(`${service.url}/status/providers`);
    expect(response.status).toBe(200);
    return (await response.json()) as ChannelSenderStatus;
  }

  it('sends a sealed dispatch through SES to its address with its subject, html and text, and reports it sent', async () => {
    const email = dispatch();
    await publisher.publish(lanes.high.topic, email);

    const sentEvent = await waitFor('the sent event', () => eventOf(email.messageId, 'sent'));
    const [sent] = await emailsTo(email.to);
    expect(sent).toMatchObject({
      from: 'Switchboard <noreply@switchboard.test>',
      to: [email.to],
      subject: email.subject,
      html: email.html,
      text: email.text,
    });
    expect(sentEvent).toMatchObject({
      source: 'sender-email',
      channel: 'email',
      provider: 'ses-primary',
      detail: { providerMessageId: sent.messageId },
    });
    expect(await deliveryRow(email.messageId)).toEqual({
      status: 'sent',
      provider: 'ses-primary',
      provider_message_id: sent.messageId,
      reason: null,
      attempts: 1,
    });
  });

  it('sends a dispatch delivered twice only once, and reports it sent again, identically', async () => {
    const email = dispatch();
    await publisher.publish(lanes.normal.topic, email);
    await waitFor('the first copy sent', () => eventOf(email.messageId, 'sent'));

    await publisher.publish(lanes.normal.topic, email);

    const sentEvents = await waitFor('the sent event published for both copies', () => {
      const found = eventsOf(email.messageId).filter((event) => event.type === 'sent');
      return found.length === 2 && found;
    });
    expect(sentEvents[1]).toEqual(sentEvents[0]);
    expect(await emailsTo(email.to)).toHaveLength(1);
    expect(await attemptsTo(primary, email.to)).toHaveLength(1);
    expect(await deliveryRow(email.messageId)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('marks a message SES rejects as failed for good, with the reason, after exactly one attempt', async () => {
    const email = dispatch();
    await primary.faults.set({ reject: true });
    await publisher.publish(lanes.bulk.topic, email);

    const failed = await waitFor('the failed event', () => eventOf(email.messageId, 'failed'));
    expect(failed).toMatchObject({ source: 'sender-email', channel: 'email', provider: 'ses-primary' });
    expect(failed.reason).toMatch(/^MessageRejected: Email address is not verified\./);
    // The address SES echoes is kept out of events and logs.
    expect(failed.reason).not.toContain(email.to);
    expect(await attemptsTo(primary, email.to)).toHaveLength(1);
    expect(await attemptsTo(backup, email.to)).toHaveLength(0);
    expect(eventOf(email.messageId, 'retry-scheduled')).toBeUndefined();
    expect(await emailsTo(email.to)).toEqual([]);
    expect(await deliveryRow(email.messageId)).toMatchObject({
      status: 'failed',
      reason: failed.reason,
      attempts: 1,
    });
  });

  it('delivers every email exactly once while 30% of SES calls fail, with retries spread in time', async () => {
    await primary.faults.set({ failureRate: 0.3, status: 503, seed: 7 });
    const batch = Array.from({ length: 20 }, () => dispatch());
    await publisher.publishMany(lanes.normal.topic, batch);

    await waitFor('every email sent', () => batch.every((email) => eventOf(email.messageId, 'sent')), 40_000);
    const sent = await sentThrough(primary);
    const emails = await ses.sentEmails();
    for (const email of batch) {
      expect(sent.filter((address) => address === email.to)).toHaveLength(1);
      expect(emails.filter((received) => received.to.includes(email.to))).toHaveLength(1);
    }
    const attempts = await primary.attempts();
    const retried = batch.filter((email) => eventOf(email.messageId, 'attempt-failed'));
    expect(retried.length).toBeGreaterThan(0);
    for (const email of retried) {
      expect(eventOf(email.messageId, 'attempt-failed')).toMatchObject({
        provider: 'ses-primary',
        detail: { kind: 'transient', code: 'ServiceUnavailable', attempt: 1 },
      });
    }
    // Each first retry waited for its own jittered not-before time: no lockstep, and never early.
    const firstRetries = batch.flatMap((email) => {
      const scheduled = eventOf(email.messageId, 'retry-scheduled');
      const times = attempts
        .filter((attempt) => attempt.to.includes(email.to))
        .map((attempt) => Date.parse(attempt.at));
      return scheduled && times.length > 1 ? [{ scheduled, failedAt: times[0], retriedAt: times[1] }] : [];
    });
    expect(firstRetries.length).toBeGreaterThan(1);
    for (const { scheduled, retriedAt } of firstRetries) {
      expect(scheduled.provider).toBe('ses-primary');
      expect(retriedAt).toBeGreaterThanOrEqual(Date.parse(String(scheduled.detail?.notBefore)));
    }
    const gaps = firstRetries.map(({ failedAt, retriedAt }) => retriedAt - failedAt);
    const delays = firstRetries.map(({ scheduled }) => Number(scheduled.detail?.delayMs));
    expect(new Set(delays).size).toBeGreaterThan(1);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeGreaterThanOrEqual(10);
  });

  it('keeps to the configured rate per provider', async () => {
    const batch = Array.from({ length: 50 }, () => dispatch());
    const addresses = new Set(batch.map((email) => email.to));
    await publisher.publishMany(lanes.bulk.topic, batch);

    await waitFor('every email sent', () => batch.every((email) => eventOf(email.messageId, 'sent')), 30_000);
    const times = (await primary.attempts())
      .filter((attempt) => attempt.to.some((address) => addresses.has(address)))
      .map((attempt) => Date.parse(attempt.at))
      .sort((a, b) => a - b);
    expect(times).toHaveLength(batch.length);
    // Over every stretch of the run, no more calls than the rate allows plus the burst. The times are
    // the proxy's, so each stretch gets 100 ms of slack for the calls' varying travel time.
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

  it('backs off when SES answers Throttling, and sends once SES takes it again', async () => {
    const email = dispatch();
    // With this seed the first two calls are throttled and the third goes through.
    await primary.faults.set({ throttle: true, failureRate: 0.5, seed: 7 });
    await publisher.publish(lanes.high.topic, email);

    const sent = await waitFor('the sent event', () => eventOf(email.messageId, 'sent'));
    expect(sent.provider).toBe('ses-primary');
    const attempts = await attemptsTo(primary, email.to);
    expect(attempts.map((attempt) => attempt.errorCode ?? attempt.outcome)).toEqual([
      'Throttling',
      'Throttling',
      'sent',
    ]);
    const throttled = eventsOf(email.messageId).filter((event) => event.type === 'attempt-failed');
    expect(throttled.map((event) => event.detail)).toEqual([
      expect.objectContaining({ attempt: 1, kind: 'throttled', code: 'Throttling' }),
      expect.objectContaining({ attempt: 2, kind: 'throttled', code: 'Throttling' }),
    ]);
    // Each retry waited for its not-before time rather than calling SES again at once.
    const retries = eventsOf(email.messageId).filter((event) => event.type === 'retry-scheduled');
    expect(retries).toHaveLength(2);
    retries.forEach((retry, index) => {
      expect(Date.parse(attempts[index + 1].at)).toBeGreaterThanOrEqual(
        Date.parse(String(retry.detail?.notBefore)),
      );
    });
    expect(await emailsTo(email.to)).toHaveLength(1);

    // The retries were written sealed: the retry topics hold neither the address nor the email.
    const retryRecords = await waitFor('both retries read from the retry topics', () => {
      const found = retryRecordsOf(email.messageId);
      return found.length === 2 && found;
    });
    for (const record of retryRecords) {
      expect(record.value).toMatchObject({ to: email.to, subject: email.subject, text: email.text });
      const written = JSON.stringify(record.written);
      expect(written).not.toContain(email.to);
      expect(written).not.toContain(email.subject);
      expect(written).not.toContain(email.html);
    }
  });

  it('fails over to the backup region while the primary is down, and returns to the primary after it recovers', async () => {
    await primary.faults.set({ status: 500 });
    const failedBefore = (await primary.attempts()).filter((attempt) => attempt.outcome === 'failed').length;
    const duringOutage = Array.from({ length: 15 }, () => dispatch());
    await publisher.publishMany(lanes.normal.topic, duringOutage);

    await waitFor(
      'every email sent during the outage',
      () => duringOutage.every((email) => eventOf(email.messageId, 'sent')),
      30_000,
    );
    const opened = await waitFor('the primary circuit opening', () =>
      allEvents().find(
        (event) =>
          event.type === 'circuit-changed' &&
          event.detail?.provider === 'ses-primary' &&
          event.detail.to === 'open',
      ),
    );
    expect(opened.detail).toMatchObject({ from: 'closed', to: 'open' });
    // Opened after the configured failures, give or take the calls already under way then; without
    // a breaker the 15 emails would spend all their attempts on the primary.
    const failedDuring = (await primary.attempts()).filter((attempt) => attempt.outcome === 'failed').length;
    expect(failedDuring - failedBefore).toBeGreaterThanOrEqual(FAILURES_TO_OPEN);
    expect(failedDuring - failedBefore).toBeLessThan(FAILURES_TO_OPEN + 16);
    const failedOver = duringOutage.filter((email) => eventOf(email.messageId, 'failed-over'));
    expect(failedOver.length).toBeGreaterThan(0);
    for (const email of failedOver) {
      expect(eventOf(email.messageId, 'failed-over')?.detail).toMatchObject({
        from: 'ses-primary',
        to: 'ses-backup',
      });
    }
    expect((await providerStatus()).providers[0].circuit.state).not.toBe('closed');

    await primary.faults.clear();
    const afterRecovery = Array.from({ length: 5 }, () => dispatch());
    // Sent one at a time until the half-open probe has closed the circuit again.
    await waitFor(
      'the primary taking traffic again',
      async () => {
        const email = afterRecovery.find((candidate) => !eventOf(candidate.messageId, 'sent'));
        if (email && !eventsOf(email.messageId).length) {
          await publisher.publish(lanes.high.topic, email);
        }
        return (await providerStatus()).providers[0].circuit.state === 'closed';
      },
      30_000,
      250,
    );
    const last = dispatch();
    await publisher.publish(lanes.high.topic, last);
    const sent = await waitFor('the last email sent', () => eventOf(last.messageId, 'sent'));
    expect(sent.provider).toBe('ses-primary');

    // No email of the whole run went out through both regions.
    const sentByPrimary = new Set(await sentThrough(primary));
    const sentByBackup = await sentThrough(backup);
    expect(sentByBackup.filter((address) => sentByPrimary.has(address))).toEqual([]);
    for (const email of duringOutage) {
      expect((await emailsTo(email.to)).length).toBe(1);
    }
    expect(sentByBackup).toContain(failedOver[0].to);
    const status = await providerStatus();
    expect(status.providers.map((provider) => provider.provider)).toEqual(['ses-primary', 'ses-backup']);
    expect(status.providers[1].counters.sent).toBeGreaterThan(0);
    expect(status.providers[0].rateLimit).toMatchObject({
      ratePerSecond: RATE_PER_SECOND,
      burst: RATE_BURST,
    });
  });

  it('dead-letters an email whose retries are used up, with the reason', async () => {
    const email = dispatch();
    await primary.faults.set({ status: 500 });
    await publisher.publish(lanes.high.topic, email);

    const deadLettered = await waitFor(
      'the dead-lettered event',
      () => eventOf(email.messageId, 'dead-lettered'),
      30_000,
    );
    expect(deadLettered).toMatchObject({ provider: 'ses-primary', detail: { attempts: MAX_ATTEMPTS } });
    expect(deadLettered.reason).toContain('attempts-exhausted');
    const letter = await waitFor('the dead letter', () =>
      observer
        .records(DEAD_LETTER_TOPIC)
        .find((record) => (record.value as EmailDispatch | undefined)?.messageId === email.messageId),
    );
    // Parked as it was written: sealed, and readable again with the keys (a redrive sends it).
    expect(JSON.stringify(letter.written)).not.toContain(email.to);
    expect(await cipher.open(letter.headers[HeaderName.originalTopic], letter.written)).toEqual(email);
    expect(letter.headers[HeaderName.error]).toContain('attempts-exhausted');
    expect(letter.headers[HeaderName.attempts]).toBe(String(MAX_ATTEMPTS));
    expect(await attemptsTo(primary, email.to)).toHaveLength(MAX_ATTEMPTS);
    expect(await attemptsTo(backup, email.to)).toHaveLength(0);
    expect(eventsOf(email.messageId).filter((event) => event.type === 'attempt-failed')).toHaveLength(
      MAX_ATTEMPTS,
    );
    expect(await emailsTo(email.to)).toEqual([]);
    expect(await deliveryRow(email.messageId)).toMatchObject({
      status: 'dead-lettered',
      attempts: MAX_ATTEMPTS,
    });
  });

  it('answers readiness once Kafka, the database, every lane and retry consumer and the receipts consumer are up', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { kafka: 'up', database: 'up', consumer: 'up', receipts: 'up' },
    });
  });
});
