import { createHash } from 'node:crypto';
import { parseLinkKeyring, signLink } from '@switchboard/security';
import { waitFor } from '@switchboard/testing';
import { Client } from 'pg';
import { startStubService, type StubService } from './support/stub-service';
import { runGatewayCommand } from './support/run-gateway-command';
import { createTestGateway, type GatewayAnswer, type TestGateway } from './support/test-gateway';

const OPERATOR_KEY = 'sbop_b3BlcmF0b3Igb2YgdGhlIGF1ZGl0ZWQgcGxhdGZvcm0';
const INBOX_SECRET = 'a-recipient-token-secret-of-at-least-32-bytes';
const LINK_KEYS = `audit:${'5a'.repeat(32)}`;
const storedPreferences = {
  optedOut: false,
  categories: { marketing: { enabled: false } },
  channelOrder: ['email'],
  quietHours: null,
  updatedAt: '2026-11-30T10:00:00.000Z',
};
const weeklyDigest = {
  key: 'weekly-digest',
  category: 'marketing',
  defaultChannels: ['email'],
  channelPolicy: 'fallback',
  defaultPriority: 'bulk',
  optOutAllowed: true,
  quietHours: 'respect',
  frequencyLimits: 'apply',
  overLimit: 'drop',
  dedupWindowSeconds: 0,
  description: null,
  builtIn: false,
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
};
const createdAt = '2026-03-01T12:00:00.000Z';
const template = (key: string) => ({
  key,
  name: 'Welcome',
  channel: 'email',
  currentVersion: 1,
  createdAt,
  versions: [{ version: 1, subject: 'Hi', mjml: '<mjml><mj-body></mj-body></mjml>', createdAt }],
});
const templateRequest = (key: string) => ({
  key,
  name: 'Welcome',
  subject: 'Hi',
  mjml: '<mjml><mj-body></mj-body></mjml>',
});

/** Runs the command as `npm run audit:verify -- <args>` runs it. */
const runAuditVerify = (args: string[], databaseUrl: string) =>
  runGatewayCommand('audit-verify', args, databaseUrl);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** JSON with sorted keys, as the audit log digests a value. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner,
  );

interface AuditRow {
  chain: string;
  sequence: string;
  actor_type: string;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  target: string;
  status: number;
  body_digest: string | null;
}

describe('gateway audit log (real PostgreSQL, the real gateway)', () => {
  let services: StubService;
  let gateway: TestGateway;
  let database: Client;
  let developmentKeyId: string;
  let messageTypeStored: object | undefined;

  beforeAll(async () => {
    // One stub plays the template service, the router and analytics.
    services = await startStubService((request) => {
      if (request.method === 'POST' && request.path === '/internal/tenants/acme/templates') {
        return { status: 201, body: template((request.body as { key: string }).key) };
      }
      if (request.method === 'DELETE' && request.path.includes('/suppressions/')) return { status: 204 };
      if (request.method === 'POST' && request.path.endsWith('/recipients/user-1/preferences/opt-outs')) {
        return { status: 200, body: storedPreferences };
      }
      if (request.path === '/internal/tenants/acme/message-types/weekly-digest') {
        if (request.method === 'PUT') {
          messageTypeStored = { ...weeklyDigest, ...(request.body as object) };
          return { status: 200, body: messageTypeStored };
        }
        return messageTypeStored === undefined ? { status: 404 } : { status: 200, body: messageTypeStored };
      }
      if (request.path === '/internal/operator/dead-letters/redrive') {
        return { status: 200, body: { redriven: 0, notFound: [] } };
      }
      return { status: 404 };
    });
    gateway = await createTestGateway({
      templateUrl: services.url,
      routerUrl: services.url,
      analyticsUrl: services.url,
      env: {
        OPERATOR_API_KEYS: OPERATOR_KEY,
        INBOX_TOKEN_SECRETS: INBOX_SECRET,
        LINK_SIGNING_KEYS: LINK_KEYS,
      },
    });
    database = new Client({ connectionString: gateway.database.url });
    await database.connect();
    const keys = await database.query<{ id: string }>(
      `SELECT id FROM gateway.api_keys WHERE tenant_id = 'acme' AND revoked_at IS NULL`,
    );
    developmentKeyId = keys.rows[0]?.id ?? '';
  });

  afterAll(async () => {
    await database?.end();
    await gateway?.close();
    await services?.close();
  });

  async function entriesOf(chain: string): Promise<AuditRow[]> {
    const rows = await database.query<AuditRow>(
      `SELECT chain, sequence, actor_type, actor_id, actor_role, action, target, status, body_digest
       FROM gateway.audit_log WHERE chain = $1 ORDER BY sequence`,
      [chain],
    );
    return rows.rows;
  }

  async function verification(): Promise<GatewayAnswer> {
    return gateway.call('GET', '/v1/audit-log/verification');
  }

  it('records each state change with its actor, action, target, status and body digest, and nothing else', async () => {
    const created = await gateway.call('POST', '/v1/templates', { body: templateRequest('welcome') });
    const refused = await gateway.call('POST', '/v1/templates', { body: { key: 'Bad Key!' } });
    const unsuppressed = await gateway.call('DELETE', '/v1/suppressions/email/ada%40example.com');
    const unauthenticated = await gateway.call('POST', '/v1/templates', {
      apiKey: 'sk_test_unknown_key_of_nobody_at_all',
      body: templateRequest('nobody'),
    });
    await gateway.call('GET', '/v1/templates/welcome');
    // Names nobody and changes nothing: not worth an entry (the platform chain stays the operator's only).
    const forged = await fetch(`${gateway.url}/v1/unsubscribe/not.genuine`, { method: 'POST' });
    expect(forged.status).toBe(404);

    expect([created.status, refused.status, unsuppressed.status, unauthenticated.status]).toEqual([
      201, 400, 204, 401,
    ]);
    expect(created.headers.get('x-request-id')).toMatch(/\S/);
    const actor = { actor_type: 'api-key', actor_id: developmentKeyId, actor_role: 'owner' };
    expect(await entriesOf('tenant:acme')).toEqual([
      {
        chain: 'tenant:acme',
        sequence: '1',
        ...actor,
        action: 'POST /v1/templates',
        target: '{}',
        status: 201,
        body_digest: sha256(
          JSON.stringify({
            key: 'welcome',
            mjml: '<mjml><mj-body></mj-body></mjml>',
            name: 'Welcome',
            subject: 'Hi',
          }),
        ),
      },
      expect.objectContaining({ sequence: '2', ...actor, action: 'POST /v1/templates', status: 400 }),
      expect.objectContaining({
        sequence: '3',
        ...actor,
        action: 'DELETE /v1/suppressions/{channel}/{address}',
        target: JSON.stringify({ address: `sha256:${sha256('ada@example.com')}`, channel: 'email' }),
        status: 204,
        body_digest: null,
      }),
    ]);
    const plaintext = await database.query(
      `SELECT count(*)::int AS n FROM gateway.audit_log WHERE target LIKE '%ada@%'`,
    );
    expect(plaintext.rows[0].n).toBe(0);
  });

  it('records an end user by recipient id in the tenant’s chain, and an operator alone in the platform’s', async () => {
    const issued = await gateway.call('POST', '/v1/recipients/ada/inbox-token');
    const token = issued.body.token as string;
    const ownPreferences = await gateway.call('PUT', '/v1/me/preferences', {
      apiKey: token,
      body: { categories: { marketing: { enabled: false } } },
    });
    const redriven = await gateway.call('POST', '/v1/operator/dead-letters/redrive', {
      apiKey: OPERATOR_KEY,
      body: { ids: ['17'] },
    });

    expect(issued.status).toBe(200);
    // The stub router knows no preferences: the attempt is recorded with the status it got.
    expect(ownPreferences.status).toBe(404);
    expect(redriven.status).toBe(200);
    const tenantEntries = await entriesOf('tenant:acme');
    expect(tenantEntries.slice(-2)).toEqual([
      expect.objectContaining({
        actor_type: 'api-key',
        actor_id: developmentKeyId,
        action: 'POST /v1/recipients/{recipientId}/inbox-token',
        target: '{"recipientId":"ada"}',
      }),
      expect.objectContaining({
        actor_type: 'recipient',
        actor_id: 'ada',
        actor_role: null,
        action: 'PUT /v1/me/preferences',
        status: 404,
      }),
    ]);
    expect(await entriesOf('platform')).toEqual([
      expect.objectContaining({
        sequence: '1',
        actor_type: 'operator',
        actor_id: sha256(OPERATOR_KEY).slice(0, 16),
        action: 'POST /v1/operator/dead-letters/redrive',
        status: 200,
      }),
    ]);
  });

  it('lists the tenant’s entries newest first, with filters and a cursor', async () => {
    const first = await gateway.call('GET', '/v1/audit-log?limit=2');
    const next = await gateway.call('GET', `/v1/audit-log?limit=2&cursor=${first.body.nextCursor}`);
    const templates = await gateway.call(
      'GET',
      `/v1/audit-log?action=${encodeURIComponent('POST /v1/templates')}`,
    );
    const aboutAda = await gateway.call('GET', '/v1/audit-log?target=ada');
    const byKey = await gateway.call('GET', `/v1/audit-log?actorKeyId=${developmentKeyId}`);
    const future = await gateway.call('GET', '/v1/audit-log?from=2099-01-01T00:00:00Z');
    const badQuery = await gateway.call('GET', '/v1/audit-log?limit=0&from=yesterday&colour=red');

    expect(first.status).toBe(200);
    expect(first.body.entries.map((entry: { sequence: number }) => entry.sequence)).toEqual([5, 4]);
    expect(first.body.entries[0]).toMatchObject({
      actor: { type: 'recipient', id: 'ada', role: null },
      action: 'PUT /v1/me/preferences',
      target: {},
      previousHash: first.body.entries[1].hash,
    });
    expect(next.body.entries.map((entry: { sequence: number }) => entry.sequence)).toEqual([3, 2]);
    expect(templates.body.entries.map((entry: { status: number }) => entry.status)).toEqual([400, 201]);
    expect(aboutAda.body.entries.map((entry: { sequence: number }) => entry.sequence)).toEqual([4]);
    expect(byKey.body.entries).toHaveLength(4);
    expect(future.body).toEqual({ entries: [], nextCursor: null });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.errors.map((error: { field: string }) => error.field)).toEqual(
      expect.arrayContaining(['limit', 'from']),
    );
  });

  it('refuses UPDATE, DELETE and TRUNCATE of audit rows by the gateway’s own database role', async () => {
    const app = new Client({ connectionString: gateway.database.url });
    await app.connect();
    try {
      for (const statement of [
        `DELETE FROM gateway.audit_log WHERE sequence = 1`,
        `UPDATE gateway.audit_log SET status = 200 WHERE status = 400`,
        `TRUNCATE gateway.audit_log`,
      ]) {
        await expect(app.query(statement)).rejects.toThrow(/append-only/);
      }
    } finally {
      await app.end();
    }
    expect((await entriesOf('tenant:acme')).map((entry) => entry.status)).toEqual([201, 400, 204, 200, 404]);
  });

  it('keeps one unbroken chain when several gateway replicas record at once', async () => {
    const replicas = await Promise.all(
      [1, 2].map(() =>
        createTestGateway({
          broker: gateway.broker,
          database: gateway.database,
          templateUrl: services.url,
          env: { SWITCHBOARD_DEV_API_KEY: gateway.apiKey },
        }),
      ),
    );
    try {
      const answers = await Promise.all(
        [gateway, ...replicas].flatMap((instance, replica) =>
          Array.from({ length: 20 }, (_, index) =>
            instance.call('POST', '/v1/templates', {
              apiKey: gateway.apiKey,
              body: templateRequest(`concurrent-${replica}-${index}`),
            }),
          ),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(60).fill(201));
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }

    const entries = await entriesOf('tenant:acme');
    expect(entries.map((entry) => Number(entry.sequence))).toEqual(
      Array.from({ length: 65 }, (_, i) => i + 1),
    );
    expect((await verification()).body).toEqual({
      ok: true,
      entries: 65,
      head: { sequence: 65, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
  });

  it('records a one-click unsubscribe as the link’s recipient, the token itself only hashed', async () => {
    const token = signLink(
      { tenantId: 'acme', recipientId: 'user-1', category: 'marketing', purpose: 'unsubscribe' },
      parseLinkKeyring(LINK_KEYS),
    );

    const response = await fetch(`${gateway.url}/v1/unsubscribe/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });

    expect(response.status).toBe(200);
    expect((await entriesOf('tenant:acme')).at(-1)).toMatchObject({
      sequence: '66',
      actor_type: 'recipient',
      actor_id: 'user-1',
      action: 'POST /v1/unsubscribe/*',
      target: JSON.stringify({ '*': `sha256:${sha256(token)}` }),
      status: 200,
    });
  });

  it('keeps a digest of a message type as it was before a PUT replaced it (none when it was created)', async () => {
    const created = await gateway.call('PUT', '/v1/message-types/weekly-digest', {
      body: { category: 'marketing' },
    });
    const asCreated = messageTypeStored;
    const replaced = await gateway.call('PUT', '/v1/message-types/weekly-digest', {
      body: { category: 'marketing', defaultPriority: 'normal' },
    });

    expect([created.status, replaced.status]).toEqual([200, 200]);
    const [creation, replacement] = (
      await database.query<{ before_digest: string | null }>(
        `SELECT before_digest FROM gateway.audit_log
         WHERE chain = 'tenant:acme' AND action = 'PUT /v1/message-types/{key}' ORDER BY sequence`,
      )
    ).rows;
    expect(creation?.before_digest).toBe(sha256('null'));
    expect(replacement?.before_digest).toBe(sha256(canonicalJson(asCreated)));
  });

  it('records key lifecycle calls and each key’s calls with its role, refusals included; an auditor reads them', async () => {
    const auditor = await gateway.call('POST', '/v1/api-keys', {
      body: { name: 'audit team', role: 'auditor' },
    });
    const editor = await gateway.call('POST', '/v1/api-keys', { body: { name: 'design', role: 'editor' } });
    const edited = await gateway.call('POST', '/v1/templates', {
      apiKey: editor.body.key,
      body: templateRequest('by-editor'),
    });
    const refused = await gateway.call('POST', '/v1/templates', {
      apiKey: auditor.body.key,
      body: templateRequest('by-auditor'),
    });
    const notForEditors = await gateway.call('GET', '/v1/audit-log', { apiKey: editor.body.key });
    const revoked = await gateway.call('POST', `/v1/api-keys/${editor.body.id}/revoke`);
    const read = await gateway.call('GET', '/v1/audit-log?limit=5', { apiKey: auditor.body.key });

    expect([auditor.status, editor.status, edited.status, refused.status, revoked.status]).toEqual([
      201, 201, 201, 403, 200,
    ]);
    expect(read.status).toBe(200);
    expect(notForEditors.status).toBe(403);
    expect(notForEditors.body).toMatchObject({ missingPermission: 'audit-log:read' });
    expect(
      read.body.entries.map(
        (entry: { actor: { id: string; role: string }; action: string; target: object; status: number }) => [
          entry.actor.id,
          entry.actor.role,
          entry.action,
          entry.target,
          entry.status,
        ],
      ),
    ).toEqual([
      [developmentKeyId, 'owner', 'POST /v1/api-keys/{keyId}/revoke', { keyId: editor.body.id }, 200],
      [auditor.body.id, 'auditor', 'POST /v1/templates', {}, 403],
      [editor.body.id, 'editor', 'POST /v1/templates', {}, 201],
      [developmentKeyId, 'owner', 'POST /v1/api-keys', {}, 201],
      [developmentKeyId, 'owner', 'POST /v1/api-keys', {}, 201],
    ]);
  });

  it('answers 503 rather than acknowledge a change it could not record', async () => {
    await database.query(`ALTER FUNCTION gateway.append_audit_entry RENAME TO append_audit_entry_away`);
    let answer: GatewayAnswer;
    try {
      answer = await gateway.call('POST', '/v1/templates', { body: templateRequest('unrecorded') });
    } finally {
      await database.query(`ALTER FUNCTION gateway.append_audit_entry_away RENAME TO append_audit_entry`);
    }

    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      status: 503,
      code: 'AUDIT_LOG_UNAVAILABLE',
      instance: '/v1/templates',
    });
    expect((await entriesOf('tenant:acme')).at(-1)?.sequence).toBe('73');
  });

  it('answers 503 when the database holds the entry too long, and the entry lands once it lets go', async () => {
    // Another session holds the chain's lock, as a stuck append would.
    const holder = new Client({ connectionString: gateway.database.url });
    await holder.connect();
    let answer: GatewayAnswer;
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtextextended('gateway.audit_log:tenant:acme', 0))`);
      const started = Date.now();
      answer = await gateway.call('POST', '/v1/templates', { body: templateRequest('held') });
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await holder.end();
    }

    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 'AUDIT_LOG_UNAVAILABLE' });
    // The append went on: the change it describes was made, as the 503 says it may have been.
    const landed = await waitFor('the held entry to land', async () => {
      const last = (await entriesOf('tenant:acme')).at(-1);
      return last?.sequence === '74' ? last : undefined;
    });
    expect(landed).toMatchObject({ action: 'POST /v1/templates', status: 201 });
  });

  // Last: it breaks the chain for good.
  it('catches a superuser’s edit made with the triggers bypassed, naming the entry (API and command)', async () => {
    const before = await runAuditVerify([], gateway.database.url);
    expect(before.exitCode).toBe(0);
    expect(before.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^platform ok 1 entries, head 1 [0-9a-f]{64}$/),
      expect.stringMatching(/^tenant:acme ok 74 entries, head 74 [0-9a-f]{64}$/),
    ]);

    const superuser = new Client({ connectionString: gateway.database.url });
    await superuser.connect();
    try {
      await superuser.query(`SET session_replication_role = replica`);
      await superuser.query(
        `UPDATE gateway.audit_log SET status = 201 WHERE chain = 'tenant:acme' AND sequence = 2`,
      );
    } finally {
      await superuser.end();
    }
    const edited = await database.query<{ id: string }>(
      `SELECT id FROM gateway.audit_log WHERE chain = 'tenant:acme' AND sequence = 2`,
    );

    const answer = await verification();

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ok: false,
      entries: 1,
      broken: { sequence: 2, id: edited.rows[0]?.id, problem: 'hash-mismatch', detail: expect.any(String) },
    });
    const after = await runAuditVerify(['--tenant', 'acme'], gateway.database.url);
    expect(after.exitCode).toBe(1);
    expect(after.stdout).toBe(
      `tenant:acme BROKEN at sequence 2 (entry ${edited.rows[0]?.id}): hash-mismatch: ${answer.body.broken.detail}\n`,
    );
  });

  it('records an export of a person’s data, a read that hands it out, with the key that asked', async () => {
    const before = (await entriesOf('tenant:acme')).length;

    // The services behind the export are stubs here: what matters is that the attempt is on record.
    await gateway.call('GET', '/v1/recipients/user-export-1/export');

    const added = (await entriesOf('tenant:acme')).slice(before);
    expect(added).toEqual([
      expect.objectContaining({
        actor_type: 'api-key',
        actor_id: developmentKeyId,
        action: 'GET /v1/recipients/{recipientId}/export',
      }),
    ]);
    expect(added[0].target).toContain('user-export-1');
  });
});
