import { randomUUID } from 'node:crypto';
import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const scheduleId = '3f1c2b8e-6a4d-4e2f-9b7a-1c5d8e2f4a6b';
const message = { recipient: { email: 'ada@example.com' }, content: { templateKey: 'digest' } };
const request = { cron: '0 9 * * 1-5', timeZone: 'Europe/Berlin', message };
const schedule = {
  id: scheduleId,
  name: null,
  cron: '0 9 * * 1-5',
  timeZone: 'Europe/Berlin',
  message: { ...message, content: { templateKey: 'digest', data: {} } },
  toleranceSeconds: 3600,
  startAt: null,
  endAt: null,
  status: 'active',
  nextRuns: ['2030-01-07T08:00:00.000Z'],
  lastRunAt: null,
  skippedRuns: 0,
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
};
const notFound = {
  type: 'https://switchboard.dev/problems/schedule-not-found',
  title: 'Not Found',
  status: 404,
  code: 'SCHEDULE_NOT_FOUND',
  detail: `no schedule ${scheduleId}`,
};

describe('gateway schedules and message cancellation (proxy to the router)', () => {
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

  it("creates a schedule through the tenant's internal route, with the tolerance's default filled in", async () => {
    router.answer = () => ({ status: 201, body: schedule });

    const answer = await gateway.call('POST', '/v1/schedules', { body: request });

    expect(answer.status).toBe(201);
    expect(answer.body).toEqual(schedule);
    expect(router.requests).toEqual([
      {
        method: 'POST',
        path: '/internal/tenants/acme/schedules',
        body: { ...request, message: schedule.message, toleranceSeconds: 3600 },
      },
    ]);
  });

  it('answers 400 naming the bad fields without calling the router', async () => {
    const answer = await gateway.call('POST', '/v1/schedules', {
      body: { cron: '0 9 * *', timeZone: '+02:00', message: { ...message, sendAt: '2030-01-01T00:00:00Z' } },
    });

    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    const fields = answer.body.errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['cron', 'timeZone', 'message.sendAt']));
    expect(router.requests).toEqual([]);
  });

  it('lists, reads, pauses and deletes, each on the internal route of the key’s tenant', async () => {
    const otherKey = await gateway.createApiKey('globex');
    router.answer = (recorded) => {
      if (recorded.method === 'DELETE') return { status: 204 };
      if (recorded.method === 'PATCH')
        return { status: 200, body: { ...schedule, status: 'paused', nextRuns: [] } };
      if (recorded.path.endsWith('/schedules')) return { status: 200, body: { schedules: [schedule] } };
      return { status: 200, body: schedule };
    };

    const list = await gateway.call('GET', '/v1/schedules', { apiKey: otherKey });
    const one = await gateway.call('GET', `/v1/schedules/${scheduleId}`, { apiKey: otherKey });
    const paused = await gateway.call('PATCH', `/v1/schedules/${scheduleId}`, {
      apiKey: otherKey,
      body: { status: 'paused' },
    });
    const deleted = await gateway.call('DELETE', `/v1/schedules/${scheduleId}`, { apiKey: otherKey });

    expect(list).toMatchObject({ status: 200, body: { schedules: [schedule] } });
    expect(one).toMatchObject({ status: 200, body: schedule });
    expect(paused).toMatchObject({ status: 200, body: { status: 'paused', nextRuns: [] } });
    expect(deleted.status).toBe(204);
    expect(router.requests).toEqual([
      { method: 'GET', path: '/internal/tenants/globex/schedules', body: undefined },
      { method: 'GET', path: `/internal/tenants/globex/schedules/${scheduleId}`, body: undefined },
      {
        method: 'PATCH',
        path: `/internal/tenants/globex/schedules/${scheduleId}`,
        body: { status: 'paused' },
      },
      { method: 'DELETE', path: `/internal/tenants/globex/schedules/${scheduleId}`, body: undefined },
    ]);
  });

  it("passes the router's 404 through, and refuses a schedule id that is not a UUID", async () => {
    router.answer = () => ({ status: 404, body: notFound });

    const missing = await gateway.call('GET', `/v1/schedules/${scheduleId}`);
    const malformed = await gateway.call('PATCH', '/v1/schedules/not-an-id', { body: { status: 'paused' } });

    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      code: 'SCHEDULE_NOT_FOUND',
      instance: `/v1/schedules/${scheduleId}`,
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((error: { field: string }) => error.field)).toContain('scheduleId');
    expect(router.requests).toHaveLength(1);
  });

  it('answers 502 when the router answers a schedule that breaks the contract', async () => {
    router.answer = () => ({ status: 200, body: { id: scheduleId } });

    const answer = await gateway.call('GET', `/v1/schedules/${scheduleId}`);

    expect(answer).toMatchObject({ status: 502, body: { code: 'UPSTREAM_FAILED' } });
  });

  it('cancels a message through the router: 200 cancelled, 202 cancelling, 409 already sent', async () => {
    const messageId = randomUUID();
    const answers = [
      { status: 200, body: { messageId, status: 'cancelled' } },
      { status: 202, body: { messageId, status: 'cancelling' } },
      {
        status: 409,
        body: {
          type: 'https://switchboard.dev/problems/message-already-sent',
          title: 'Conflict',
          status: 409,
          code: 'MESSAGE_ALREADY_SENT',
          detail: 'too late',
        },
      },
    ];
    router.answer = () => answers[router.requests.length - 1];

    const cancelled = await gateway.call('DELETE', `/v1/messages/${messageId}`);
    const cancelling = await gateway.call('DELETE', `/v1/messages/${messageId}`);
    const tooLate = await gateway.call('DELETE', `/v1/messages/${messageId}`);

    expect(cancelled).toMatchObject({ status: 200, body: { messageId, status: 'cancelled' } });
    expect(cancelling).toMatchObject({ status: 202, body: { messageId, status: 'cancelling' } });
    expect(tooLate.status).toBe(409);
    expect(tooLate.headers.get('content-type')).toContain('application/problem+json');
    expect(tooLate.body).toMatchObject({
      code: 'MESSAGE_ALREADY_SENT',
      instance: `/v1/messages/${messageId}`,
    });
    expect(router.requests).toEqual(
      Array(3).fill({
        method: 'POST',
        path: `/internal/tenants/acme/messages/${messageId}/cancel`,
        body: undefined,
      }),
    );
  });

  it('refuses to cancel without a key or with a message id that is not a UUID, without calling the router', async () => {
    const unauthorised = await gateway.call('DELETE', `/v1/messages/${randomUUID()}`, { apiKey: null });
    const malformed = await gateway.call('DELETE', '/v1/messages/42');
    const noKeyForSchedules = await gateway.call('GET', '/v1/schedules', { apiKey: null });

    expect(unauthorised.status).toBe(401);
    expect(noKeyForSchedules.status).toBe(401);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((error: { field: string }) => error.field)).toContain('messageId');
    expect(router.requests).toEqual([]);
  });
});
