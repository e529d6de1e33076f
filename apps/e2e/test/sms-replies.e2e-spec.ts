import { randomUUID } from 'node:crypto';
import { testSnsSigningIdentity, waitFor } from '@switchboard/testing';
import {
  DEV_TENANT,
  startE2ePlatform,
  type ChannelSandboxes,
  type E2ePlatform,
} from './support/e2e-platform';

// The tenant's two-way SMS number and the topic its replies arrive on.
const REPLY_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:e2e-sms-replies';
const TENANT_NUMBER = '+14155550000';

let e2e: E2ePlatform;
let sandboxes: ChannelSandboxes;

beforeAll(async () => {
  e2e = await startE2ePlatform({
    channels: true,
    serviceEnv: {
      gateway: {
        SMS_REPLY_TOPICS: `${REPLY_TOPIC}=${DEV_TENANT}`,
        // The SNS emulator signs with this identity; its certificate cannot be fetched from an SNS host.
        SNS_TRUSTED_SIGNING_CERTIFICATE_PEM: testSnsSigningIdentity().certificatePem,
      },
    },
  });
  if (!e2e.channels) throw new Error('the platform was started without its channel sandboxes');
  sandboxes = e2e.channels;
  await sandboxes.sns.subscribe(REPLY_TOPIC, `${e2e.platform.gatewayUrl}/v1/sms-replies`);
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
}, 120_000);

interface TimelineEntry {
  type: string;
  reason?: string;
}

interface SuppressionPage {
  items: Array<{ channel: string; address: string; reason: string; source: string; category: string | null }>;
  nextCursor: string | null;
}

async function reply(phone: string, body: string): Promise<string> {
  const delivered = await sandboxes.sns.simulateInboundSms({
    originationNumber: phone,
    destinationNumber: TENANT_NUMBER,
    body,
    topicArn: REPLY_TOPIC,
  });
  expect(delivered.deliveries.map((delivery) => delivery.status)).toEqual([200]);
  return delivered.deliveries[0].body;
}

async function suppressionsOf(phone: string): Promise<SuppressionPage['items']> {
  const page = await e2e.api.get<SuppressionPage>(
    `/v1/suppressions?channel=sms&address=${encodeURIComponent(phone)}`,
  );
  expect(page.status).toBe(200);
  return page.body.items;
}

async function sendSms(recipientId: string, text: string): Promise<string> {
  const response = await e2e.api.post<{ messageId: string }>('/v1/messages', {
    recipient: { id: recipientId },
    channels: ['sms'],
    content: { subject: 'News', text },
  });
  expect(response.status).toBe(202);
  return response.body.messageId;
}

async function finalStatus(messageId: string): Promise<{ status: string; timeline: TimelineEntry[] }> {
  return waitFor(
    `message ${messageId} to be sent or skipped`,
    async () => {
      const response = await e2e.api.get<{ status: string; timeline: TimelineEntry[] }>(
        `/v1/messages/${messageId}`,
      );
      return response.status === 200 && ['sent', 'skipped'].includes(response.body.status) && response.body;
    },
    30_000,
  );
}

it('a STOP reply suppresses the number so its next SMS is skipped; START lifts it and SMS flow again', async () => {
  // A local number's first digit is 2 to 9: others are not assigned, and the API refuses them.
  const phone = `+1415${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  const recipientId = `sms-reply-${randomUUID().slice(0, 8)}`;
  const saved = await e2e.api.request('PUT', `/v1/recipients/${recipientId}`, { phone });
  expect([200, 201]).toContain(saved.status);

  expect(await reply(phone, 'STOP')).toContain('"opted-out"');

  expect(await suppressionsOf(phone)).toEqual([
    expect.objectContaining({
      channel: 'sms',
      address: phone,
      reason: 'replied STOP',
      source: 'sms-reply',
      category: null,
    }),
  ]);
  const skipped = await finalStatus(await sendSms(recipientId, 'Our spring offers are here'));
  expect(skipped.status).toBe('skipped');
  expect(skipped.timeline.find((entry) => entry.type === 'skipped')?.reason).toMatch(/suppressed/);
  expect((await sandboxes.sns.sentSms()).filter((sms) => sms.phoneNumber === phone)).toEqual([]);

  expect(await reply(phone, ' start ')).toContain('"opted-in"');

  expect(await suppressionsOf(phone)).toEqual([]);
  const sent = await finalStatus(await sendSms(recipientId, 'Welcome back'));
  expect(sent.status).toBe('sent');
  const delivered = await sandboxes.sns.sentSms();
  expect(delivered.filter((sms) => sms.phoneNumber === phone).map((sms) => sms.message)).toEqual([
    expect.stringContaining('Welcome back'),
  ]);
});
