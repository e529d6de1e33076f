import { randomUUID } from 'node:crypto';
import { waitFor } from '@switchboard/testing';
import { startE2ePlatform, type ChannelSandboxes, type E2ePlatform } from './support/e2e-platform';

// One platform with every sender for the whole file.
let e2e: E2ePlatform;
let sandboxes: ChannelSandboxes;

beforeAll(async () => {
  e2e = await startE2ePlatform({ channels: true });
  if (!e2e.channels) throw new Error('the platform was started without its channel sandboxes');
  sandboxes = e2e.channels;
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
}, 120_000);

interface TimelineEntry {
  type: string;
  source: string;
  channel?: string;
  reason?: string;
  detail?: Record<string, unknown>;
}

interface MessageStatus {
  status: string;
  timeline: TimelineEntry[];
}

/** A recipient id and E.164 number no other test uses. */
function uniqueRecipient(label: string) {
  // A local number's first digit is 2 to 9: others are not assigned, and the API refuses them.
  const digits = `${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  return { id: `${label}-${randomUUID().slice(0, 8)}`, phone: `+1415${digits}` };
}

async function sendMessage(body: Record<string, unknown>): Promise<string> {
  const response = await e2e.api.post<{ messageId: string }>('/v1/messages', body);
  expect(response.status).toBe(202);
  return response.body.messageId;
}

async function waitForStatus(messageId: string, status: string, timeoutMs = 30_000): Promise<MessageStatus> {
  return waitFor(
    `message ${messageId} to be ${status}`,
    async () => {
      const response = await e2e.api.get<MessageStatus>(`/v1/messages/${messageId}`);
      return response.status === 200 && response.body.status === status && response.body;
    },
    timeoutMs,
  );
}

describe('every channel from POST /v1/messages', () => {
  it('sends an SMS to the phone number of a stored recipient, with its segments in the timeline', async () => {
    const recipient = uniqueRecipient('sms');
    const saved = await e2e.api.request('PUT', `/v1/recipients/${recipient.id}`, { phone: recipient.phone });
    expect([200, 201]).toContain(saved.status);

    const messageId = await sendMessage({
      recipient: { id: recipient.id },
      channels: ['sms'],
      content: { subject: 'Your code', text: 'Your code is 482913' },
    });

    const sms = await waitFor('the SMS at the SNS emulator', async () =>
      (await sandboxes.sns.sentSms()).find((sent) => sent.phoneNumber === recipient.phone),
    );
    expect(sms.message).toContain('Your code is 482913');
    const status = await waitForStatus(messageId, 'sent');
    const sent = status.timeline.find((entry) => entry.type === 'sent');
    expect(sent).toMatchObject({ channel: 'sms', detail: expect.objectContaining({ segments: 1 }) });
  });

  it('pushes to a registered browser subscription, which the push service decrypts', async () => {
    const recipient = uniqueRecipient('push');
    await e2e.api.request('PUT', `/v1/recipients/${recipient.id}`, {});
    const subscription = await sandboxes.push.createSubscription();
    const registered = await e2e.api.post(`/v1/recipients/${recipient.id}/push-subscriptions`, {
      endpoint: subscription.endpoint,
      keys: subscription.keys,
    });
    expect([200, 201]).toContain(registered.status);

    const messageId = await sendMessage({
      recipient: { id: recipient.id },
      channels: ['push'],
      content: { subject: 'Parcel delivered', text: 'It is at your door.' },
    });

    const push = await waitFor('the push at the local push service', async () =>
      (await sandboxes.push.receivedPushes()).find((received) => received.subscriptionId === subscription.id),
    );
    expect(JSON.parse(push.payload ?? '{}')).toMatchObject({
      messageId,
      title: 'Parcel delivered',
      body: 'It is at your door.',
    });
    await waitForStatus(messageId, 'sent');
  });

  it('refuses a push subscription whose endpoint is on a private address', async () => {
    const recipient = uniqueRecipient('ssrf');
    await e2e.api.request('PUT', `/v1/recipients/${recipient.id}`, {});
    const subscription = await sandboxes.push.createSubscription();

    for (const endpoint of [
      'https://10.0.0.7/push/abc',
      'https://169.254.169.254/latest',
      'https://[::1]/push',
    ]) {
      const refused = await e2e.api.post(`/v1/recipients/${recipient.id}/push-subscriptions`, {
        endpoint,
        keys: subscription.keys,
      });
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body)).toContain('endpoint');
    }
  });

  it("puts an in-app message in the recipient's inbox, readable with a recipient token only", async () => {
    const recipient = uniqueRecipient('inbox');
    const other = uniqueRecipient('other');
    const messageId = await sendMessage({
      recipient: { id: recipient.id },
      channels: ['inapp'],
      content: { subject: 'Welcome aboard', text: 'Your workspace is ready.' },
    });

    const token = await e2e.api.post<{ token: string }>(`/v1/recipients/${recipient.id}/inbox-token`, {});
    expect(token.status).toBe(200);
    const inbox = (bearer: string) =>
      fetch(`${sandboxes.inboxUrl}/v1/inbox`, { headers: { authorization: `Bearer ${bearer}` } });

    const item = await waitFor('the item in the inbox', async () => {
      const page = (await (await inbox(token.body.token)).json()) as {
        items: Array<Record<string, unknown>>;
      };
      return page.items.find((candidate) => candidate.messageId === messageId);
    });
    expect(item).toMatchObject({ title: 'Welcome aboard', body: 'Your workspace is ready.', readAt: null });

    const otherToken = await e2e.api.post<{ token: string }>(`/v1/recipients/${other.id}/inbox-token`, {});
    const otherPage = (await (await inbox(otherToken.body.token)).json()) as { items: unknown[] };
    expect(otherPage.items).toEqual([]);
    expect((await inbox(e2e.api.baseUrl)).status).toBe(401);
  });

  it('falls back to SMS when the email is rejected for good, and the timeline says why', async () => {
    const recipient = uniqueRecipient('fallback');
    await e2e.api.request('PUT', `/v1/recipients/${recipient.id}`, {
      email: `${recipient.id}@example.com`,
      phone: recipient.phone,
    });
    await sandboxes.sesFaults.faults.set({ reject: true });
    try {
      const messageId = await sendMessage({
        recipient: { id: recipient.id },
        channels: ['email', 'sms'],
        content: { subject: 'Invoice ready', text: 'Your invoice is ready.' },
      });

      const sms = await waitFor('the fallback SMS', async () =>
        (await sandboxes.sns.sentSms()).find((sent) => sent.phoneNumber === recipient.phone),
      );
      expect(sms.message).toContain('Your invoice is ready.');
      const status = await waitForStatus(messageId, 'sent');
      const steps = status.timeline.map((entry) => `${entry.type}:${entry.channel ?? '-'}`);
      expect(steps).toEqual(expect.arrayContaining(['failed:email', 'sent:sms']));
      expect(status.timeline.some((entry) => entry.type === 'rerouted')).toBe(true);
      const attempts = await sandboxes.sesFaults.attempts();
      expect(attempts.filter((attempt) => attempt.to.includes(`${recipient.id}@example.com`))).toHaveLength(
        1,
      );
    } finally {
      await sandboxes.sesFaults.faults.clear();
    }
  });
});
