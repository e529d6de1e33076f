import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { invalidServiceCredentials, repoRoot, serviceAuthorization, waitFor } from '@switchboard/testing';
import { DEV_TENANT, startE2ePlatform, type E2ePlatform, type GatewayClient } from './support/e2e-platform';

// One platform with every sender for the whole file: the export asks the in-app sender too.
let e2e: E2ePlatform;

beforeAll(async () => {
  e2e = await startE2ePlatform({
    channels: true,
    // An SMS that SNS refuses is parked after two quick attempts, so a dead letter costs seconds.
    serviceEnv: {
      'sender-sms': {
        SMS_MAX_ATTEMPTS: '2',
        SMS_RETRY_BASE_DELAY: '100ms',
        SMS_RETRY_MAX_DELAY: '200ms',
        SMS_CIRCUIT_FAILURES_TO_OPEN: '1000',
      },
    },
  });
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
}, 120_000);

interface ExportDocument {
  format: string;
  tenantId: string;
  recipientId: string;
  omitted: unknown[];
  profile: { recipientId: string; email: string | null; phone: string | null } | null;
  preferences: { categories: Record<string, unknown> } | null;
  suppressions: Array<{ channel: string; address: string; category: string | null }>;
  messages: Array<{
    messageId: string;
    content: Record<string, unknown>;
    routing: { decision: { decision: string } | null } | null;
    status: string | null;
    timeline: Array<{ type: string; channel?: string }>;
    deadLetters: Array<{ reason: string; payload: unknown }>;
  }>;
  inbox: Array<{ messageId: string; title: string }>;
  auditEntries: Array<{ action: string; target: string }>;
  complete: boolean;
}

/** A recipient id, address and E.164 number no other test uses. */
function uniquePerson(label: string) {
  const suffix = randomUUID().slice(0, 8);
  // A local number's first digit is 2 to 9: others are not assigned, and the API refuses them.
  const digits = `${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  return { id: `${label}-${suffix}`, email: `${label}-${suffix}@example.com`, phone: `+1415${digits}` };
}

/** An owner key of another tenant, made with the operator command the README documents. */
function ownerKeyOfTenant(tenant: string): string {
  return execFileSync(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      'apps/gateway/src/cli/api-keys.ts',
      'create',
      '--tenant',
      tenant,
      '--name',
      'e2e',
      '--role',
      'owner',
    ],
    {
      cwd: repoRoot(),
      env: { ...process.env, DATABASE_URL: e2e.database.url },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  ).trim();
}

async function send(api: GatewayClient, body: Record<string, unknown>): Promise<string> {
  const response = await api.post<{ messageId: string }>('/v1/messages', body);
  expect(response.status).toBe(202);
  return response.body.messageId;
}

async function waitForOutcome(messageId: string, outcomes = ['sent', 'delivered']): Promise<void> {
  await waitFor(`message ${messageId} to be ${outcomes.join(' or ')}`, async () => {
    const response = await e2e.api.get<{ status: string }>(`/v1/messages/${messageId}`);
    return response.status === 200 && outcomes.includes(response.body.status);
  });
}

async function exportOf(api: GatewayClient, recipientId: string) {
  const response = await api.get<ExportDocument>(`/v1/recipients/${recipientId}/export`);
  return { ...response, text: JSON.stringify(response.body) };
}

describe('GET /v1/recipients/{id}/export', () => {
  it("finds a person's profile, preferences, suppressions, messages on every channel with their timelines, inbox and audit entries, and nothing of anyone else", async () => {
    const person = uniquePerson('export');
    const neighbour = uniquePerson('neighbour');
    expect(
      (
        await e2e.api.request('PUT', `/v1/recipients/${person.id}`, {
          email: person.email,
          phone: person.phone,
        })
      ).status,
    ).toBe(201);
    expect(
      (await e2e.api.request('PUT', `/v1/recipients/${neighbour.id}`, { email: neighbour.email })).status,
    ).toBe(201);
    const preferences = await e2e.api.request('PUT', `/v1/recipients/${person.id}/preferences`, {
      categories: { newsletter: { enabled: false } },
    });
    expect(preferences.status).toBe(200);
    const suppression = await e2e.api.post('/v1/suppressions', {
      channel: 'email',
      address: person.email,
      reason: 'asked not to get marketing',
      category: 'marketing',
    });
    expect([200, 201]).toContain(suppression.status);

    const sent = {
      email: await send(e2e.api, {
        recipient: { id: person.id },
        channels: ['email'],
        content: { subject: 'Your receipt', text: 'Thank you for order 1001.' },
      }),
      sms: await send(e2e.api, {
        recipient: { id: person.id },
        channels: ['sms'],
        content: { subject: 'Code', text: 'Your code is 551144' },
      }),
      inapp: await send(e2e.api, {
        recipient: { id: person.id },
        channels: ['inapp'],
        content: { subject: 'Welcome aboard', text: 'Your workspace is ready.' },
      }),
    };
    const neighbourMessage = await send(e2e.api, {
      recipient: { id: neighbour.id },
      channels: ['email'],
      content: { subject: 'Not yours', text: 'A message for the neighbour.' },
    });
    // Another tenant knows a person by the same id, with other addresses.
    const otherTenant = e2e.api.withKey(ownerKeyOfTenant(`export-other-${randomUUID().slice(0, 8)}`));
    const stranger = uniquePerson('stranger');
    expect(
      (await otherTenant.request('PUT', `/v1/recipients/${person.id}`, { email: stranger.email })).status,
    ).toBe(201);
    const otherTenantMessage = await send(otherTenant, {
      recipient: { id: person.id },
      channels: ['email'],
      content: { subject: 'Other tenant', text: 'From another tenant.' },
    });
    await Promise.all([...Object.values(sent), neighbourMessage].map((id) => waitForOutcome(id)));
    // One more SMS, which SNS refuses until it is parked as a dead letter holding the number and text.
    const sandboxes = e2e.channels;
    if (!sandboxes) throw new Error('the platform was started without its channel sandboxes');
    await sandboxes.sns.faults.set({ status: 503 });
    let parked: string;
    try {
      parked = await send(e2e.api, {
        recipient: { id: person.id },
        channels: ['sms'],
        content: { subject: 'Code', text: 'Your code is 660022' },
      });
      await waitForOutcome(parked, ['dead-lettered']);
    } finally {
      await sandboxes.sns.faults.clear();
    }

    const response = await exportOf(e2e.api, person.id);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="recipient-export-${person.id}.json"`,
    );
    const document = response.body;
    expect(Object.keys(document)).toEqual([
      'format',
      'tenantId',
      'recipientId',
      'exportedAt',
      'omitted',
      'profile',
      'preferences',
      'suppressions',
      'recurringSchedules',
      'messages',
      'inbox',
      'auditEntries',
      'complete',
    ]);
    expect(document).toMatchObject({
      format: 'switchboard.recipient-export.v1',
      recipientId: person.id,
      omitted: [],
      profile: { recipientId: person.id, email: person.email, phone: person.phone },
      preferences: { categories: { newsletter: { enabled: false } } },
      suppressions: [{ channel: 'email', address: person.email, category: 'marketing' }],
      complete: true,
    });
    expect(document.messages.map((message) => message.messageId).sort()).toEqual(
      [...Object.values(sent), parked].sort(),
    );
    for (const [channel, messageId] of Object.entries(sent)) {
      const message = document.messages.find((candidate) => candidate.messageId === messageId);
      expect(message?.routing?.decision).toMatchObject({ decision: 'routed' });
      expect(message?.timeline).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'accepted' })]),
      );
      expect(message?.timeline.some((step) => step.channel === channel)).toBe(true);
    }
    expect(document.messages.find((message) => message.messageId === sent.sms)?.content).toMatchObject({
      text: 'Your code is 551144',
    });
    expect(document.messages.find((message) => message.messageId === parked)?.deadLetters).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ to: person.phone, messageId: parked }) }),
    ]);
    expect(document.inbox).toEqual([
      expect.objectContaining({ messageId: sent.inapp, title: 'Welcome aboard' }),
    ]);
    expect(document.auditEntries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining([
        'PUT /v1/recipients/{recipientId}',
        'PUT /v1/recipients/{recipientId}/preferences',
      ]),
    );
    for (const foreign of [
      neighbour.id,
      neighbour.email,
      neighbourMessage,
      stranger.email,
      otherTenantMessage,
    ]) {
      expect(response.text).not.toContain(foreign);
    }

    // The other tenant's export of the same id holds its own person only.
    const theirs = await exportOf(otherTenant, person.id);
    expect(theirs.status).toBe(200);
    expect(theirs.text).toContain(stranger.email);
    expect(theirs.text).not.toContain(person.email);
    expect(theirs.text).not.toContain(sent.email);
  });

  it("pages a person's messages (ingest) and inbox (sender-inapp) on the internal routes, which refuse a caller without a service credential", async () => {
    const person = uniquePerson('paged');
    const sent: string[] = [];
    for (const title of ['First', 'Second', 'Third']) {
      sent.push(
        await send(e2e.api, {
          recipient: { id: person.id },
          channels: ['inapp'],
          content: { subject: title, text: `${title} item` },
        }),
      );
    }
    await Promise.all(sent.map((id) => waitForOutcome(id)));
    const internal = async (service: 'ingest' | 'sender-inapp', path: string, headers = {}) => {
      const baseUrl =
        service === 'ingest' ? e2e.platform.urls.ingest : (e2e.platform.urls['sender-inapp'] ?? '');
      const response = await fetch(
        `${baseUrl}/internal/tenants/${DEV_TENANT}/recipients/${person.id}/${path}`,
        {
          headers: { ...serviceAuthorization(service, e2e.platform.serviceTokenSecrets), ...headers },
        },
      );
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const readAll = async (service: 'ingest' | 'sender-inapp', path: string, key: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await internal(
          service,
          `${path}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.status).toBe(200);
        ids.push(...(page.body[key] as Array<{ messageId: string }>).map((item) => item.messageId));
        cursor = page.body.nextCursor as string | null;
        pages += 1;
      } while (cursor !== null);
      return { ids, pages };
    };

    expect(await readAll('ingest', 'messages', 'messages')).toEqual({ ids: sent, pages: 2 });
    expect(await readAll('sender-inapp', 'inbox', 'items')).toEqual({ ids: sent, pages: 2 });
    for (const { description, headers } of invalidServiceCredentials('sender-inapp')) {
      const refused = await fetch(
        `${e2e.platform.urls['sender-inapp'] ?? ''}/internal/tenants/${DEV_TENANT}/recipients/${person.id}/inbox`,
        { headers },
      );
      expect({ description, status: refused.status }).toEqual({ description, status: 401 });
    }
  });

  it('answers 503 rather than a partial document when a service holding a part is down', async () => {
    const person = uniquePerson('outage');
    await e2e.api.request('PUT', `/v1/recipients/${person.id}`, { email: person.email });
    await e2e.platform.services.ingest.stop();
    try {
      const response = await exportOf(e2e.api, person.id);
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    } finally {
      await e2e.platform.services.ingest.restart();
    }
  });
});
