import { randomUUID } from 'node:crypto';
import {
  type MessageAccepted,
  MessageAcceptedTopic,
  type MessageRequested,
  MessageRequestedTopic,
} from '@switchboard/contracts';
import {
  connectPayloadCipher,
  ENCRYPTION,
  type Encryption,
  type StandalonePayloadCipher,
} from '@switchboard/encryption';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  connectProducer,
  createTestBroker,
  createTestDatabase,
  observeTopics,
  serviceAuthorization,
  TEST_ENCRYPTION_VARIABLES,
  TEST_SERVICE_TOKEN_SECRETS,
  type TestBroker,
  type TestDatabase,
  testKafka,
  type TopicObserver,
  waitFor,
} from '@switchboard/testing';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { loadIngestConfig } from '../src/config';
import { startIngest } from '../src/ingest';
import { EncryptPlaintextMessages } from '../src/messages/encrypt-plaintext-messages';

/** A message whose every personal value is unique to this test, so that finding one in a dump means a leak. */
function personalMessage(recipientId?: string): MessageRequested {
  const unique = randomUUID();
  return {
    tenantId: 'acme',
    messageId: randomUUID(),
    acceptedAt: new Date().toISOString(),
    source: 'http',
    recipient: {
      ...(recipientId === undefined ? {} : { id: recipientId }),
      email: `jane.${unique}@example.com`,
      phone: `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`,
    },
    content: { templateKey: 'welcome', data: { firstName: `Jane-${unique}`, orderNumber: `A-${unique}` } },
    priority: 'normal',
  };
}

function personalValues(message: MessageRequested): string[] {
  const data = (message.content as { data: Record<string, string> }).data;
  return [
    message.recipient.email as string,
    message.recipient.phone as string,
    data.firstName,
    data.orderNumber,
  ];
}

describe('ingest: messages encrypted at rest', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let ingest: RunningService;
  let producer: Producer;
  let cipher: StandalonePayloadCipher;
  let observer: TopicObserver;
  let db: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('ingest_encryption')]);
    ingest = await startIngest(
      loadIngestConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
      }),
      new StructuredLogger('ingest', 'warn'),
    );
    const kafka = testKafka(broker.brokers, 'ingest-encryption-int-spec');
    producer = await connectProducer(kafka);
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    observer = await observeTopics(kafka, [MessageAcceptedTopic.topic], { cipher });
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await observer?.stop();
    await producer?.disconnect();
    await ingest?.close();
    await cipher?.close();
    await db?.end();
    await broker?.stop();
    await database?.drop();
  });

  async function accept(...messages: MessageRequested[]): Promise<void> {
    await producer.send({
      topic: MessageRequestedTopic.topic,
      messages: messages.map((message) => ({
        key: MessageRequestedTopic.key(message),
        value: JSON.stringify(message),
      })),
    });
    await waitFor('the messages to be accepted', () =>
      messages.every((message) =>
        observer
          .payloads<MessageAccepted>(MessageAcceptedTopic.topic)
          .some((candidate) => candidate.messageId === message.messageId),
      ),
    );
  }

  async function dump(): Promise<string> {
    const { rows } = await db.query('SELECT * FROM ingest.messages');
    return JSON.stringify(rows);
  }

  async function exported(recipientId: string) {
    const response = await fetch(`${ingest.url}/internal/tenants/acme/recipients/${recipientId}/messages`, {
      headers: serviceAuthorization('ingest'),
    });
    expect(response.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on answers field by field
    return ((await response.json()) as any).messages as Array<Record<string, unknown>>;
  }

  it('stores no address, number or content value in plaintext, while the export and a redelivery read them', async () => {
    const recipientId = `person-${randomUUID()}`;
    const toPerson = personalMessage(recipientId);
    const toAddress = personalMessage();
    await accept(toPerson, toAddress);

    const stored = await dump();
    for (const value of [...personalValues(toPerson), ...personalValues(toAddress)]) {
      expect(stored).not.toContain(value);
      expect(stored).not.toContain(value.slice(1));
    }
    const { rows } = await db.query(
      'SELECT recipient, content FROM ingest.messages WHERE message_id = ANY($1::uuid[]) ORDER BY message_id',
      [[toPerson.messageId, toAddress.messageId]],
    );
    for (const row of rows) {
      expect(row.recipient.email).toMatch(/^sbenc:v1:/);
      expect(row.recipient.phone).toMatch(/^sbenc:v1:/);
      expect(row.content).toMatch(/^sbenc:v1:/);
    }

    expect(await exported(recipientId)).toEqual([
      expect.objectContaining({
        messageId: toPerson.messageId,
        recipient: toPerson.recipient,
        content: toPerson.content,
      }),
    ]);
    // A redelivery publishes the stored message again: opened, as it was accepted.
    await producer.send({
      topic: MessageRequestedTopic.topic,
      messages: [{ key: MessageRequestedTopic.key(toAddress), value: JSON.stringify(toAddress) }],
    });
    const copies = await waitFor('the redelivered copy', () => {
      const found = observer
        .payloads<MessageAccepted>(MessageAcceptedTopic.topic)
        .filter((candidate) => candidate.messageId === toAddress.messageId);
      return found.length === 2 && found;
    });
    expect(copies[1]).toMatchObject({ recipient: toAddress.recipient, content: toAddress.content });
  });

  it('seals with the recipient’s data key: once it is destroyed (erasure), the stored values no longer open', async () => {
    const recipientId = `person-${randomUUID()}`;
    const message = personalMessage(recipientId);
    await accept(message);

    await ingest.app.get<symbol, Encryption>(ENCRYPTION).keys.destroyRecipientKey('acme', recipientId);

    const [afterErasure] = await exported(recipientId);
    expect(afterErasure).toMatchObject({
      messageId: message.messageId,
      recipient: { id: recipientId },
      content: {},
    });
    expect(JSON.stringify(afterErasure)).not.toContain(message.recipient.email);
  });

  it('reads messages stored in plaintext before encryption came, and encrypts them at start', async () => {
    const recipientId = `person-${randomUUID()}`;
    const message = personalMessage(recipientId);
    await db.query(
      `INSERT INTO ingest.messages (message_id, tenant_id, source, recipient, content, accepted_at)
       VALUES ($1, 'acme', 'http', $2, $3, now())`,
      [message.messageId, JSON.stringify(message.recipient), JSON.stringify(message.content)],
    );
    const readBefore = await exported(recipientId);
    expect(readBefore).toEqual([
      expect.objectContaining({ recipient: message.recipient, content: message.content }),
    ]);

    expect(await ingest.app.get(EncryptPlaintextMessages).execute()).toBeGreaterThanOrEqual(1);

    const stored = await dump();
    for (const value of personalValues(message)) expect(stored).not.toContain(value);
    expect(await exported(recipientId)).toEqual(readBefore);
    // Nothing left to do: a second run rewrites nothing.
    expect(await ingest.app.get(EncryptPlaintextMessages).execute()).toBe(0);
  });
});
