import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const OPERATOR_KEY = 'sbop_Zm9yIHRoZSBvcGVyYXRvcnMgb2YgdGhlIHBsYXRmb3Jt';
const ROTATED_OPERATOR_KEY = 'sbop_YW5vdGhlciBvcGVyYXRvciBrZXksIGJlaW5nIHJvdGF0ZWQ';

const letter = {
  id: '17',
  messageId: null,
  originalTopic: 'orders.upstream',
  originalPartition: 0,
  originalOffset: '88',
  reason: 'orders.upstream payload is invalid',
  attempts: 0,
  payload: 'not json',
  parkedAt: '2026-05-01T12:00:00.000Z',
  redrivenAt: null,
};
const page = {
  items: [
    { ...letter, tenantId: null },
    { ...letter, id: '16', originalOffset: '87', payload: { tenant: 'acme' }, tenantId: 'acme' },
  ],
  nextCursor: null,
};

describe('gateway operator dead letters API (proxy to analytics)', () => {
  let gateway: TestGateway;
  let unconfigured: TestGateway | undefined;
  let analytics: StubService;

  beforeAll(async () => {
    analytics = await startStubService();
    gateway = await createTestGateway({
      analyticsUrl: analytics.url,
      env: { OPERATOR_API_KEYS: `${OPERATOR_KEY},${ROTATED_OPERATOR_KEY}` },
    });
  });

  afterAll(async () => {
    await unconfigured?.close();
    await gateway?.close();
    await analytics?.close();
  });

  beforeEach(() => {
    analytics.requests.length = 0;
  });

  it('lists the dead letters of every tenant for an operator key, with the filters forwarded', async () => {
    analytics.answer = () => ({ status: 200, body: page });

    const answer = await gateway.call('GET', '/v1/operator/dead-letters', { apiKey: OPERATOR_KEY });
    const narrowed = await gateway.call(
      'GET',
      '/v1/operator/dead-letters?withoutTenant=true&topic=orders.upstream&status=all&limit=10&cursor=abc',
      { apiKey: ROTATED_OPERATOR_KEY },
    );
    await gateway.call('GET', '/v1/operator/dead-letters?tenant=globex', { apiKey: OPERATOR_KEY });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(page);
    expect(narrowed.status).toBe(200);
    expect(analytics.requests.map(({ method, path }) => ({ method, path }))).toEqual([
      { method: 'GET', path: '/internal/operator/dead-letters?status=parked&limit=50' },
      {
        method: 'GET',
        path: '/internal/operator/dead-letters?status=all&limit=10&topic=orders.upstream&cursor=abc&withoutTenant=true',
      },
      { method: 'GET', path: '/internal/operator/dead-letters?status=parked&limit=50&tenant=globex' },
    ]);
  });

  it('forwards an operator redrive by id or by topic narrowed to letters without a tenant', async () => {
    analytics.answer = () => ({ status: 200, body: { redriven: 2, notFound: [] } });

    const byTopic = await gateway.call('POST', '/v1/operator/dead-letters/redrive', {
      apiKey: OPERATOR_KEY,
      body: { topic: 'orders.upstream', withoutTenant: true },
    });
    await gateway.call('POST', '/v1/operator/dead-letters/redrive', {
      apiKey: OPERATOR_KEY,
      body: { ids: ['16', '17'] },
    });

    expect(byTopic.status).toBe(200);
    expect(byTopic.body).toEqual({ redriven: 2, notFound: [] });
    expect(analytics.requests).toEqual([
      {
        method: 'POST',
        path: '/internal/operator/dead-letters/redrive',
        body: { topic: 'orders.upstream', withoutTenant: true },
      },
      { method: 'POST', path: '/internal/operator/dead-letters/redrive', body: { ids: ['16', '17'] } },
    ]);
  });

  it("refuses a tenant's API key on the operator routes with 403, without calling analytics", async () => {
    const list = await gateway.call('GET', '/v1/operator/dead-letters');
    const redrive = await gateway.call('POST', '/v1/operator/dead-letters/redrive', {
      body: { topic: 'orders.upstream' },
    });

    for (const answer of [list, redrive]) {
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 403, code: 'OPERATOR_KEY_REQUIRED' });
    }
    expect(analytics.requests).toEqual([]);
  });

  it('answers 401 to a missing or unknown operator key', async () => {
    const missing = await gateway.call('GET', '/v1/operator/dead-letters', { apiKey: null });
    const unknown = await gateway.call('GET', '/v1/operator/dead-letters', {
      apiKey: `${OPERATOR_KEY.slice(0, -1)}x`,
    });

    for (const answer of [missing, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(answer.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect(analytics.requests).toEqual([]);
  });

  it('does not let an operator key act as a tenant', async () => {
    const list = await gateway.call('GET', '/v1/dead-letters', { apiKey: OPERATOR_KEY });
    const redrive = await gateway.call('POST', '/v1/dead-letters/redrive', {
      apiKey: OPERATOR_KEY,
      body: { topic: 'orders.upstream' },
    });

    expect(list.status).toBe(401);
    expect(redrive.status).toBe(401);
    expect(analytics.requests).toEqual([]);
  });

  it('answers 400 naming the bad fields without calling analytics', async () => {
    const both = await gateway.call('GET', '/v1/operator/dead-letters?tenant=acme&withoutTenant=true', {
      apiKey: OPERATOR_KEY,
    });
    const badTenant = await gateway.call(
      'GET',
      '/v1/operator/dead-letters?tenant=a%20b&withoutTenant=maybe',
      {
        apiKey: OPERATOR_KEY,
      },
    );
    const badBody = await gateway.call('POST', '/v1/operator/dead-letters/redrive', {
      apiKey: OPERATOR_KEY,
      body: { topic: 'orders.upstream', withoutTenant: false },
    });

    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([expect.objectContaining({ field: 'withoutTenant' })]);
    expect(badTenant.status).toBe(400);
    const fields = badTenant.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['tenant', 'withoutTenant']));
    expect(badBody.status).toBe(400);
    expect(analytics.requests).toEqual([]);
  });

  it('documents the operator routes in the OpenAPI document, behind a bearer key', async () => {
    const document = await gateway.call('GET', '/docs-json', { apiKey: null });

    expect(document.status).toBe(200);
    const list = document.body.paths['/v1/operator/dead-letters'].get;
    const redrive = document.body.paths['/v1/operator/dead-letters/redrive'].post;
    for (const operation of [list, redrive]) {
      expect(operation.security).toEqual([{ operator: [] }]);
      expect(operation.description).toContain('operator key');
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404']));
    }
    expect(list.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['tenant', 'withoutTenant', 'topic', 'status', 'limit', 'cursor']),
    );
    expect(document.body.components.securitySchemes.operator).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });

  it('answers 404 OPERATOR_API_NOT_CONFIGURED on a gateway without operator keys, whatever the key', async () => {
    unconfigured = await createTestGateway({
      analyticsUrl: analytics.url,
      broker: gateway.broker,
      database: gateway.database,
    });

    const withTenantKey = await unconfigured.call('GET', '/v1/operator/dead-letters');
    const withOperatorKey = await unconfigured.call('POST', '/v1/operator/dead-letters/redrive', {
      apiKey: OPERATOR_KEY,
      body: { ids: ['17'] },
    });

    for (const answer of [withTenantKey, withOperatorKey]) {
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({
        code: 'OPERATOR_API_NOT_CONFIGURED',
        detail: expect.stringContaining('OPERATOR_API_KEYS'),
      });
    }
    expect(analytics.requests).toEqual([]);
  });
});
