import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const request = { channel: 'email', address: 'ada@example.com', reason: 'complained' };
const suppressed = { ...request, createdAt: '2026-03-01T12:00:00.000Z' };

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
      Array(2).fill({ method: 'POST', path: '/internal/tenants/acme/suppressions', body: request }),
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
      body: { channel: 'fax', address: '', colour: 'red' },
    });

    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    const fields = answer.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['channel', 'address', 'reason']));
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
