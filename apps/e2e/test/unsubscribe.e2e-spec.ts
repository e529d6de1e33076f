import { randomBytes, randomUUID } from 'node:crypto';
import { waitFor, type SentEmail } from '@switchboard/testing';
import { startE2ePlatform, type E2ePlatform } from './support/e2e-platform';

// One platform for the whole file: starting six services costs far more than any scenario.
let e2e: E2ePlatform;

beforeAll(async () => {
  e2e = await startE2ePlatform({
    env: { LINK_SIGNING_KEYS: `e2e:${randomBytes(32).toString('base64url')}` },
  });
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
}, 120_000);

interface TimelineEntry {
  type: string;
  rule?: string;
  reason?: string;
}

async function sendNewsletter(recipientId: string, type: string): Promise<string> {
  const answer = await e2e.api.post<{ messageId: string }>('/v1/messages', {
    recipient: { id: recipientId },
    type,
    channels: ['email'],
    content: { subject: 'Our autumn offers', text: 'Twenty per cent off everything this week.' },
  });
  expect(answer.status).toBe(202);
  return answer.body.messageId;
}

function header(email: SentEmail, name: string): string | undefined {
  return email.headers?.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase())?.value;
}

it('unsubscribes a recipient with the one-click link from the email header, so their next marketing email is skipped', async () => {
  const type = `newsletter-${randomUUID().slice(0, 8)}`;
  const created = await e2e.api.post('/v1/message-types', {
    key: type,
    category: 'marketing',
    optOutAllowed: true,
  });
  expect(created.status).toBe(201);
  const recipientId = `reader-${randomUUID().slice(0, 8)}`;
  const address = `${recipientId}@example.com`;
  const stored = await e2e.api.request('PUT', `/v1/recipients/${recipientId}`, { email: address });
  expect([200, 201]).toContain(stored.status);

  await sendNewsletter(recipientId, type);

  // The headers as the SES emulator received them with the email.
  const email = await waitFor(
    `an email to ${address} at the SES emulator`,
    async () => (await e2e.ses.sentEmails()).find((sent) => sent.to.includes(address)),
    60_000,
  );
  expect(header(email, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
  const listUnsubscribe = header(email, 'List-Unsubscribe') ?? '';
  const link = /^<(https?:\/\/[^>]+)>$/.exec(listUnsubscribe)?.[1];
  expect(link).toMatch(
    new RegExp(`^${e2e.platform.gatewayUrl}/v1/unsubscribe/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`),
  );

  // Exactly as a mail provider sends RFC 8058's one-click POST: a form body, no credentials, no cookies.
  const oneClick = await fetch(link ?? '', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(oneClick.status).toBe(200);

  const preferences = await e2e.api.get<{ categories: Record<string, { enabled?: boolean }> }>(
    `/v1/recipients/${recipientId}/preferences`,
  );
  expect(preferences.body.categories.marketing?.enabled).toBe(false);

  const skippedId = await sendNewsletter(recipientId, type);
  const timeline = await waitFor(
    `message ${skippedId} to be skipped as opted out`,
    async () => {
      const status = await e2e.api.get<{ status: string; timeline: TimelineEntry[] }>(
        `/v1/messages/${skippedId}`,
      );
      return status.status === 200 && status.body.timeline.some((entry) => entry.type === 'skipped')
        ? status.body.timeline
        : undefined;
    },
    60_000,
  );
  expect(timeline).toContainEqual(
    expect.objectContaining({ type: 'skipped', channel: 'email', reason: 'opted out of marketing' }),
  );
  // The rule names the decision for analytics and dashboards, beside the reason written for people.
  expect(timeline).toContainEqual(expect.objectContaining({ type: 'skipped', rule: 'opted-out' }));
  expect((await e2e.ses.sentEmails()).filter((sent) => sent.to.includes(address))).toHaveLength(1);
});
