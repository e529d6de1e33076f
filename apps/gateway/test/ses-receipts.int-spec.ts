import { randomUUID } from 'node:crypto';
import { type EmailReceipt, EmailReceiptTopic } from '@switchboard/contracts';
import { observeTopics, testKafka, waitFor, type TopicObserver } from '@switchboard/testing';
import {
  RECEIPT_TOPIC,
  sesBounce,
  signedNotification,
  signedSubscriptionConfirmation,
  testForgerKey,
  testSigningCertificate,
  type SnsFields,
} from './support/sns-messages';
import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const RECEIPTS = EmailReceiptTopic.topic;

describe('POST /v1/receipts/ses (SES receipts through an SNS subscription)', () => {
  let gateway: TestGateway;
  let receipts: TopicObserver;
  let elsewhere: StubService;

  beforeAll(async () => {
    elsewhere = await startStubService(() => ({ status: 200, body: {} }));
    gateway = await createTestGateway({
      env: {
        SES_RECEIPT_TOPIC_ARNS: RECEIPT_TOPIC,
        SNS_TRUSTED_SIGNING_CERTIFICATE_PEM: testSigningCertificate,
      },
    });
    receipts = await observeTopics(testKafka(gateway.broker.brokers), [RECEIPTS]);
  });

  afterAll(async () => {
    await receipts?.stop();
    await gateway?.close();
    await elsewhere?.close();
  });

  // As SNS sends it: JSON in a text/plain body, no API key.
  const post = (message: SnsFields) =>
    gateway.call('POST', '/v1/receipts/ses', {
      apiKey: null,
      rawBody: JSON.stringify(message),
      contentType: 'text/plain; charset=UTF-8',
    });

  const receiptsOf = (notificationId: string) =>
    receipts.payloads<EmailReceipt>(RECEIPTS).filter((receipt) => receipt.notificationId === notificationId);

  /**
   * Posts a genuine receipt for the same SES message and waits for it: receipts of one SES message
   * share a partition, so anything produced before it has been read by then.
   */
  const settle = async (providerMessageId: string) => {
    const marker = signedNotification(sesBounce(providerMessageId, ['marker@example.com']));
    expect((await post(marker)).status).toBe(200);
    await waitFor('the marker receipt', () => receiptsOf(marker.MessageId).length === 1);
  };

  const expectRefused = async (message: SnsFields, reason: string, providerMessageId: string) => {
    const answer = await post(message);

    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 403, code: 'SNS_MESSAGE_REJECTED', reason });
    await settle(providerMessageId);
    expect(receiptsOf(message.MessageId)).toEqual([]);
  };

  it('publishes one EmailReceipt for a genuine signed bounce, without its address, answering 200 once it is on the topic', async () => {
    const providerMessageId = `0102${randomUUID()}`;
    const address = `bounced-${randomUUID()}@example.com`;
    const notification = signedNotification(sesBounce(providerMessageId, [address]));

    const answer = await post(notification);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      outcome: 'receipt-published',
      notificationId: notification.MessageId,
    });
    // Acknowledged before the answer, so it is on the topic and shows up without retrying.
    const [record] = await waitFor('the receipt', () => {
      const found = receipts.records(RECEIPTS).filter((candidate) => {
        const value = candidate.value as EmailReceipt;
        return value.notificationId === notification.MessageId;
      });
      return found.length > 0 && found;
    });
    expect(record.key).toBe(providerMessageId);
    expect(record.value).toEqual({
      provider: 'ses',
      providerMessageId,
      notificationId: notification.MessageId,
      type: 'bounce',
      bounceType: 'Permanent',
      occurredAt: expect.any(String),
      detail: 'Permanent bounce: General',
    });
    await settle(providerMessageId);
    expect(receiptsOf(notification.MessageId)).toHaveLength(1);
    // The router finds the address from its own decision: no record on the topic holds it.
    const holdingAddress = receipts
      .records(RECEIPTS)
      .filter((candidate) => JSON.stringify(candidate.value).includes(address));
    expect(holdingAddress).toEqual([]);
  });

  it('refuses the same message a second time (replay) and publishes nothing more', async () => {
    const providerMessageId = `0102${randomUUID()}`;
    const notification = signedNotification(sesBounce(providerMessageId, ['grace@example.com']));
    expect((await post(notification)).status).toBe(200);

    const replay = await post(notification);

    expect(replay.status).toBe(403);
    expect(replay.body).toMatchObject({ code: 'SNS_MESSAGE_REJECTED', reason: 'replayed' });
    await settle(providerMessageId);
    expect(receiptsOf(notification.MessageId)).toHaveLength(1);
  });

  it('answers 403 bad-signature for a message signed with another key', async () => {
    const providerMessageId = `0102${randomUUID()}`;
    const forged = signedNotification(sesBounce(providerMessageId, ['ada@example.com']), {
      key: testForgerKey,
    });

    await expectRefused(forged, 'bad-signature', providerMessageId);
  });

  it('answers 403 bad-signature for a message changed after it was signed', async () => {
    const providerMessageId = `0102${randomUUID()}`;
    const tampered = signedNotification(sesBounce(providerMessageId, ['ada@example.com']), {
      tamper: { Message: sesBounce(providerMessageId, ['mallory@example.com']) },
    });

    await expectRefused(tampered, 'bad-signature', providerMessageId);
  });

  it('answers 403 topic-not-allowed for a genuine message of another topic', async () => {
    const providerMessageId = `0102${randomUUID()}`;
    const otherTopic = signedNotification(sesBounce(providerMessageId, ['ada@example.com']), {
      fields: { TopicArn: 'arn:aws:sns:eu-west-1:210987654321:someone-elses-receipts' },
    });

    await expectRefused(otherTopic, 'topic-not-allowed', providerMessageId);
  });

  it('answers 403 stale for a genuine message older than an hour', async () => {
    const providerMessageId = `0102${randomUUID()}`;
    const stale = signedNotification(sesBounce(providerMessageId, ['ada@example.com']), {
      fields: { Timestamp: new Date(Date.now() - 2 * 3_600_000).toISOString() },
    });

    await expectRefused(stale, 'stale', providerMessageId);
  });

  it('does not follow a SubscribeURL that is not on an SNS host', async () => {
    const confirmation = signedSubscriptionConfirmation({
      fields: { SubscribeURL: `${elsewhere.url}/?Action=ConfirmSubscription&Token=stolen` },
    });

    const answer = await post(confirmation);

    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: 'SNS_MESSAGE_REJECTED', reason: 'bad-subscribe-url' });
    expect(elsewhere.requests).toEqual([]);
  });

  it('answers 400 naming the fields of a body that is not an SNS message', async () => {
    const answer = await gateway.call('POST', '/v1/receipts/ses', {
      apiKey: null,
      rawBody: JSON.stringify({ Type: 'Notification', MessageId: 'x' }),
      contentType: 'text/plain; charset=UTF-8',
    });

    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('SNS_MESSAGE_MALFORMED');
    const fields = answer.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['TopicArn', 'Signature', 'SigningCertURL']));
  });

  describe('with certificates fetched from the SNS host (no trusted certificate configured)', () => {
    let fetching: TestGateway;

    beforeAll(async () => {
      fetching = await createTestGateway({
        broker: gateway.broker,
        database: gateway.database,
        env: { SES_RECEIPT_TOPIC_ARNS: RECEIPT_TOPIC, SNS_HTTP_TIMEOUT: '3s' },
      });
    });

    afterAll(async () => {
      await fetching?.close();
    });

    it('answers 403 bad-certificate-url for a certificate URL off the SNS host, without fetching it', async () => {
      const evil = signedNotification(sesBounce(`0102${randomUUID()}`, ['ada@example.com']), {
        tamper: { SigningCertURL: `${elsewhere.url}/SimpleNotificationService-evil.pem` },
      });

      const answer = await fetching.call('POST', '/v1/receipts/ses', {
        apiKey: null,
        rawBody: JSON.stringify(evil),
        contentType: 'text/plain; charset=UTF-8',
      });

      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ code: 'SNS_MESSAGE_REJECTED', reason: 'bad-certificate-url' });
      expect(elsewhere.requests).toEqual([]);
    });
  });
});
