import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const page = {
  items: [
    {
      id: '17',
      messageId: '7d9f7c1e-8a53-4a43-9d0e-3f0c1b2a4e55',
      originalTopic: 'sb.dispatch.sms.normal.v1',
      originalPartition: 2,
      originalOffset: '1207',
      reason: 'provider rejected the number',
      attempts: 5,
      payload: { messageId: '7d9f7c1e-8a53-4a43-9d0e-3f0c1b2a4e55' },
      parkedAt: '2026-05-01T12:00:00.000Z',
      redrivenAt: null,
    },
  ],
  nextCursor: null,
};

describe('gateway dead letters API (proxy to analytics)', () => {
  let gateway: TestGateway;
  let analytics: StubService;

  beforeAll(async () => {
    analytics = await startStubService();
    gateway = await createTestGateway({ analyticsUrl: analytics.url });
  });

  afterAll(async () => {
    await gateway?.close();
    await analytics?.close();
  });

  beforeEach(() => {
    analytics.requests.length = 0;
  });

  it('forwards a list for the tenant of the key, with the defaults filled in', async () => {
    analytics.answer = () => ({ status: 200, body: page });

    const answer = await gateway.call('GET', '/v1/dead-letters?topic=sb.dispatch.sms.normal.v1');
    const otherKey = await gateway.createApiKey('globex');
    await gateway.call('GET', '/v1/dead-letters?status=all&limit=10&cursor=abc', { apiKey: otherKey });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(page);
    expect(analytics.requests.map(({ method, path }) => ({ method, path }))).toEqual([
      {
        method: 'GET',
        path: '/internal/dead-letters/acme?status=parked&limit=50&topic=sb.dispatch.sms.normal.v1',
      },
      { method: 'GET', path: '/internal/dead-letters/globex?status=all&limit=10&cursor=abc' },
    ]);
  });

  it('forwards a redrive and answers what analytics redrove', async () => {
    analytics.answer = () => ({ status: 200, body: { redriven: 1, notFound: ['18'] } });

    const answer = await gateway.call('POST', '/v1/dead-letters/redrive', { body: { ids: ['17', '18'] } });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ redriven: 1, notFound: ['18'] });
    expect(analytics.requests).toEqual([
      { method: 'POST', path: '/internal/dead-letters/acme/redrive', body: { ids: ['17', '18'] } },
    ]);
  });

  it('answers 400 naming the bad fields without calling analytics', async () => {
    const badQuery = await gateway.call('GET', '/v1/dead-letters?status=lost&limit=500');
    const badBody = await gateway.call('POST', '/v1/dead-letters/redrive', { body: { ids: [] } });

    expect(badQuery.status).toBe(400);
    expect(badQuery.headers.get('content-type')).toContain('application/problem+json');
    const fields = badQuery.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['status', 'limit']));
    expect(badBody.status).toBe(400);
    expect(JSON.stringify(badBody.body.errors)).toContain('ids');
    expect(analytics.requests).toEqual([]);
  });

  it('passes analytics’ problems through, and answers 502 to a body that breaks the contract', async () => {
    analytics.answer = () => ({
      status: 400,
      body: { title: 'Bad Request', status: 400, errors: [{ field: 'cursor', problem: 'is not a cursor' }] },
    });
    const rejected = await gateway.call('GET', '/v1/dead-letters?cursor=nope');
    analytics.answer = () => ({ status: 200, body: { items: 'none' } });
    const broken = await gateway.call('GET', '/v1/dead-letters');

    expect(rejected.status).toBe(400);
    expect(rejected.body).toMatchObject({
      errors: [{ field: 'cursor' }],
      instance: '/v1/dead-letters?cursor=nope',
    });
    expect(broken.status).toBe(502);
    expect(broken.body).toMatchObject({ code: 'UPSTREAM_FAILED' });
  });

  it('answers 401 without calling analytics when the key is wrong', async () => {
    const answer = await gateway.call('GET', '/v1/dead-letters', { apiKey: null });

    expect(answer.status).toBe(401);
    expect(analytics.requests).toEqual([]);
  });
});
