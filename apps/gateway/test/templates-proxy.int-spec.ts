import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const createdAt = '2026-03-01T12:00:00.000Z';
const welcome = {
  key: 'welcome',
  name: 'Welcome',
  channel: 'email',
  currentVersion: 1,
  createdAt,
  versions: [{ version: 1, subject: 'Hi {{name}}', mjml: '<mjml><mj-body></mj-body></mjml>', createdAt }],
};

describe('gateway templates API (proxy to the template service)', () => {
  let gateway: TestGateway;
  let templateService: StubService;

  beforeAll(async () => {
    templateService = await startStubService();
    gateway = await createTestGateway({ templateUrl: templateService.url });
  });

  afterAll(async () => {
    await gateway?.close();
    await templateService?.close();
  });

  beforeEach(() => {
    templateService.requests.length = 0;
  });

  it('forwards a valid create to the tenant’s internal route and passes the 201 answer through', async () => {
    templateService.answer = () => ({ status: 201, body: welcome });

    const answer = await gateway.call('POST', '/v1/templates', {
      body: {
        key: 'welcome',
        name: 'Welcome',
        subject: 'Hi {{name}}',
        mjml: '<mjml><mj-body></mj-body></mjml>',
      },
    });

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual(welcome);
    expect(templateService.requests).toEqual([
      {
        method: 'POST',
        path: '/internal/tenants/acme/templates',
        body: {
          key: 'welcome',
          name: 'Welcome',
          subject: 'Hi {{name}}',
          mjml: '<mjml><mj-body></mj-body></mjml>',
          channel: 'email',
        },
      },
    ]);
  });

  it('answers 400 naming the bad fields without calling the template service', async () => {
    const answer = await gateway.call('POST', '/v1/templates', {
      body: { key: 'Bad Key!', name: 'x', extra: 1 },
    });

    expect(answer.status).toBe(400);
    const fields = answer.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['key', 'subject', 'mjml']));
    expect(templateService.requests).toEqual([]);
  });

  it('passes the template service’s problems through with their status', async () => {
    for (const status of [404, 409, 422]) {
      templateService.answer = () => ({
        status,
        body: {
          type: 'https://switchboard.dev/problems/x',
          title: 'Problem',
          status,
          detail: `upstream ${status}`,
        },
      });

      const answer = await gateway.call('POST', '/v1/templates/welcome/versions', {
        body: { subject: 'Hello {{name}}', mjml: '<mjml><mj-body></mj-body></mjml>' },
      });

      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({
        status,
        detail: `upstream ${status}`,
        instance: '/v1/templates/welcome/versions',
      });
    }
    expect(templateService.requests.map((request) => request.path)).toEqual(
      Array(3).fill('/internal/tenants/acme/templates/welcome/versions'),
    );
  });

  it('lists and reads templates of the caller’s tenant only', async () => {
    const otherKey = await gateway.createApiKey('globex');
    templateService.answer = (request) =>
      request.path.endsWith('/templates')
        ? { status: 200, body: { templates: [welcome] } }
        : { status: 200, body: welcome };

    const list = await gateway.call('GET', '/v1/templates', { apiKey: otherKey });
    const one = await gateway.call('GET', '/v1/templates/welcome', { apiKey: otherKey });

    expect(list.status).toBe(200);
    expect(list.body).toEqual({ templates: [welcome] });
    expect(one.body).toEqual(welcome);
    expect(templateService.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'GET /internal/tenants/globex/templates',
      'GET /internal/tenants/globex/templates/welcome',
    ]);
  });

  it('answers 502 when the template service answers something that breaks the contract', async () => {
    templateService.answer = () => ({ status: 200, body: { key: 'welcome' } });

    const answer = await gateway.call('GET', '/v1/templates/welcome');

    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers 401 without calling the template service when the key is wrong', async () => {
    const answer = await gateway.call('GET', '/v1/templates', { apiKey: 'sk_test_wrong' });

    expect(answer.status).toBe(401);
    expect(templateService.requests).toEqual([]);
  });

  it('answers 503 when the template service is unreachable', async () => {
    await templateService.close();

    const answer = await gateway.call('GET', '/v1/templates');

    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });
});
