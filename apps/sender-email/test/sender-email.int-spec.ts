import { randomUUID } from 'node:crypto';
import {
  DeliveryEventTopic,
  EmailDispatchTopics,
  type DeliveryEvent,
  type EmailDispatch,
} from '@switchboard/contracts';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  observeTopics,
  type SesEmulator,
  startSesEmulator,
  type TestBroker,
  type TestDatabase,
  testKafka,
  type TopicObserver,
  waitFor,
} from '@switchboard/testing';
import { Client } from 'pg';
import { loadSenderEmailConfig } from '../src/config';
import { startSenderEmailService } from '../src/sender-email-service';
import { startRejectingSesProxy, type RejectingSesProxy } from './support/rejecting-ses-proxy';

describe('sender-email service', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let ses: SesEmulator;
  let sesProxy: RejectingSesProxy;
  let service: RunningService;
  let publisher: EventPublisher;
  let observer: TopicObserver;
  let db: Client;

  beforeAll(async () => {
    [broker, database, ses] = await Promise.all([
      createTestBroker(),
      createTestDatabase('sender_email_int'),
      startSesEmulator(),
    ]);
    sesProxy = await startRejectingSesProxy(ses.endpoint);
    const config = loadSenderEmailConfig({
      KAFKA_BROKERS: broker.address,
      DATABASE_URL: database.url,
      PORT: '0',
      EMAIL_FROM: 'Switchboard <noreply@switchboard.test>',
      SES_ENDPOINT: sesProxy.endpoint,
      SES_REGION: 'eu-west-1',
    });
    service = await startSenderEmailService(config, new StructuredLogger('sender-email', 'error'));
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'sender-email-int-spec' }),
    );
    await publisher.connect();
    observer = await observeTopics(testKafka(broker.brokers), [DeliveryEventTopic.topic]);
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await service?.close();
    await db?.end();
    await sesProxy?.close();
    await ses?.stop();
    await broker?.stop();
    await database?.drop();
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

  const emailsTo = async (address: string) =>
    (await ses.sentEmails()).filter((email) => email.to.includes(address));
  const eventsOf = (messageId: string) =>
    observer
      .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
      .filter((event) => event.messageId === messageId);

  async function deliveryRow(messageId: string) {
    const result = await db.query(
      'SELECT status, provider, provider_message_id, reason, attempts FROM sender_email.deliveries WHERE message_id = $1',
      [messageId],
    );
    return result.rows[0];
  }

  it('sends a dispatched email through SES with its subject, html and text, and reports it sent', async () => {
    const email = dispatch();
    await publisher.publish(EmailDispatchTopics.high.topic, email);

    const [sent] = await waitFor('the email at the SES emulator', async () => {
      const found = await emailsTo(email.to);
      return found.length > 0 && found;
    });
    expect(sent).toMatchObject({
      from: 'Switchboard <noreply@switchboard.test>',
      to: [email.to],
      subject: email.subject,
      html: email.html,
      text: email.text,
    });

    const [event] = await waitFor(
      'the sent event',
      () => eventsOf(email.messageId).length > 0 && eventsOf(email.messageId),
    );
    expect(event).toMatchObject({
      type: 'sent',
      source: 'sender-email',
      channel: 'email',
      provider: 'ses',
      detail: { providerMessageId: sent.messageId },
    });
    expect(await deliveryRow(email.messageId)).toEqual({
      status: 'sent',
      provider: 'ses',
      provider_message_id: sent.messageId,
      reason: null,
      attempts: 1,
    });
  });

  it('sends a dispatch delivered twice only once', async () => {
    const email = dispatch();
    await publisher.publish(EmailDispatchTopics.normal.topic, email);
    await waitFor(
      'the first delivery to be sent',
      async () => (await deliveryRow(email.messageId))?.status === 'sent',
    );

    await publisher.publish(EmailDispatchTopics.normal.topic, email);
    // Same recipient, same partition: once the marker is sent, the redelivery has been handled.
    const marker = dispatch({ to: email.to, subject: 'marker' });
    await publisher.publish(EmailDispatchTopics.normal.topic, marker);
    await waitFor('the marker email', async () =>
      (await emailsTo(email.to)).some((sent) => sent.subject === 'marker'),
    );

    const sentToRecipient = await emailsTo(email.to);
    expect(sentToRecipient.filter((sent) => sent.subject === email.subject)).toHaveLength(1);
    expect(await deliveryRow(email.messageId)).toMatchObject({ status: 'sent', attempts: 1 });
    // The redelivery repeats the identical sent event, which analytics stores once. Its batch
    // publishes the events after the marker is sent, so they may come a moment later.
    const events = await waitFor(
      'the repeated sent event',
      () => eventsOf(email.messageId).length >= 2 && eventsOf(email.messageId),
    );
    expect(events.map((event) => event.type)).toEqual(['sent', 'sent']);
    expect(events[1]).toEqual(events[0]);
  });

  it('marks a message SES rejects as failed for good, with the reason, and does not retry it', async () => {
    const email = dispatch({ to: `rejected-${randomUUID()}@example.com` });
    await publisher.publish(EmailDispatchTopics.bulk.topic, email);

    const [event] = await waitFor(
      'the failed event',
      () => eventsOf(email.messageId).length > 0 && eventsOf(email.messageId),
    );
    expect(event).toMatchObject({
      type: 'failed',
      source: 'sender-email',
      provider: 'ses',
      reason: 'MessageRejected: Email address is not verified.',
    });
    expect(await deliveryRow(email.messageId)).toMatchObject({
      status: 'failed',
      reason: 'MessageRejected: Email address is not verified.',
      attempts: 1,
    });
    expect(await emailsTo(email.to)).toEqual([]);
  });

  it('retries only the email SES could not take, without sending the rest of its batch again', async () => {
    const [first, unavailable, last] = [
      dispatch(),
      dispatch({ to: `unavailable-${randomUUID()}@example.com` }),
      dispatch(),
    ];
    await publisher.publishMany(EmailDispatchTopics.normal.topic, [first, unavailable, last]);

    await waitFor(
      'all three sent events',
      () => [first, unavailable, last].every((email) => eventsOf(email.messageId).length > 0),
      60_000,
    );
    for (const email of [first, unavailable, last]) {
      expect(await emailsTo(email.to)).toHaveLength(1);
      expect(eventsOf(email.messageId).map((event) => event.type)).toEqual(['sent']);
    }
    expect(await deliveryRow(first.messageId)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await deliveryRow(last.messageId)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(await deliveryRow(unavailable.messageId)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('answers readiness once Kafka, the database and every lane consumer are up', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { kafka: 'up', database: 'up', consumer: 'up' },
    });
  });
});
