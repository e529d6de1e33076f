import { randomUUID } from 'node:crypto';
import { HeaderName } from '@switchboard/contracts';
import { connectProducer, observeTopics, testKafka, waitFor } from '@switchboard/testing';
import type { Kafka } from 'kafkajs';
import {
  createApiKey,
  DEV_TENANT,
  startE2ePlatform,
  UPSTREAM_TOPIC,
  type ChannelSandboxes,
  type E2ePlatform,
} from './support/e2e-platform';

// SMS gives up after two provider calls a few hundred milliseconds apart, and its circuit never
// opens, so a failing SNS parks a message within seconds rather than after the default backoff.
const SMS_MAX_ATTEMPTS = 2;

let e2e: E2ePlatform;
let sandboxes: ChannelSandboxes;

beforeAll(async () => {
  e2e = await startE2ePlatform({
    channels: true,
    serviceEnv: {
      'sender-sms': {
        SMS_MAX_ATTEMPTS: String(SMS_MAX_ATTEMPTS),
        SMS_RETRY_BASE_DELAY: '100ms',
        SMS_RETRY_MAX_DELAY: '200ms',
        SMS_CIRCUIT_FAILURES_TO_OPEN: '1000',
      },
    },
  });
  if (!e2e.channels) throw new Error('the platform was started without its channel sandboxes');
  sandboxes = e2e.channels;
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
}, 120_000);

afterEach(async () => {
  await sandboxes?.sns.faults.clear();
});

interface DeadLetter {
  id: string;
  messageId: string | null;
  originalTopic: string;
  reason: string;
  attempts: number;
  payload: unknown;
  parkedAt: string;
  redrivenAt: string | null;
}

interface DeadLetterPage {
  items: DeadLetter[];
  nextCursor: string | null;
}

interface OperatorDeadLetterPage {
  items: Array<DeadLetter & { tenantId: string | null }>;
  nextCursor: string | null;
}

interface RedriveAnswer {
  redriven: number;
  notFound: string[];
}

interface TimelineEntry {
  type: string;
  channel?: string;
  provider?: string;
  reason?: string;
  detail?: Record<string, unknown>;
}

interface MessageStatus {
  status: string;
  timeline: TimelineEntry[];
}

/** A recipient with an E.164 number no other test uses. */
async function storedRecipient(label: string): Promise<{ id: string; phone: string }> {
  // A local number's first digit is 2 to 9: others are not assigned, and the API refuses them.
  const digits = `${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const recipient = { id: `${label}-${randomUUID().slice(0, 8)}`, phone: `+1415${digits}` };
  const saved = await e2e.api.request('PUT', `/v1/recipients/${recipient.id}`, { phone: recipient.phone });
  expect([200, 201]).toContain(saved.status);
  return recipient;
}

async function sendSms(recipientId: string, text: string): Promise<string> {
  const response = await e2e.api.post<{ messageId: string }>('/v1/messages', {
    recipient: { id: recipientId },
    channels: ['sms'],
    content: { subject: 'Your code', text },
  });
  expect(response.status).toBe(202);
  return response.body.messageId;
}

/** The message's dead letter, as the tenant's operator lists it, once analytics has stored it. */
async function waitForDeadLetter(messageId: string): Promise<DeadLetter> {
  return waitFor(
    `a parked dead letter of message ${messageId} in GET /v1/dead-letters`,
    async () => {
      const page = await e2e.api.get<DeadLetterPage>('/v1/dead-letters');
      return page.status === 200 && page.body.items.find((item) => item.messageId === messageId);
    },
    30_000,
  );
}

async function waitForStatus(messageId: string, status: string): Promise<MessageStatus> {
  return waitFor(
    `message ${messageId} to be ${status}`,
    async () => {
      const response = await e2e.api.get<MessageStatus>(`/v1/messages/${messageId}`);
      return response.status === 200 && response.body.status === status && response.body;
    },
    30_000,
  );
}

async function publishCallsTo(phone: string) {
  return (await sandboxes.sns.attempts()).filter((attempt) => attempt.phoneNumber === phone);
}

async function smsTo(phone: string) {
  return (await sandboxes.sns.sentSms()).filter((sms) => sms.phoneNumber === phone);
}

/** sender-sms consumes its high lane in a group of its own, its other lanes and retry tiers in one. */
function senderSmsGroupOf(topic: string): string {
  if (topic === 'sb.dispatch.sms.high.v1') return 'sender-sms.high';
  if (/^sb\.(dispatch|retry)\.sms\.[a-z0-9]+\.v1$/.test(topic)) return 'sender-sms';
  throw new Error(`${topic} is not a topic sender-sms consumes`);
}

/** Until sender-sms has committed `offset` on the partition: it has handled every record before it. */
async function waitForCommitted(kafka: Kafka, topic: string, partition: number, offset: number) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groupId = senderSmsGroupOf(topic);
    await waitFor(
      `${groupId} to commit offset ${offset} of ${topic}/${partition}`,
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const position = committed?.partitions.find((entry) => entry.partition === partition)?.offset;
        return position !== undefined && Number(position) >= offset;
      },
      30_000,
    );
  } finally {
    await admin.disconnect();
  }
}

describe('dead letters through the public API', () => {
  it('parks an SMS that SNS keeps refusing, and sends it once when the operator redrives it twice', async () => {
    await sandboxes.sns.faults.set({ status: 503 });
    const recipient = await storedRecipient('parked');
    const messageId = await sendSms(recipient.id, 'Your code is 731904');

    const parked = await waitForDeadLetter(messageId);
    expect(parked.reason).toContain('ServiceUnavailable');
    expect(parked.reason).toContain(`${SMS_MAX_ATTEMPTS} of ${SMS_MAX_ATTEMPTS} attempts failed`);
    expect(parked.attempts).toBe(SMS_MAX_ATTEMPTS);
    expect(parked.payload).toMatchObject({
      tenantId: DEV_TENANT,
      messageId,
      to: recipient.phone,
      text: expect.stringContaining('Your code is 731904'),
    });
    expect(parked.originalTopic).toMatch(/^sb\.(dispatch|retry)\.sms\./);
    expect(parked.redrivenAt).toBeNull();
    const failedCalls = await publishCallsTo(recipient.phone);
    expect(failedCalls.map((call) => `${call.outcome}:${call.errorCode}`)).toEqual(
      Array.from({ length: SMS_MAX_ATTEMPTS }, () => 'failed:ServiceUnavailable'),
    );

    const deadLettered = await waitForStatus(messageId, 'dead-lettered');
    const smsSteps = deadLettered.timeline.filter((entry) => entry.channel === 'sms');
    expect(smsSteps.filter((entry) => entry.type === 'attempt-failed')).toHaveLength(SMS_MAX_ATTEMPTS);
    expect(smsSteps.at(-1)).toMatchObject({
      type: 'dead-lettered',
      reason: parked.reason,
      detail: expect.objectContaining({ attempts: SMS_MAX_ATTEMPTS, lastFailure: 'ServiceUnavailable' }),
    });

    // The provider is back; the operator redrives, and sends the same request again at once.
    await sandboxes.sns.faults.clear();
    const redrives = await Promise.all([
      e2e.api.post<RedriveAnswer>('/v1/dead-letters/redrive', { ids: [parked.id] }),
      e2e.api.post<RedriveAnswer>('/v1/dead-letters/redrive', { ids: [parked.id] }),
    ]);
    expect(redrives.map((answer) => answer.status)).toEqual([200, 200]);
    expect(redrives.map((answer) => answer.body)).toEqual(
      expect.arrayContaining([
        { redriven: 1, notFound: [] },
        { redriven: 0, notFound: [parked.id] },
      ]),
    );

    const sms = await waitFor(
      'the redriven SMS at the SNS emulator',
      async () => (await smsTo(recipient.phone))[0],
    );
    expect(sms.message).toContain('Your code is 731904');
    const sent = await waitForStatus(messageId, 'sent');

    // Redriving it once more, later, finds nothing parked: the letter says when it went back.
    const again = await e2e.api.post<RedriveAnswer>('/v1/dead-letters/redrive', { ids: [parked.id] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ redriven: 0, notFound: [parked.id] });
    const stillParked = await e2e.api.get<DeadLetterPage>('/v1/dead-letters');
    expect(stillParked.body.items.map((item) => item.id)).not.toContain(parked.id);
    const redriven = await e2e.api.get<DeadLetterPage>('/v1/dead-letters?status=redriven');
    expect(redriven.body.items.find((item) => item.id === parked.id)?.redrivenAt).toEqual(expect.any(String));
    expect(await smsTo(recipient.phone)).toHaveLength(1);

    const afterParking = sent.timeline
      .slice(sent.timeline.findIndex((entry) => entry.type === 'dead-lettered') + 1)
      .map((entry) => entry.type);
    expect(afterParking).toEqual(['redriven', 'sent']);
  });

  it('sends a redriven SMS once even when Kafka delivers the redriven dispatch twice', async () => {
    await sandboxes.sns.faults.set({ status: 503 });
    const recipient = await storedRecipient('redelivered');
    const messageId = await sendSms(recipient.id, 'Your code is 650217');
    const parked = await waitForDeadLetter(messageId);
    await sandboxes.sns.faults.clear();
    const redrive = await e2e.api.post<RedriveAnswer>('/v1/dead-letters/redrive', { ids: [parked.id] });
    expect(redrive.body).toEqual({ redriven: 1, notFound: [] });
    await waitForStatus(messageId, 'sent');

    // At least once: a rebalance before the sender's commit hands it the same redriven record again.
    const kafka = testKafka([e2e.broker.address]);
    const observer = await observeTopics(kafka, [parked.originalTopic]);
    const producer = await connectProducer(kafka);
    try {
      const redriven = await waitFor('the redriven dispatch on its original topic', () =>
        observer
          .records(parked.originalTopic)
          .find((record) => record.headers[HeaderName.redrivenFrom] === parked.id),
      );
      // Redriven as it was parked, sealed (the API shows it to its tenant opened).
      expect(redriven.value).toMatchObject({ messageId, to: expect.stringMatching(/^sbenc:v1:/) });
      expect(JSON.stringify(redriven.value)).not.toContain(recipient.phone);
      expect(parked.payload).toMatchObject({ messageId, to: recipient.phone });
      const [written] = await producer.send({
        topic: parked.originalTopic,
        messages: [
          {
            partition: redriven.partition,
            key: redriven.key,
            value: JSON.stringify(redriven.value),
            headers: redriven.headers,
          },
        ],
      });
      await waitForCommitted(kafka, parked.originalTopic, written.partition, Number(written.baseOffset) + 1);
    } finally {
      await Promise.allSettled([observer.stop(), producer.disconnect()]);
    }

    expect(await smsTo(recipient.phone)).toHaveLength(1);
    const calls = await publishCallsTo(recipient.phone);
    expect(calls.filter((call) => call.outcome === 'sent')).toHaveLength(1);
  });

  it("neither lists nor redrives a tenant's dead letter for another tenant's key", async () => {
    await sandboxes.sns.faults.set({ status: 503 });
    const recipient = await storedRecipient('private');
    const messageId = await sendSms(recipient.id, 'Your code is 118822');
    const parked = await waitForDeadLetter(messageId);
    await sandboxes.sns.faults.clear();
    const other = e2e.api.withKey(createApiKey(e2e.database.url, 'other-tenant'));

    const otherList = await other.get<DeadLetterPage>('/v1/dead-letters?status=all');
    expect(otherList.status).toBe(200);
    expect(otherList.body.items.map((item) => item.id)).not.toContain(parked.id);
    const byId = await other.post<RedriveAnswer>('/v1/dead-letters/redrive', { ids: [parked.id] });
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({ redriven: 0, notFound: [parked.id] });
    const byTopic = await other.post<RedriveAnswer>('/v1/dead-letters/redrive', {
      topic: parked.originalTopic,
    });
    expect(byTopic.status).toBe(200);
    expect(byTopic.body).toEqual({ redriven: 0, notFound: [] });

    const owners = await e2e.api.get<DeadLetterPage>('/v1/dead-letters');
    expect(owners.body.items.find((item) => item.id === parked.id)).toMatchObject({ redrivenAt: null });
  });

  it('lists an invalid upstream event to the tenant it names, and one naming no tenant only to operators', async () => {
    const operator = e2e.api.withKey(e2e.platform.operatorApiKey);
    const probe = randomUUID();
    const named = {
      type: 'order.shipped',
      tenant: DEV_TENANT,
      recipient: { email: 'not an address' },
      data: { probe },
    };
    const unnamed = { type: 'order.shipped', recipient: { email: 'ada@example.com' }, data: { probe } };
    const producer = await connectProducer(testKafka([e2e.broker.address]));
    try {
      await producer.send({
        topic: UPSTREAM_TOPIC,
        messages: [{ value: JSON.stringify(named) }, { value: JSON.stringify(unnamed) }],
      });
    } finally {
      await producer.disconnect();
    }
    const isProbe = (item: DeadLetter) =>
      typeof item.payload === 'object' &&
      item.payload !== null &&
      (item.payload as { data?: { probe?: string } }).data?.probe === probe;

    // The tenant's own key lists the event that names it, though it carried no tenant header.
    const parked = await waitFor(
      `the invalid upstream event naming ${DEV_TENANT} in GET /v1/dead-letters`,
      async () => {
        const page = await e2e.api.get<DeadLetterPage>(`/v1/dead-letters?topic=${UPSTREAM_TOPIC}`);
        return page.status === 200 && page.body.items.find(isProbe);
      },
      30_000,
    );
    expect(parked).toMatchObject({
      messageId: null,
      originalTopic: UPSTREAM_TOPIC,
      attempts: 0,
      payload: named,
      redrivenAt: null,
    });
    expect(parked.reason).toContain('email');

    // The one naming no tenant is nobody's but the operators'.
    const ownerless = await waitFor(
      'the invalid upstream event naming no tenant in GET /v1/operator/dead-letters',
      async () => {
        const page = await operator.get<OperatorDeadLetterPage>(
          `/v1/operator/dead-letters?withoutTenant=true&topic=${UPSTREAM_TOPIC}`,
        );
        return page.status === 200 && page.body.items.find(isProbe);
      },
      30_000,
    );
    expect(ownerless).toMatchObject({ tenantId: null, payload: unnamed, originalTopic: UPSTREAM_TOPIC });
    const tenantsView = await e2e.api.get<DeadLetterPage>(
      `/v1/dead-letters?topic=${UPSTREAM_TOPIC}&status=all`,
    );
    expect(tenantsView.body.items.map((item) => item.id)).toEqual([parked.id]);
    const operatorsView = await operator.get<OperatorDeadLetterPage>(
      `/v1/operator/dead-letters?topic=${UPSTREAM_TOPIC}&status=all`,
    );
    expect(operatorsView.status).toBe(200);
    expect(
      operatorsView.body.items.filter(isProbe).map((item) => ({ id: item.id, tenantId: item.tenantId })),
    ).toEqual(
      expect.arrayContaining([
        { id: parked.id, tenantId: DEV_TENANT },
        { id: ownerless.id, tenantId: null },
      ]),
    );

    // Each credential opens its own routes only.
    const tenantOnOperatorRoute = await e2e.api.get('/v1/operator/dead-letters');
    expect(tenantOnOperatorRoute.status).toBe(403);
    expect(tenantOnOperatorRoute.headers.get('content-type')).toContain('application/problem+json');
    expect(tenantOnOperatorRoute.body).toMatchObject({ code: 'OPERATOR_KEY_REQUIRED' });
    const operatorOnTenantRoute = await operator.get('/v1/dead-letters');
    expect(operatorOnTenantRoute.status).toBe(401);
  });
});
