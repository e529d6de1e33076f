import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const digest = {
  key: 'weekly-digest',
  category: 'marketing',
  defaultChannels: ['email', 'inapp'],
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
const settings = {
  defaultMessageType: 'weekly-digest',
  timeZone: 'Europe/Berlin',
  quietHours: { start: '22:00', end: '07:00' },
  frequencyLimits: [{ category: 'marketing', limit: 2, windowSeconds: 86_400 }],
  phoneRegion: 'DE',
};

describe('gateway message types and sending settings API (proxy to the router)', () => {
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

  it('forwards a create, with the defaults filled in, and passes the 201 through', async () => {
    router.answer = () => ({ status: 201, body: digest });

    const created = await gateway.call('POST', '/v1/message-types', {
      body: {
        key: 'weekly-digest',
        category: 'marketing',
        defaultChannels: ['email', 'inapp'],
        defaultPriority: 'bulk',
        overLimit: 'drop',
      },
    });

    expect(created).toMatchObject({ status: 201, body: digest });
    expect(router.requests).toEqual([
      {
        method: 'POST',
        path: '/internal/tenants/acme/message-types',
        body: {
          key: 'weekly-digest',
          category: 'marketing',
          defaultChannels: ['email', 'inapp'],
          channelPolicy: 'fallback',
          defaultPriority: 'bulk',
          optOutAllowed: true,
          quietHours: 'respect',
          frequencyLimits: 'apply',
          overLimit: 'drop',
          dedupWindowSeconds: 0,
        },
      },
    ]);
  });

  it('forwards list, read and replace to the tenant’s internal routes', async () => {
    router.answer = (request) =>
      request.path.endsWith('/message-types')
        ? { status: 200, body: { messageTypes: [digest] } }
        : { status: 200, body: digest };

    const list = await gateway.call('GET', '/v1/message-types');
    const read = await gateway.call('GET', '/v1/message-types/weekly-digest');
    const replaced = await gateway.call('PUT', '/v1/message-types/weekly-digest', {
      body: { category: 'marketing' },
    });

    expect(list).toMatchObject({ status: 200, body: { messageTypes: [digest] } });
    expect(read).toMatchObject({ status: 200, body: digest });
    expect(replaced).toMatchObject({ status: 200, body: digest });
    expect(router.requests.map((recorded) => `${recorded.method} ${recorded.path}`)).toEqual([
      'GET /internal/tenants/acme/message-types',
      'GET /internal/tenants/acme/message-types/weekly-digest',
      // The type as it was, for the audit log.
      'GET /internal/tenants/acme/message-types/weekly-digest',
      'PUT /internal/tenants/acme/message-types/weekly-digest',
    ]);
  });

  it('passes 409 MESSAGE_TYPE_EXISTS and 404 MESSAGE_TYPE_NOT_FOUND through with their codes', async () => {
    const otherKey = await gateway.createApiKey('globex');
    router.answer = (request) =>
      request.method === 'POST'
        ? {
            status: 409,
            body: {
              type: 'https://switchboard.dev/problems/message-type-exists',
              title: 'Conflict',
              status: 409,
              code: 'MESSAGE_TYPE_EXISTS',
            },
          }
        : {
            status: 404,
            body: {
              type: 'https://switchboard.dev/problems/message-type-not-found',
              title: 'Not Found',
              status: 404,
              code: 'MESSAGE_TYPE_NOT_FOUND',
            },
          };

    const exists = await gateway.call('POST', '/v1/message-types', {
      body: { key: 'weekly-digest', category: 'marketing' },
    });
    const missing = await gateway.call('GET', '/v1/message-types/receipt', { apiKey: otherKey });

    expect(exists.status).toBe(409);
    expect(exists.headers.get('content-type')).toContain('application/problem+json');
    expect(exists.body).toMatchObject({ code: 'MESSAGE_TYPE_EXISTS', instance: '/v1/message-types' });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      code: 'MESSAGE_TYPE_NOT_FOUND',
      instance: '/v1/message-types/receipt',
    });
    expect(router.requests.map((recorded) => recorded.path)).toEqual([
      '/internal/tenants/acme/message-types',
      '/internal/tenants/globex/message-types/receipt',
    ]);
  });

  it('answers 502 when the router answers a view that breaks the contract', async () => {
    router.answer = () => ({ status: 200, body: { ...digest, channelPolicy: 'sometimes' } });

    const read = await gateway.call('GET', '/v1/message-types/weekly-digest');

    expect(read.status).toBe(502);
  });

  it('forwards sending settings reads and writes, and passes the router’s 422 naming the field through', async () => {
    router.answer = (request) =>
      request.method === 'GET'
        ? { status: 200, body: { ...settings, updatedAt: '2030-01-01T00:00:00.000Z' } }
        : {
            status: 422,
            body: {
              type: 'https://switchboard.dev/problems/sending-settings-refused',
              title: 'Unprocessable Content',
              status: 422,
              code: 'SENDING_SETTINGS_REFUSED',
              errors: [
                { field: 'defaultMessageType', problem: 'the tenant has no message type "weekly-digest"' },
              ],
            },
          };

    const read = await gateway.call('GET', '/v1/sending-settings');
    const refused = await gateway.call('PUT', '/v1/sending-settings', { body: settings });

    expect(read).toMatchObject({ status: 200, body: { ...settings, updatedAt: '2030-01-01T00:00:00.000Z' } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'SENDING_SETTINGS_REFUSED',
      errors: [{ field: 'defaultMessageType', problem: 'the tenant has no message type "weekly-digest"' }],
    });
    expect(router.requests).toEqual([
      { method: 'GET', path: '/internal/tenants/acme/sending-settings', body: undefined },
      // The settings as they were, for the audit log.
      { method: 'GET', path: '/internal/tenants/acme/sending-settings', body: undefined },
      { method: 'PUT', path: '/internal/tenants/acme/sending-settings', body: settings },
    ]);
  });

  it('answers 400 naming the bad fields without calling the router', async () => {
    const badType = await gateway.call('POST', '/v1/message-types', {
      body: { key: 'Weekly Digest', category: 'Marketing!', quietHours: 'never', colour: 'red' },
    });
    const badKey = await gateway.call('GET', '/v1/message-types/Not%20A%20Key');
    const badSettings = await gateway.call('PUT', '/v1/sending-settings', {
      body: {
        timeZone: 'Mars/Olympus_Mons',
        quietHours: { start: '22:00', end: '22:00' },
        frequencyLimits: [{ limit: 0, windowSeconds: 10 }],
      },
    });

    expect([badType.status, badKey.status, badSettings.status]).toEqual([400, 400, 400]);
    const fields = (answer: typeof badType) =>
      answer.body.errors.map((error: { field: string }) => error.field);
    expect(fields(badType)).toEqual(expect.arrayContaining(['key', 'category', 'quietHours']));
    expect(fields(badKey)).toEqual(['key']);
    expect(fields(badSettings)).toEqual(
      expect.arrayContaining([
        'timeZone',
        'quietHours.end',
        'frequencyLimits.0.limit',
        'frequencyLimits.0.windowSeconds',
      ]),
    );
    expect(router.requests).toEqual([]);
  });

  it('answers 401 without calling the router when the key is wrong', async () => {
    const types = await gateway.call('GET', '/v1/message-types', { apiKey: null });
    const sendingSettings = await gateway.call('PUT', '/v1/sending-settings', {
      apiKey: null,
      body: settings,
    });

    expect([types.status, sendingSettings.status]).toEqual([401, 401]);
    expect(router.requests).toEqual([]);
  });
});
