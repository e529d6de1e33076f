import { issueRecipientToken } from '@switchboard/security';
import {
  type RecordedRequest,
  type StubAnswer,
  startStubService,
  type StubService,
} from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const SECRET = 'a-recipient-token-secret-of-at-least-32-bytes';
const OTHER_SECRET = 'someone-elses-recipient-token-secret-32-bytes';

const PREFERENCES_PATH = /^\/internal\/tenants\/([^/]+)\/recipients\/([^/]+)\/preferences$/;
const defaults = { optedOut: false, categories: {}, channelOrder: null, quietHours: null };

/** Stands in for the router's preferences API: what a PUT stores, a GET gives back; `ada` and `bob` exist. */
function routerPreferences(): (request: RecordedRequest) => StubAnswer {
  const stored = new Map<string, unknown>();
  return (request) => {
    const match = PREFERENCES_PATH.exec(request.path);
    const recipientId = match ? decodeURIComponent(match[2]) : '';
    if (!match || !['ada', 'bob'].includes(recipientId)) {
      return { status: 404, body: { status: 404, title: 'Not Found', code: 'RECIPIENT_NOT_FOUND' } };
    }
    if (request.method === 'PUT') {
      const view = { ...(request.body as object), updatedAt: '2030-01-01T00:00:00.000Z' };
      stored.set(request.path, view);
      return { status: 200, body: view };
    }
    return { status: 200, body: stored.get(request.path) ?? { ...defaults, updatedAt: null } };
  };
}

describe('gateway preferences API (proxy to the router)', () => {
  let gateway: TestGateway;
  let router: StubService;

  beforeAll(async () => {
    router = await startStubService();
    gateway = await createTestGateway({ routerUrl: router.url, env: { INBOX_TOKEN_SECRETS: SECRET } });
  });

  afterAll(async () => {
    await gateway?.close();
    await router?.close();
  });

  beforeEach(() => {
    router.requests.length = 0;
    router.answer = routerPreferences();
  });

  async function tokenFor(recipientId: string, apiKey?: string): Promise<string> {
    const issued = await gateway.call('POST', `/v1/recipients/${recipientId}/inbox-token`, { apiKey });
    expect(issued.status).toBe(200);
    return issued.body.token as string;
  }

  it('documents both APIs, with the schemas of the contracts and how the end-user routes authenticate', async () => {
    const response = await fetch(`${gateway.url}/docs-json`);
    const document = (await response.json()) as {
      paths: Record<
        string,
        Record<string, { description?: string; requestBody?: unknown; security?: unknown }>
      >;
    };

    const tenantRoutes = document.paths['/v1/recipients/{recipientId}/preferences'];
    const endUserRoutes = document.paths['/v1/me/preferences'];
    expect(Object.keys(tenantRoutes)).toEqual(expect.arrayContaining(['get', 'put']));
    expect(Object.keys(endUserRoutes)).toEqual(expect.arrayContaining(['get', 'put']));
    expect(JSON.stringify(tenantRoutes.put.requestBody)).toContain('channelOrder');
    expect(endUserRoutes.get.description).toContain('recipient token');
    expect(endUserRoutes.put.description).toContain('not an API key');
  });

  describe('for the tenant, with an API key', () => {
    it("replaces and reads a recipient's preferences at the tenant's internal route", async () => {
      const preferences = {
        optedOut: false,
        categories: { marketing: { enabled: false }, alert: { channels: { sms: false } } },
        channelOrder: ['push', 'email'],
        quietHours: { start: '22:00', end: '07:00' },
      };

      const written = await gateway.call('PUT', '/v1/recipients/ada/preferences', { body: preferences });
      const read = await gateway.call('GET', '/v1/recipients/ada/preferences');

      expect(written).toMatchObject({ status: 200, body: { ...preferences, updatedAt: expect.any(String) } });
      expect(read.body).toEqual(written.body);
      expect(router.requests).toEqual([
        { method: 'PUT', path: '/internal/tenants/acme/recipients/ada/preferences', body: preferences },
        { method: 'GET', path: '/internal/tenants/acme/recipients/ada/preferences', body: undefined },
      ]);
    });

    it('sends the router the whole document, defaults filled in, so that a PUT replaces', async () => {
      await gateway.call('PUT', '/v1/recipients/ada/preferences', { body: { optedOut: true } });

      expect(router.requests[0].body).toEqual({ ...defaults, optedOut: true });
    });

    it('refuses a malformed body with 400 naming each field, without calling the router', async () => {
      const refused = await gateway.call('PUT', '/v1/recipients/ada/preferences', {
        body: { categories: { Marketing: { enabled: 'no' } }, channelOrder: ['fax'], colour: 'blue' },
      });

      expect(refused.status).toBe(400);
      const fields = (refused.body.errors as Array<{ field: string }>).map((error) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['categories.Marketing', 'channelOrder.0']));
      expect(router.requests).toEqual([]);
    });

    it("passes the router's 404 for an unknown recipient through", async () => {
      const read = await gateway.call('GET', '/v1/recipients/nobody/preferences');

      expect(read.status).toBe(404);
      expect(read.body).toMatchObject({
        code: 'RECIPIENT_NOT_FOUND',
        instance: '/v1/recipients/nobody/preferences',
      });
    });

    it('forwards for the tenant of the key used, and refuses a call without a key', async () => {
      const otherKey = await gateway.createApiKey('globex');

      await gateway.call('GET', '/v1/recipients/ada/preferences', { apiKey: otherKey });
      const anonymous = await gateway.call('GET', '/v1/recipients/ada/preferences', { apiKey: null });

      expect(anonymous.status).toBe(401);
      expect(router.requests.map((request) => request.path)).toEqual([
        '/internal/tenants/globex/recipients/ada/preferences',
      ]);
    });

    it('answers 502 when the router answers a body that breaks the contract', async () => {
      router.answer = () => ({ status: 200, body: { optedOut: 'maybe' } });

      const read = await gateway.call('GET', '/v1/recipients/ada/preferences');

      expect(read.status).toBe(502);
    });
  });

  describe('for the end user, with a recipient token', () => {
    it('reads and replaces their own preferences, taking tenant and recipient from the token', async () => {
      const token = await tokenFor('ada');

      const before = await gateway.call('GET', '/v1/me/preferences', { apiKey: token });
      const written = await gateway.call('PUT', '/v1/me/preferences', {
        apiKey: token,
        body: { categories: { marketing: { enabled: false } } },
      });
      const after = await gateway.call('GET', '/v1/me/preferences', { apiKey: token });

      expect(before).toMatchObject({ status: 200, body: { ...defaults, updatedAt: null } });
      expect(written.status).toBe(200);
      expect(after.body).toEqual({
        ...defaults,
        categories: { marketing: { enabled: false } },
        updatedAt: expect.any(String),
      });
      expect(router.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        'GET /internal/tenants/acme/recipients/ada/preferences',
        'PUT /internal/tenants/acme/recipients/ada/preferences',
        'GET /internal/tenants/acme/recipients/ada/preferences',
      ]);
    });

    it("never reaches another recipient's preferences: each token reads only its own", async () => {
      const adaToken = await tokenFor('ada');
      const bobToken = await tokenFor('bob');
      const globexAdaToken = await tokenFor('ada', await gateway.createApiKey('globex'));
      await gateway.call('PUT', '/v1/recipients/ada/preferences', { body: { optedOut: true } });

      const asBob = await gateway.call('GET', '/v1/me/preferences?recipientId=ada', { apiKey: bobToken });
      const bobWrites = await gateway.call('PUT', '/v1/me/preferences', {
        apiKey: bobToken,
        body: { channelOrder: ['sms'] },
      });
      const asGlobexAda = await gateway.call('GET', '/v1/me/preferences', { apiKey: globexAdaToken });
      const asAda = await gateway.call('GET', '/v1/me/preferences', { apiKey: adaToken });

      expect(asBob.body).toEqual({ ...defaults, updatedAt: null });
      expect(bobWrites.status).toBe(200);
      expect(asGlobexAda.body).toEqual({ ...defaults, updatedAt: null });
      expect(asAda.body).toEqual({ ...defaults, optedOut: true, updatedAt: expect.any(String) });
      expect(router.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
        'PUT /internal/tenants/acme/recipients/ada/preferences',
        'GET /internal/tenants/acme/recipients/bob/preferences',
        'PUT /internal/tenants/acme/recipients/bob/preferences',
        'GET /internal/tenants/globex/recipients/ada/preferences',
        'GET /internal/tenants/acme/recipients/ada/preferences',
      ]);
    });

    it('refuses a missing, forged, foreign-signed or expired token and an API key with 401', async () => {
      const token = await tokenFor('ada');
      const [payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const forgedPayload = Buffer.from(JSON.stringify({ ...claims, recipientId: 'bob' })).toString(
        'base64url',
      );
      const forged = `${forgedPayload}.${signature}`;
      const foreign = issueRecipientToken(
        { tenantId: 'acme', recipientId: 'bob', ttlSeconds: 600 },
        OTHER_SECRET,
      );
      const expired = issueRecipientToken(
        { tenantId: 'acme', recipientId: 'ada', ttlSeconds: 60 },
        SECRET,
        new Date(Date.now() - 3_600_000),
      );

      const answers = {
        missing: await gateway.call('GET', '/v1/me/preferences', { apiKey: null }),
        forged: await gateway.call('GET', '/v1/me/preferences', { apiKey: forged }),
        foreign: await gateway.call('PUT', '/v1/me/preferences', {
          apiKey: foreign,
          body: { optedOut: true },
        }),
        expired: await gateway.call('GET', '/v1/me/preferences', { apiKey: expired }),
        apiKey: await gateway.call('GET', '/v1/me/preferences'),
      };

      for (const answer of Object.values(answers)) {
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      }
      expect(answers.missing.headers.get('www-authenticate')).toBe('Bearer');
      expect(answers.forged.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(answers.expired.body.reason).toBe('expired');
      expect(router.requests).toEqual([]);
    });

    it('refuses a malformed body with 400 naming the field, without calling the router', async () => {
      const token = await tokenFor('ada');

      const refused = await gateway.call('PUT', '/v1/me/preferences', {
        apiKey: token,
        body: { quietHours: { start: '25:00', end: '07:00' } },
      });

      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'quietHours.start' })]);
      expect(router.requests).toEqual([]);
    });
  });
});
