import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, waitFor } from '@switchboard/testing';
import { Client } from 'pg';
import { DEV_TENANT, startE2ePlatform, type E2ePlatform, type GatewayClient } from './support/e2e-platform';

// A tenant whose retention period is a few seconds, so the sweep is seen at work; every other
// tenant keeps the default 90 days.
const SHORT_RETENTION_TENANT = 'e2e-short-retention';

// One platform with every sender for the whole file.
let e2e: E2ePlatform;
let database: Client;

beforeAll(async () => {
  e2e = await startE2ePlatform({
    channels: true,
    env: { RETENTION_PERIOD_BY_TENANT: `${SHORT_RETENTION_TENANT}=6s`, RETENTION_SWEEP_INTERVAL: '1s' },
  });
  database = new Client({ connectionString: e2e.database.url });
  await database.connect();
}, 240_000);

afterAll(async () => {
  await database?.end();
  await e2e?.stop();
}, 120_000);

interface TimelineEntry {
  type: string;
  reason?: string;
  rule?: string;
}

interface ErasureView {
  erasureId: string;
  complete: boolean;
  services: Array<{ service: string; confirmed: boolean }>;
  messages: { erased: number; historyScrubbed: number };
}

/** A recipient id, address, E.164 number and message text no other test uses. */
function uniquePerson(label: string) {
  const suffix = randomUUID().slice(0, 8);
  // A local number's first digit is 2 to 9: others are not assigned, and the API refuses them.
  const local = `${2 + Math.floor(Math.random() * 8)}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  return {
    id: `${label}-${suffix}`,
    email: `${label}-${suffix}@example.com`,
    phone: `+1415${local}`,
    secret: `secret-${randomUUID()}`,
  };
}

/** Stores the person's email and phone and a push subscription for them; answers the subscription. */
async function storeWithEveryContactPoint(person: ReturnType<typeof uniquePerson>) {
  const channels = e2e.channels;
  if (!channels) throw new Error('the platform was started without its channel sandboxes');
  expect(
    (
      await e2e.api.request('PUT', `/v1/recipients/${person.id}`, {
        email: person.email,
        phone: person.phone,
      })
    ).status,
  ).toBe(201);
  const subscription = await channels.push.createSubscription();
  const registered = await e2e.api.post(`/v1/recipients/${person.id}/push-subscriptions`, {
    endpoint: subscription.endpoint,
    keys: subscription.keys,
  });
  expect([200, 201]).toContain(registered.status);
  return subscription;
}

async function send(api: GatewayClient, body: Record<string, unknown>): Promise<string> {
  const response = await api.post<{ messageId: string }>('/v1/messages', body);
  expect(response.status).toBe(202);
  return response.body.messageId;
}

// The first messages on a fresh platform may wait for every service's consumer groups to settle.
const FIRST_DELIVERY_TIMEOUT_MS = 45_000;

async function waitForStatus(messageId: string, statuses: string[]) {
  return waitFor(
    `message ${messageId} to be ${statuses.join(' or ')}`,
    async () => {
      const response = await e2e.api.get<{ status: string; timeline: TimelineEntry[] }>(
        `/v1/messages/${messageId}`,
      );
      if (response.status === 200 && statuses.includes(response.body.status)) return response.body;
      // Quoted if the deadline passes: where the message stands says which service held it.
      throw new Error(`answered ${response.status}: ${JSON.stringify(response.body)}`);
    },
    FIRST_DELIVERY_TIMEOUT_MS,
  );
}

/** Every row of every table of every service's schema whose text holds one of the values. */
async function rowsHolding(values: string[]): Promise<string[]> {
  const { rows: tables } = await database.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
  );
  expect(tables.map((table) => table.schema)).toEqual(
    expect.arrayContaining(['gateway', 'ingest', 'router', 'template', 'analytics', 'sender_inapp']),
  );
  const patterns = values.map((value) => `%${value.replace(/[\\%_]/g, '\\$&')}%`);
  const found: string[] = [];
  for (const { schema, name } of tables) {
    const { rows } = await database.query<{ row: string }>(
      `SELECT t::text AS row FROM "${schema}"."${name}" t WHERE t::text ILIKE ANY($1::text[])`,
      [patterns],
    );
    found.push(...rows.map((row) => `${schema}.${name}: ${row.row.slice(0, 300)}`));
  }
  return found;
}

/** A data-only pg_dump of the whole database (every service's schema, the key schema too), as text. */
function databaseDump(): string {
  return execFileSync('pg_dump', ['--data-only', '--no-owner', e2e.database.url], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
}

/** Every file of the broker's data directory (topic segments, indexes, offsets), read as bytes. */
function topicLogFiles(directory = e2e.broker.dataDir): Array<{ path: string; bytes: Buffer }> {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? topicLogFiles(path) : [{ path, bytes: readFileSync(path) }];
  });
}

/** Which of the values each file holds, by its path under the data directory. */
function filesHolding(files: Array<{ path: string; bytes: Buffer }>, values: string[]): string[] {
  return files.flatMap(({ path, bytes }) =>
    values
      .filter((value) => bytes.includes(Buffer.from(value, 'utf8')))
      .map((value) => `${path.slice(e2e.broker.dataDir.length)} holds ${value}`),
  );
}

async function countRows(table: string, messageId: string): Promise<number> {
  const { rows } = await database.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM ${table} WHERE message_id::text = $1`,
    [messageId],
  );
  return rows[0].count;
}

/** A key of `tenant` with `role`, made with the operator command the README documents. */
function keyOf(tenant: string, role: 'owner' | 'sender'): string {
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
      role,
    ],
    {
      cwd: repoRoot(),
      env: { ...process.env, DATABASE_URL: e2e.database.url },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  ).trim();
}

describe('personal data at rest', () => {
  it('is in no table (pg_dump of every schema) and no topic log file in plaintext after messages on every channel', async () => {
    const person = uniquePerson('at-rest');
    // Given inline, with no recipient id: sealed with the tenant's key rather than a person's.
    const inline = uniquePerson('inline');
    const subscription = await storeWithEveryContactPoint(person);
    const template = `at-rest-${randomUUID().slice(0, 8)}`;
    expect(
      (
        await e2e.api.post('/v1/templates', {
          key: template,
          name: 'At rest',
          subject: 'Hello {{ name }}',
          mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Code {{ code }}</mj-text></mj-column></mj-section></mj-body></mjml>',
        })
      ).status,
    ).toBe(201);

    const sent = await Promise.all([
      ...(['email', 'sms', 'push', 'inapp'] as const).map((channel) =>
        send(e2e.api, {
          recipient: { id: person.id },
          channels: [channel],
          content: { subject: `Hello ${person.secret}`, text: `For you only: ${person.secret} (${channel})` },
        }),
      ),
      send(e2e.api, {
        recipient: { id: person.id },
        channels: ['email'],
        content: { templateKey: template, data: { name: person.secret, code: person.secret } },
      }),
      send(e2e.api, {
        recipient: { email: inline.email, phone: inline.phone },
        channels: ['sms', 'email'],
        channelPolicy: 'all',
        content: { subject: `Hi ${inline.secret}`, text: `Inline ${inline.secret}` },
      }),
    ]);
    await Promise.all(sent.map((messageId) => waitForStatus(messageId, ['sent', 'delivered'])));

    const values = [
      person.email,
      person.phone,
      subscription.endpoint,
      subscription.keys.auth,
      person.secret,
      inline.email,
      inline.phone,
      inline.secret,
    ];
    const dump = databaseDump();
    expect(values.filter((value) => dump.includes(value))).toEqual([]);
    const files = topicLogFiles();
    expect(filesHolding(files, values)).toEqual([]);
    // Neither scan is blind: both find what is kept in the clear (the tenant's id for the person).
    expect(dump).toContain(person.id);
    expect(filesHolding(files, [person.id])).not.toEqual([]);
  });
});

describe('DELETE /v1/recipients/{id}?erase=true', () => {
  it('leaves none of the person readable in any table of any service after sending on every channel, keeps their suppression as a hash only, and records the erasure on the timeline and in the audit log', async () => {
    const person = uniquePerson('erase');
    const subscription = await storeWithEveryContactPoint(person);
    expect(
      (
        await e2e.api.request('PUT', `/v1/recipients/${person.id}/preferences`, {
          categories: { news: { enabled: false } },
        })
      ).status,
    ).toBe(200);
    const suppression = await e2e.api.post('/v1/suppressions', {
      channel: 'email',
      address: person.email,
      reason: 'asked never to be mailed',
    });
    expect([200, 201]).toContain(suppression.status);

    const sent = await Promise.all(
      (['email', 'sms', 'push', 'inapp'] as const).map((channel) =>
        send(e2e.api, {
          recipient: { id: person.id },
          channels: [channel],
          content: { subject: `Hello ${person.secret}`, text: `For you only: ${person.secret} (${channel})` },
        }),
      ),
    );
    // The email is suppressed; the other channels go out.
    await waitForStatus(sent[0], ['skipped']);
    await Promise.all(sent.slice(1).map((messageId) => waitForStatus(messageId, ['sent', 'delivered'])));
    const personalValues = [person.email, person.phone.slice(1), subscription.endpoint, person.secret];
    // Encrypted at rest, they are in no table in plaintext even before the erasure; the scan is not
    // blind, as it finds what is kept in the clear (the recipient id).
    expect(await rowsHolding(personalValues)).toEqual([]);
    expect(await rowsHolding([person.id])).not.toEqual([]);

    const erased = await e2e.api.request<{ erasureId: string; statusUrl: string }>(
      'DELETE',
      `/v1/recipients/${person.id}?erase=true`,
      undefined,
      { 'x-request-id': `erasure-request-${randomUUID()}` },
    );
    expect(erased.status).toBe(202);
    expect(erased.body.statusUrl).toBe(`/v1/erasures/${erased.body.erasureId}`);

    const status = await waitFor(
      'every service to confirm the erasure',
      async () => {
        const answer = await e2e.api.get<ErasureView>(erased.body.statusUrl);
        expect(answer.status).toBe(200);
        return answer.body.complete && answer.body;
      },
      60_000,
    );
    expect(status.services.map((service) => service.service).sort()).toEqual([
      'analytics',
      'ingest',
      'router',
      'sender-inapp',
    ]);
    expect(status.messages).toEqual({ erased: 4, historyScrubbed: 4 });

    expect(await rowsHolding(personalValues)).toEqual([]);
    expect((await e2e.api.get(`/v1/recipients/${person.id}`)).status).toBe(404);
    // The timeline keeps its facts and says the content is gone. It is written by its own consumer
    // group, which collects events for up to a second, so the erased step may come after the
    // erasure's completion (which the history scrub reports).
    const timeline = await waitFor(
      'the timeline to show the erasure',
      async () => {
        const message = await waitForStatus(sent[1], ['sent', 'delivered']);
        const types = message.timeline.map((entry) => entry.type);
        if (!types.includes('erased')) throw new Error(`timeline so far: ${types.join(', ')}`);
        return types;
      },
      10_000,
    );
    expect(timeline).toEqual(expect.arrayContaining(['sent', 'erased']));
    // The audit log names the call by the erasure's request id, with no address in it.
    const { rows: audit } = await database.query<{ action: string; status: number; target: string }>(
      `SELECT a.action, a.status, a.target FROM gateway.audit_log a
       JOIN gateway.erasures e ON e.request_id = a.request_id AND e.erasure_id = $1`,
      [erased.body.erasureId],
    );
    expect(audit).toEqual([
      {
        action: 'DELETE /v1/recipients/{recipientId}',
        status: 202,
        target: JSON.stringify({ recipientId: person.id }),
      },
    ]);

    // The suppression is kept as the blind index of the address only, and still applies.
    const { rows: kept } = await database.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM router.erased_suppressions WHERE tenant_id = $1`,
      [DEV_TENANT],
    );
    expect(kept[0].count).toBeGreaterThanOrEqual(1);
    const again = await send(e2e.api, {
      recipient: { email: person.email },
      channels: ['email'],
      content: { subject: 'Come back', text: 'We miss you.' },
    });
    const skipped = await waitForStatus(again, ['skipped']);
    expect(skipped.timeline.find((entry) => entry.type === 'skipped')).toMatchObject({ rule: 'suppressed' });
  });

  it('needs recipients:erase: a sender key may delete a recipient but not erase one', async () => {
    const senderKey = keyOf(DEV_TENANT, 'sender');
    const person = uniquePerson('not-erased');
    await e2e.api.request('PUT', `/v1/recipients/${person.id}`, { email: person.email });

    const refused = await e2e.api
      .withKey(senderKey)
      .request('DELETE', `/v1/recipients/${person.id}?erase=true`);

    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'PERMISSION_DENIED', missingPermission: 'recipients:erase' });
    expect((await e2e.api.get(`/v1/recipients/${person.id}`)).status).toBe(200);
  });
});

describe('retention', () => {
  it("purges a tenant's messages, routing decisions, timeline and inbox items past its own period, and no other tenant's", async () => {
    const shortLived = e2e.api.withKey(keyOf(SHORT_RETENTION_TENANT, 'owner'));
    const person = uniquePerson('retention');
    const purged = await send(shortLived, {
      recipient: { id: person.id },
      channels: ['inapp'],
      content: { subject: 'Short-lived', text: person.secret },
    });
    const kept = await send(e2e.api, {
      recipient: { id: person.id },
      channels: ['inapp'],
      content: { subject: 'Kept', text: person.secret },
    });
    const tables = [
      'ingest.messages',
      'router.decisions',
      'analytics.delivery_events',
      'sender_inapp.inbox_items',
    ];
    await waitFor(
      'both messages in the inbox',
      async () =>
        (await countRows('sender_inapp.inbox_items', purged)) === 1 &&
        (await countRows('sender_inapp.inbox_items', kept)) === 1,
    );

    await waitFor(
      'the short-lived message gone from every table',
      async () => {
        // One query at a time: the test has one connection.
        for (const table of tables) if ((await countRows(table, purged)) > 0) return false;
        return true;
      },
      30_000,
    );
    for (const table of tables) expect(await countRows(table, kept)).toBeGreaterThan(0);
  });
});
