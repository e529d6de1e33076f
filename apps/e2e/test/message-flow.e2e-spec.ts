import { randomUUID } from 'node:crypto';
import { DEAD_LETTER_TOPIC, HeaderName } from '@switchboard/contracts';
import { kcatAvailable, kcatProduce, waitFor, type SentEmail } from '@switchboard/testing';
import { Kafka, logLevel } from 'kafkajs';
import {
  createApiKey,
  DEV_TENANT,
  startE2ePlatform,
  UPSTREAM_TOPIC,
  type E2ePlatform,
} from './support/e2e-platform';

// One platform for the whole file: starting six services costs far more than any scenario.
let e2e: E2ePlatform;

beforeAll(async () => {
  e2e = await startE2ePlatform();
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
}, 120_000);

const ORDER_SHIPPED_MJML = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ name }}, order {{ order.number }} is on its way.</mj-text>
        <mj-button href="{{ trackingUrl }}">Track it</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

async function createTemplate(key: string): Promise<void> {
  const response = await e2e.api.post('/v1/templates', {
    key,
    name: 'Order shipped',
    subject: 'Order {{ order.number }} shipped',
    mjml: ORDER_SHIPPED_MJML,
  });
  expect(response.status).toBe(201);
}

function uniqueAddress(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

async function emailsTo(address: string): Promise<SentEmail[]> {
  return (await e2e.ses.sentEmails()).filter((email) => email.to.includes(address));
}

async function waitForEmailTo(address: string, timeoutMs = 30_000): Promise<SentEmail> {
  return waitFor(
    `an email to ${address} at the SES emulator`,
    async () => (await emailsTo(address))[0],
    timeoutMs,
  );
}

interface TimelineEntry {
  type: string;
  occurredAt: string;
  source: string;
  reason?: string;
}
interface MessageStatus {
  messageId: string;
  status: string;
  timeline: TimelineEntry[];
}

async function waitForStatus(messageId: string, status: string): Promise<MessageStatus> {
  return waitFor(
    `message ${messageId} to reach status ${status}`,
    async () => {
      const response = await e2e.api.get<MessageStatus>(`/v1/messages/${messageId}`);
      return response.status === 200 && response.body.status === status ? response.body : undefined;
    },
    30_000,
  );
}

describe('one message end to end', () => {
  it('sends a templated email from POST /v1/messages and shows each step in its timeline', async () => {
    await createTemplate('order-shipped');
    const address = uniqueAddress('ada');
    const accepted = await e2e.api.post<{ messageId: string }>('/v1/messages', {
      recipient: { email: address },
      content: {
        templateKey: 'order-shipped',
        data: {
          name: 'Ada <script>',
          order: { number: 'A-1001' },
          trackingUrl: 'https://track.example.com/A-1001',
        },
      },
    });
    expect(accepted.status).toBe(202);

    const email = await waitForEmailTo(address);
    expect(email.subject).toBe('Order A-1001 shipped');
    expect(email.html).toContain('Hello Ada &lt;script&gt;, order A-1001 is on its way.');
    expect(email.html).toContain('href="https://track.example.com/A-1001"');
    expect(email.text).toContain('Hello Ada <script>, order A-1001 is on its way.');

    const status = await waitForStatus(accepted.body.messageId, 'sent');
    expect(status.timeline.map((entry) => entry.type)).toEqual(['accepted', 'routed', 'rendered', 'sent']);
  });

  it('sends an email for an upstream event produced with kcat that matches a trigger', async () => {
    if (!kcatAvailable()) throw new Error('kcat is required for this test: apt-get install -y kcat');
    await createTemplate('upstream-shipped');
    const trigger = await e2e.api.post('/v1/triggers', {
      eventType: 'order.shipped',
      templateKey: 'upstream-shipped',
    });
    expect(trigger.status).toBe(201);

    const address = uniqueAddress('grace');
    await kcatProduce({
      brokers: e2e.broker.address,
      topic: UPSTREAM_TOPIC,
      key: address,
      value: JSON.stringify({
        type: 'order.shipped',
        tenant: DEV_TENANT,
        recipient: { email: address },
        data: { name: 'Grace', order: { number: 'U-7' }, trackingUrl: 'https://track.example.com/U-7' },
      }),
    });
    const email = await waitForEmailTo(address);
    expect(email.subject).toBe('Order U-7 shipped');
  });

  it('parks a malformed upstream event in the dead-letter topic and keeps the next one flowing', async () => {
    await createTemplate('after-poison');
    const trigger = await e2e.api.post('/v1/triggers', {
      eventType: 'order.after-poison',
      templateKey: 'after-poison',
    });
    expect(trigger.status).toBe(201);
    await kcatProduce({
      brokers: e2e.broker.address,
      topic: UPSTREAM_TOPIC,
      value: '{"type": "order.shipped", "tenant": ',
    });
    const address = uniqueAddress('after-poison');
    await kcatProduce({
      brokers: e2e.broker.address,
      topic: UPSTREAM_TOPIC,
      value: JSON.stringify({
        type: 'order.after-poison',
        tenant: DEV_TENANT,
        recipient: { email: address },
        data: { name: 'Next', order: { number: 'N-1' }, trackingUrl: 'https://track.example.com/N-1' },
      }),
    });
    await waitForEmailTo(address);

    const deadLetters = await readTopic(
      DEAD_LETTER_TOPIC,
      (headers) => headers[HeaderName.originalTopic] === UPSTREAM_TOPIC,
    );
    expect(deadLetters.length).toBeGreaterThanOrEqual(1);
    expect(deadLetters[0].value).toBe('{"type": "order.shipped", "tenant": ');
    expect(deadLetters[0].headers[HeaderName.error]).toBeTruthy();
  });

  it('sends one email for the same Idempotency-Key twice and 20 times at once', async () => {
    const address = uniqueAddress('idempotent');
    const body = { recipient: { email: address }, content: { subject: 'Once', text: 'Only once.' } };
    const first = await e2e.api.post<{ messageId: string }>('/v1/messages', body, {
      'idempotency-key': 'e2e-once',
    });
    const second = await e2e.api.post<{ messageId: string }>('/v1/messages', body, {
      'idempotency-key': 'e2e-once',
    });
    expect(second.status).toBe(first.status);
    expect(second.body.messageId).toBe(first.body.messageId);

    const concurrentAddress = uniqueAddress('concurrent');
    const concurrentBody = {
      recipient: { email: concurrentAddress },
      content: { subject: 'Once', text: 'Only once.' },
    };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        e2e.api.post<{ messageId: string }>('/v1/messages', concurrentBody, {
          'idempotency-key': 'e2e-concurrent',
        }),
      ),
    );
    expect(new Set(answers.map((answer) => answer.body.messageId)).size).toBe(1);

    await waitForStatus(first.body.messageId, 'sent');
    await waitForStatus(answers[0].body.messageId, 'sent');
    expect(await emailsTo(address)).toHaveLength(1);
    expect(await emailsTo(concurrentAddress)).toHaveLength(1);
  });

  it("answers 401 without a valid key, and 404 for another tenant's message", async () => {
    const accepted = await e2e.api.post<{ messageId: string }>('/v1/messages', {
      recipient: { email: uniqueAddress('private') },
      content: { subject: 'Mine', text: 'Not yours.' },
    });
    const path = `/v1/messages/${accepted.body.messageId}`;
    expect((await e2e.api.get(path)).status).toBe(200);
    expect((await e2e.api.withKey(undefined).get(path)).status).toBe(401);
    expect((await e2e.api.withKey('sb_wrong_key_0000000000000000').get(path)).status).toBe(401);

    // An operator makes a key for another tenant with the command the README documents.
    const otherTenantKey = createApiKey(e2e.database.url, 'other-tenant');
    expect((await e2e.api.withKey(otherTenantKey).get(path)).status).toBe(404);
    expect((await e2e.api.withKey(otherTenantKey).get(`/v1/messages/${randomUUID()}`)).status).toBe(404);
  });

  it('follows one message in one trace from the gateway to the SES call, with its database queries', async () => {
    const address = uniqueAddress('traced');
    const accepted = await e2e.api.post<{ messageId: string }>('/v1/messages', {
      recipient: { email: address },
      content: { subject: 'Traced', text: 'Follow me.' },
    });
    await waitForEmailTo(address);
    const services = ['gateway', 'ingest', 'router', 'template', 'sender-email'];
    const trace = await waitFor(
      `one trace spanning ${services.join(', ')}`,
      () => {
        const spans = e2e.traces.spans();
        const gatewaySpan = spans.find(
          (span) =>
            span.serviceName === 'gateway' && JSON.stringify(span.attributes).includes('/v1/messages'),
        );
        if (!gatewaySpan) return undefined;
        const inTrace = spans.filter((span) => span.traceId === gatewaySpan.traceId);
        const seen = new Set(inTrace.map((span) => span.serviceName));
        return services.every((service) => seen.has(service)) &&
          inTrace.some((span) => /ses/i.test(span.name)) &&
          inTrace.some((span) => JSON.stringify(span.attributes).includes('postgresql'))
          ? inTrace
          : undefined;
      },
      30_000,
    );
    expect(trace.length).toBeGreaterThanOrEqual(services.length);
    expect(accepted.status).toBe(202);
  });

  it('delivers all of 500 messages in flight when the email sender is killed with SIGKILL and restarted', async () => {
    const batchId = randomUUID().slice(0, 8);
    const addresses = Array.from({ length: 500 }, (_, index) => `crash-${batchId}-${index}@example.com`);
    const answer = await e2e.api.post<{ results: Array<{ status: string }> }>('/v1/messages/batch', {
      messages: addresses.map((address) => ({
        recipient: { email: address },
        content: { subject: 'Crash', text: 'Survive it.' },
      })),
    });
    expect(answer.body.results.filter((result) => result.status === 'accepted')).toHaveLength(500);

    const countDelivered = async () => {
      const wanted = new Set(addresses);
      return (await e2e.ses.sentEmails()).filter((email) => email.to.some((to) => wanted.has(to)));
    };
    // Kill it while it is part-way through the 500.
    await waitFor(
      'the sender to be part-way through',
      async () => (await countDelivered()).length >= 20,
      60_000,
    );
    const sender = e2e.platform.services['sender-email'];
    await sender.kill();
    const deliveredAtCrash = (await countDelivered()).length;
    await sender.restart();

    const delivered = await waitFor(
      'all 500 delivered after the restart',
      async () => {
        const emails = await countDelivered();
        return new Set(emails.flatMap((email) => email.to)).size === 500 ? emails : undefined;
      },
      120_000,
    );
    const duplicates = delivered.length - 500;
    console.log(
      `crash test: ${deliveredAtCrash} sent before SIGKILL, ${duplicates} sent twice after the restart`,
    );
    // The promise: at most what was in flight at the crash (the sender's concurrency), the goal zero.
    expect(duplicates).toBeLessThanOrEqual(16 * 3);
  });
});

async function readTopic(
  topic: string,
  accept: (headers: Record<string, string>) => boolean,
): Promise<Array<{ value: string; headers: Record<string, string> }>> {
  const kafka = new Kafka({
    brokers: [e2e.broker.address],
    clientId: 'e2e-reader',
    logLevel: logLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId: `e2e-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const found: Array<{ value: string; headers: Record<string, string> }> = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        if (accept(headers)) found.push({ value: message.value?.toString() ?? '', headers });
      },
    });
    await waitFor(`a dead letter from ${UPSTREAM_TOPIC}`, () => found.length > 0, 20_000);
    return found;
  } finally {
    await consumer.disconnect();
  }
}
