import { verifyServiceToken } from '@switchboard/security';
import { TEST_SERVICE_TOKEN_SECRETS } from '@switchboard/testing';
import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const shipped = {
  eventType: 'order.shipped',
  templateKey: 'order-shipped',
  channel: 'email',
  createdAt: '2026-03-01T12:00:00.000Z',
};

describe('gateway triggers API (proxy to the ingest service)', () => {
  let gateway: TestGateway;
  let ingest: StubService;

  beforeAll(async () => {
    ingest = await startStubService();
    gateway = await createTestGateway({ ingestUrl: ingest.url });
  });

  afterAll(async () => {
    await gateway?.close();
    await ingest?.close();
  });

  beforeEach(() => {
    ingest.requests.length = 0;
    ingest.authorizations.length = 0;
  });

  it('calls ingest with a service credential of the gateway for ingest, reused from call to call', async () => {
    ingest.answer = () => ({ status: 200, body: { triggers: [] } });

    await gateway.call('GET', '/v1/triggers');
    await gateway.call('GET', '/v1/triggers');

    const [first, second] = ingest.authorizations;
    expect(second).toBe(first);
    const verification = verifyServiceToken(
      first?.replace(/^Bearer /, '') ?? '',
      [TEST_SERVICE_TOKEN_SECRETS],
      {
        audience: 'ingest',
      },
    );
    expect(verification).toMatchObject({ valid: true, token: { issuer: 'gateway', audience: 'ingest' } });
  });

  it('answers 502 when ingest refuses the gateway’s credential (the secrets differ), not 401 to the caller', async () => {
    ingest.answer = () => ({
      status: 401,
      body: { status: 401, code: 'SERVICE_CREDENTIAL_REJECTED', reason: 'unknown-key' },
    });

    const answer = await gateway.call('GET', '/v1/triggers');

    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({
      code: 'UPSTREAM_FAILED',
      detail: 'the ingest service refused the gateway’s service credential',
    });
  });

  it('forwards a valid create to the tenant’s internal route and passes the 201 answer through', async () => {
    ingest.answer = () => ({ status: 201, body: shipped });

    const answer = await gateway.call('POST', '/v1/triggers', {
      body: { eventType: 'order.shipped', templateKey: 'order-shipped' },
    });

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual(shipped);
    expect(ingest.requests).toEqual([
      {
        method: 'POST',
        path: '/internal/tenants/acme/triggers',
        body: { eventType: 'order.shipped', templateKey: 'order-shipped', channel: 'email' },
      },
    ]);
  });

  it('answers 400 naming the bad fields without calling ingest', async () => {
    const answer = await gateway.call('POST', '/v1/triggers', {
      body: { eventType: '', templateKey: 'Order Shipped', channel: 'sms' },
    });

    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    const fields = answer.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['eventType', 'templateKey', 'channel']));
    expect(ingest.requests).toEqual([]);
  });

  it('passes 409 TRIGGER_EXISTS through with its code', async () => {
    ingest.answer = () => ({
      status: 409,
      body: {
        type: 'https://switchboard.dev/problems/trigger-exists',
        title: 'Conflict',
        status: 409,
        code: 'TRIGGER_EXISTS',
        detail: 'the tenant already has a trigger for event type "order.shipped"',
        instance: '/internal/tenants/acme/triggers',
      },
    });

    const answer = await gateway.call('POST', '/v1/triggers', {
      body: { eventType: 'order.shipped', templateKey: 'order-shipped' },
    });

    expect(answer.status).toBe(409);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      status: 409,
      code: 'TRIGGER_EXISTS',
      detail: 'the tenant already has a trigger for event type "order.shipped"',
      instance: '/v1/triggers',
    });
  });

  it('lists the triggers of the caller’s tenant only', async () => {
    const otherKey = await gateway.createApiKey('globex');
    ingest.answer = () => ({ status: 200, body: { triggers: [shipped] } });

    const answer = await gateway.call('GET', '/v1/triggers', { apiKey: otherKey });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ triggers: [shipped] });
    expect(ingest.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /internal/tenants/globex/triggers',
    ]);
  });

  it('answers 502 when ingest answers something that breaks the contract', async () => {
    ingest.answer = () => ({ status: 200, body: { triggers: [{ eventType: 'order.shipped' }] } });

    const answer = await gateway.call('GET', '/v1/triggers');

    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ code: 'UPSTREAM_FAILED' });
  });

  it('answers 401 without calling ingest when the key is wrong', async () => {
    const answer = await gateway.call('POST', '/v1/triggers', {
      apiKey: 'sk_test_wrong',
      body: { eventType: 'order.shipped', templateKey: 'order-shipped' },
    });

    expect(answer.status).toBe(401);
    expect(ingest.requests).toEqual([]);
  });

  it('documents both routes in the OpenAPI document', async () => {
    const response = await fetch(`${gateway.url}/docs-json`);
    const document = (await response.json()) as { paths: Record<string, Record<string, unknown>> };

    expect(Object.keys(document.paths['/v1/triggers'])).toEqual(expect.arrayContaining(['get', 'post']));
  });

  it('answers 503 when ingest is unreachable', async () => {
    await ingest.close();

    const answer = await gateway.call('GET', '/v1/triggers');

    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
