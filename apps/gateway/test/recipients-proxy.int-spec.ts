import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const view = {
  recipientId: 'ada',
  email: 'ada@example.com',
  phone: null,
  timeZone: 'Europe/London',
  locale: null,
  attributes: {},
  pushSubscriptions: [{ endpoint: 'https://push.example.com/send/1', createdAt: '2030-01-01T00:00:00.000Z' }],
  updatedAt: '2030-01-01T00:00:00.000Z',
};
const subscription = {
  endpoint: 'https://push.example.com/send/1',
  keys: {
    p256dh: 'BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM',
    auth: 'tBHItJI5svbpez7KI4CCXg',
  },
};

describe('gateway recipients API (proxy to the router)', () => {
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

  it('forwards an upsert and a read to the tenant’s internal routes', async () => {
    router.answer = (request) => ({ status: request.method === 'PUT' ? 201 : 200, body: view });

    const upserted = await gateway.call('PUT', '/v1/recipients/ada', {
      body: { email: 'ada@example.com', phone: null, timeZone: 'Europe/London' },
    });
    const read = await gateway.call('GET', '/v1/recipients/ada');

    expect(upserted).toMatchObject({ status: 201, body: view });
    expect(read).toMatchObject({ status: 200, body: view });
    expect(router.requests).toEqual([
      {
        method: 'PUT',
        path: '/internal/tenants/acme/recipients/ada',
        body: { email: 'ada@example.com', phone: null, timeZone: 'Europe/London' },
      },
      { method: 'GET', path: '/internal/tenants/acme/recipients/ada', body: undefined },
    ]);
  });

  it('forwards for the tenant of the key used, and passes a 404 through', async () => {
    const otherKey = await gateway.createApiKey('globex');
    router.answer = () => ({
      status: 404,
      body: {
        type: 'https://switchboard.dev/problems/recipient-not-found',
        title: 'Not Found',
        status: 404,
        code: 'RECIPIENT_NOT_FOUND',
      },
    });

    const read = await gateway.call('GET', '/v1/recipients/ada', { apiKey: otherKey });

    expect(read.status).toBe(404);
    expect(read.body).toMatchObject({ code: 'RECIPIENT_NOT_FOUND', instance: '/v1/recipients/ada' });
    expect(router.requests.map((recorded) => recorded.path)).toEqual([
      '/internal/tenants/globex/recipients/ada',
    ]);
  });

  it('forwards a push subscription and passes the router’s 422 naming endpoint through', async () => {
    router.answer = () => ({
      status: 422,
      body: {
        type: 'https://switchboard.dev/problems/push-subscription-refused',
        title: 'Unprocessable Content',
        status: 422,
        code: 'PUSH_SUBSCRIPTION_REFUSED',
        errors: [{ field: 'endpoint', problem: 'points to the non-public address 10.0.0.1' }],
      },
    });

    const refused = await gateway.call('POST', '/v1/recipients/ada/push-subscriptions', {
      body: subscription,
    });

    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { field: 'endpoint', problem: 'points to the non-public address 10.0.0.1' },
    ]);
    expect(router.requests).toEqual([
      {
        method: 'POST',
        path: '/internal/tenants/acme/recipients/ada/push-subscriptions',
        body: subscription,
      },
    ]);
  });

  it('deletes a recipient and a subscription named in the body or the query, answering 204', async () => {
    router.answer = () => ({ status: 204 });
    const endpoint = 'https://push.example.com/send/1?device=a&b';

    const recipient = await gateway.call('DELETE', '/v1/recipients/ada');
    const byBody = await gateway.call('DELETE', '/v1/recipients/ada/push-subscriptions', {
      body: { endpoint },
    });
    const byQuery = await gateway.call(
      'DELETE',
      `/v1/recipients/ada/push-subscriptions?${new URLSearchParams({ endpoint })}`,
    );

    expect([recipient.status, byBody.status, byQuery.status]).toEqual([204, 204, 204]);
    const removal = `DELETE /internal/tenants/acme/recipients/ada/push-subscriptions?${new URLSearchParams({ endpoint })}`;
    expect(router.requests.map((recorded) => `${recorded.method} ${recorded.path}`)).toEqual([
      'DELETE /internal/tenants/acme/recipients/ada',
      removal,
      removal,
    ]);
  });

  it('answers 400 naming the bad fields without calling the router', async () => {
    const badBody = await gateway.call('PUT', '/v1/recipients/ada', {
      // (A national number would have the gateway ask the router for the tenant's phone region.)
      body: { email: 'not an email', phone: 'not a number', colour: 'red' },
    });
    const badId = await gateway.call('GET', '/v1/recipients/a%20b');
    const badSubscription = await gateway.call('POST', '/v1/recipients/ada/push-subscriptions', {
      body: { endpoint: 'not a url' },
    });
    const noEndpoint = await gateway.call('DELETE', '/v1/recipients/ada/push-subscriptions');

    expect([badBody.status, badId.status, badSubscription.status, noEndpoint.status]).toEqual([
      400, 400, 400, 400,
    ]);
    const fields = (answer: typeof badBody) =>
      answer.body.errors.map((error: { field: string }) => error.field);
    expect(fields(badBody)).toEqual(expect.arrayContaining(['email', 'phone']));
    expect(fields(badId)).toEqual(['recipientId']);
    expect(fields(badSubscription)).toEqual(expect.arrayContaining(['endpoint', 'keys']));
    expect(fields(noEndpoint)).toEqual(['endpoint']);
    expect(router.requests).toEqual([]);
  });

  it('answers 401 without calling the router when the key is wrong', async () => {
    const answer = await gateway.call('GET', '/v1/recipients/ada', { apiKey: null });

    expect(answer.status).toBe(401);
    expect(router.requests).toEqual([]);
  });
});
