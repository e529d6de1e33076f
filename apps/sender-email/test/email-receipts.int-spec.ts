import { randomUUID } from 'node:crypto';
import {
  DEAD_LETTER_TOPIC,
  DeliveryEventTopic,
  EmailDispatchTopics,
  EmailReceiptTopic,
  type DeliveryEvent,
  type EmailReceipt,
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
  TEST_ENCRYPTION_VARIABLES,
} from '@switchboard/testing';
import type { Admin } from 'kafkajs';
import { loadSenderEmailConfig } from '../src/config';
import { EMAIL_RECEIPTS_CONSUMER_GROUP } from '../src/receipts/email-receipts.consumer';
import { startSenderEmailService } from '../src/sender-email-service';

describe('sender-email receipts', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let ses: SesEmulator;
  let service: RunningService;
  let publisher: EventPublisher;
  let observer: TopicObserver;
  let admin: Admin;

  beforeAll(async () => {
    [broker, database, ses] = await Promise.all([
      createTestBroker(),
      createTestDatabase('sender_email_receipts_int'),
      startSesEmulator(),
    ]);
    const config = loadSenderEmailConfig({
      ...broker.serviceVariables,
      DATABASE_URL: database.url,
      PORT: '0',
      EMAIL_FROM: 'Switchboard <noreply@switchboard.test>',
      SES_ENDPOINT: ses.endpoint,
      SES_REGION: 'eu-west-1',
      ...TEST_ENCRYPTION_VARIABLES,
    });
    service = await startSenderEmailService(config, new StructuredLogger('sender-email', 'error'));
    // Without a cipher the dispatches go in as plaintext, as those written before sealing: still read.
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'sender-email-receipts-int-spec' }),
    );
    await publisher.connect();
    const kafka = testKafka(broker.brokers);
    observer = await observeTopics(kafka, [DeliveryEventTopic.topic]);
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    await observer?.stop();
    await publisher?.disconnect();
    await service?.close();
    await ses?.stop();
    await broker?.stop();
    await database?.drop();
  });

  const eventsOf = (messageId: string, type: DeliveryEvent['type']) =>
    observer
      .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
      .filter((event) => event.messageId === messageId && event.type === type);

  /** Sends an email through the service and SES emulator; its message id and SES's message id. */
  async function sendEmail(): Promise<{ messageId: string; to: string; providerMessageId: string }> {
    const messageId = randomUUID();
    const to = `ada-${messageId}@example.com`;
    await publisher.publish(EmailDispatchTopics.high.topic, {
      tenantId: 'acme',
      messageId,
      to,
      subject: 'Your order shipped',
      html: '<p>Hello</p>',
      text: 'Hello',
    });
    const [sent] = await waitFor('the sent event', () => {
      const found = eventsOf(messageId, 'sent');
      return found.length > 0 && found;
    });
    return { messageId, to, providerMessageId: String(sent.detail?.providerMessageId) };
  }

  function receipt(providerMessageId: string, overrides: Partial<EmailReceipt>): EmailReceipt {
    return {
      provider: 'ses-eu-west-1',
      providerMessageId,
      notificationId: randomUUID(),
      type: 'delivery',
      occurredAt: '2030-01-01T10:00:05.000Z',
      ...overrides,
    };
  }

  /** The delivery events whose record, as written on the topic, holds this text. */
  const eventRecordsHolding = (text: string) =>
    observer
      .records(DeliveryEventTopic.topic)
      .filter((record) => JSON.stringify(record.value).includes(text));

  it('reports a bounce of a sent email as bounced for its message, with the bounce type and no address', async () => {
    const email = await sendEmail();

    await publisher.publish(
      EmailReceiptTopic.topic,
      receipt(email.providerMessageId, {
        type: 'bounce',
        bounceType: 'Permanent',
        detail: 'smtp; 550 5.1.1 user unknown',
      }),
    );

    const bounced = await waitFor('the bounced event', () => {
      const found = eventsOf(email.messageId, 'bounced');
      return found.length > 0 && found;
    });
    expect(bounced).toEqual([
      expect.objectContaining({
        tenantId: 'acme',
        occurredAt: '2030-01-01T10:00:05.000Z',
        source: 'sender-email',
        channel: 'email',
        provider: 'ses-eu-west-1',
        reason: 'Permanent: smtp; 550 5.1.1 user unknown',
        detail: expect.objectContaining({
          bounceType: 'Permanent',
          providerMessageId: email.providerMessageId,
        }),
      }),
    ]);
    expect(eventRecordsHolding(email.to)).toEqual([]);
  });

  it('reports a receipt recorded with its addresses (before they were left out) without them', async () => {
    const email = await sendEmail();

    await publisher.publish(
      EmailReceiptTopic.topic,
      receipt(email.providerMessageId, { type: 'bounce', bounceType: 'Permanent', recipients: [email.to] }),
    );

    await waitFor('the bounced event', () => eventsOf(email.messageId, 'bounced').length > 0);
    expect(eventRecordsHolding(email.to)).toEqual([]);
  });

  it('reports a complaint as complained, and the same receipt twice as identical events', async () => {
    const email = await sendEmail();
    const complaint = receipt(email.providerMessageId, { type: 'complaint', detail: 'abuse' });

    await publisher.publish(EmailReceiptTopic.topic, complaint);
    await publisher.publish(EmailReceiptTopic.topic, complaint);

    const events = await waitFor('both complained events', () => {
      const found = eventsOf(email.messageId, 'complained');
      return found.length === 2 && found;
    });
    expect(events[0]).toMatchObject({
      reason: 'complaint: abuse',
      detail: { notificationId: complaint.notificationId },
    });
    expect(events[1]).toEqual(events[0]);
    expect(eventRecordsHolding(email.to)).toEqual([]);
  });

  it('skips a receipt for an email it did not send, without a dead letter, and goes on with the next', async () => {
    const unknownId = `unknown-${randomUUID()}`;

    await publisher.publish(EmailReceiptTopic.topic, receipt(unknownId, {}));

    // Handled once the receipts group has committed everything published to the topic.
    await waitFor('the receipts group to commit every receipt', receiptsAllCommitted);
    expect(
      observer
        .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
        .filter((event) => event.detail?.providerMessageId === unknownId),
    ).toEqual([]);
    // Every receipt of this file is valid: nothing here may be dead-lettered.
    const deadLetters = await admin.fetchTopicOffsets(DEAD_LETTER_TOPIC);
    expect(deadLetters.map((partition) => partition.high)).toEqual(deadLetters.map(() => '0'));

    const email = await sendEmail();
    await publisher.publish(EmailReceiptTopic.topic, receipt(email.providerMessageId, { type: 'delivery' }));
    await waitFor('the delivered event', () => eventsOf(email.messageId, 'delivered').length > 0);
  });

  async function receiptsAllCommitted(): Promise<boolean> {
    const topic = EmailReceiptTopic.topic;
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: EMAIL_RECEIPTS_CONSUMER_GROUP, topics: [topic] }),
    ]);
    return ends.every((end) => {
      const offset = committed.partitions.find((partition) => partition.partition === end.partition)?.offset;
      return end.high === '0' || offset === end.high;
    });
  }
});
