import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const request = { channel: 'email', address: 'ada@example.com', reason: 'complained' };
const suppressed = { ...request, category: null, source: 'api', createdAt: '2026-03-01T12:00:00.000Z' };
// What the router is asked: a tenant's call is always the API's, whatever the body says.
const forwarded = { ...request, source: 'api' };

describe('gateway suppressions API (proxy to the router)', () => {
  let gateway: TestGateway;
  let router: StubService;

  beforeAll(async () => {
    router = await startStubService();
    gateway = await createTestGateway({ routerUrl: router.url });
  });

  afterAll(async () => {
    await gateway?.close();
    await router?.close();
  });

  beforeEach(() => {
    router.requests.length = 0;
  });

  it('forwards to the tenant’s internal route: 201 for a new suppression, 200 for an existing one', async () => {
    router.answer = () => ({ status: router.requests.length === 1 ? 201 : 200, body: suppressed });

    const first = await gateway.call('POST', '/v1/suppressions', { body: request });
    const again = await gateway.call('POST', '/v1/suppressions', { body: request });

    expect(first.status).toBe(201);
    expect(first.body).toEqual(suppressed);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(suppressed);
    expect(router.requests).toEqual(
      Array(2).fill({ method: 'POST', path: '/internal/tenants/acme/suppressions', body: forwarded }),
    );
  });

  it('forwards for the tenant of the key used', async () => {
    const otherKey = await gateway.createApiKey('globex');
    router.answer = () => ({ status: 201, body: suppressed });

    await gateway.call('POST', '/v1/suppressions', { apiKey: otherKey, body: request });

    expect(router.requests.map((recorded) => recorded.path)).toEqual([
      '/internal/tenants/globex/suppressions',
    ]);
  });

  it('answers 400 naming the bad fields without calling the router', async () => {
    const answer = await gateway.call('POST', '/v1/suppressions', {
      body: { channel: 'fax', address: '', colour: 'red', source: 'bounce' },
    });

    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    const fields = answer.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['channel', 'address', 'reason']));
    expect(router.requests).toEqual([]);
  });

  it('lists the tenant’s suppressions through the router, passing the filters and the cursor on', async () => {
    const page = { items: [suppressed], nextCursor: 'c3VwcHJlc3Npb25zOjQy' };
    router.answer = () => ({ status: 200, body: page });

    const answer = await gateway.call(
      'GET',
      '/v1/suppressions?channel=sms&address=%2B447700900123&limit=10&cursor=c3VwcHJlc3Npb25zOjk5',
    );

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(page);
    expect(router.requests).toEqual([
      {
        method: 'GET',
        path: '/internal/tenants/acme/suppressions?limit=10&channel=sms&address=%2B447700900123&cursor=c3VwcHJlc3Npb25zOjk5',
        body: undefined,
      },
    ]);
  });

  it('refuses a list query over 200 or with an unknown channel, naming the field, without calling the router', async () => {
    const answer = await gateway.call('GET', '/v1/suppressions?limit=500&channel=fax');

    expect(answer.status).toBe(400);
    const fields = answer.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['limit', 'channel']));
    expect(router.requests).toEqual([]);
  });

  it('deletes a suppression through the router: 204, and the router’s 404 when there is none', async () => {
    router.answer = () =>
      router.requests.length === 1
        ? { status: 204 }
        : { status: 404, body: { status: 404, title: 'Not Found', code: 'SUPPRESSION_NOT_FOUND' } };

    const removed = await gateway.call('DELETE', '/v1/suppressions/sms/%2B447700900123?category=marketing');
    const missing = await gateway.call('DELETE', '/v1/suppressions/email/ada%40example.com');

    expect(removed.status).toBe(204);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'SUPPRESSION_NOT_FOUND' });
    expect(router.requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'DELETE /internal/tenants/acme/suppressions/sms/%2B447700900123?category=marketing',
      'DELETE /internal/tenants/acme/suppressions/email/ada%40example.com',
    ]);
  });

  it('refuses to delete with an unknown channel or a bad category, naming the field', async () => {
    const badChannel = await gateway.call('DELETE', '/v1/suppressions/fax/ada%40example.com');
    const badCategory = await gateway.call(
      'DELETE',
      '/v1/suppressions/email/ada%40example.com?category=Bad%20One',
    );

    expect(badChannel.status).toBe(400);
    expect(badChannel.body.errors).toEqual([expect.objectContaining({ field: 'channel' })]);
    expect(badCategory.status).toBe(400);
    expect(badCategory.body.errors).toEqual([expect.objectContaining({ field: 'category' })]);
    expect(router.requests).toEqual([]);
  });

  it('passes the router’s problems through with their status', async () => {
    router.answer = () => ({
      status: 400,
      body: {
        type: 'https://switchboard.dev/problems/invalid-input',
        title: 'Bad Request',
        status: 400,
        detail: 'upstream 400',
      },
    });

    const answer = await gateway.call('POST', '/v1/suppressions', { body: request });

    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 400, detail: 'upstream 400', instance: '/v1/suppressions' });
  });

  it('answers 502 when the router answers something that breaks the contract', async () => {
    router.answer = () => ({ status: 201, body: { address: 'ada@example.com' } });

    const answer = await gateway.call('POST', '/v1/suppressions', { body: request });

    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ code: 'UPSTREAM_FAILED' });
  });

  it('answers 401 without calling the router when the key is wrong', async () => {
    const answer = await gateway.call('POST', '/v1/suppressions', { apiKey: null, body: request });

    expect(answer.status).toBe(401);
    expect(router.requests).toEqual([]);
  });

  it('answers 503 when the router is unreachable', async () => {
    await router.close();

    const answer = await gateway.call('POST', '/v1/suppressions', { body: request });

    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
