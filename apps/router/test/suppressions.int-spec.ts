import { randomUUID } from 'node:crypto';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  type TestBroker,
  type TestDatabase,
  invalidServiceCredentials,
  serviceAuthorization,
  TEST_SERVICE_TOKEN_SECRETS,
  TEST_ENCRYPTION_VARIABLES,
} from '@switchboard/testing';
import { loadRouterConfig } from '../src/config';
import { startRouter } from '../src/router';
import { appliesToCategory, SuppressionStore } from '../src/suppressions/suppression';

describe('router suppressions API', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let router: RunningService;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_suppressions')]);
    router = await startRouter(
      loadRouterConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
      }),
      new StructuredLogger('router', 'warn'),
    );
  });

  afterAll(async () => {
    await router?.close();
    await broker?.stop();
    await database?.drop();
  });

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${router.url}/internal/tenants/${path}`, {
      method,
      headers: {
        ...serviceAuthorization('router'),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on answers field by field
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  }

  it('answers 401 to a call without a valid service credential for the router, and keeps health public', async () => {
    for (const { description, headers, reason } of invalidServiceCredentials('router')) {
      const response = await fetch(`${router.url}/internal/tenants/acme/suppressions`, { headers });
      const body = (await response.json()) as { code: string; reason?: string };

      expect({ description, status: response.status, code: body.code, reason: body.reason }).toEqual({
        description,
        status: 401,
        code: reason ? 'SERVICE_CREDENTIAL_REJECTED' : 'SERVICE_CREDENTIAL_REQUIRED',
        reason,
      });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="switchboard-internal"/);
    }
    expect((await call('GET', 'acme/suppressions')).status).toBe(200);
    expect((await fetch(`${router.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${router.url}/health/ready`)).status).toBe(200);
  });

  const newNumber = () => `+4477009${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;
  const newTenant = () => `tenant-${randomUUID().slice(0, 8)}`;

  it('keeps one suppression per category beside the one of every category, and finds both for routing', async () => {
    const tenant = newTenant();
    const address = `ada-${randomUUID()}@example.com`;

    const everything = await call('POST', `${tenant}/suppressions`, {
      channel: 'email',
      address,
      reason: 'asked to stop',
    });
    const marketing = await call('POST', `${tenant}/suppressions`, {
      channel: 'email',
      address: address.toUpperCase(),
      reason: 'no offers',
      category: 'marketing',
    });
    const marketingAgain = await call('POST', `${tenant}/suppressions`, {
      channel: 'email',
      address,
      reason: 'no offers, again',
      category: 'marketing',
    });

    expect(everything).toMatchObject({ status: 201, body: { category: null, source: 'api' } });
    expect(marketing).toMatchObject({ status: 201, body: { category: 'marketing', source: 'api' } });
    expect(marketingAgain).toMatchObject({ status: 200, body: { reason: 'no offers' } });

    const found = await router.app
      .get(SuppressionStore)
      .findFor([{ tenantId: tenant, channel: 'email', address: address.toLowerCase() }]);
    expect(found.map(({ category, reason }) => ({ category, reason }))).toEqual(
      expect.arrayContaining([
        { category: undefined, reason: 'asked to stop' },
        { category: 'marketing', reason: 'no offers' },
      ]),
    );
    expect(found).toHaveLength(2);
    expect(found.filter((suppression) => appliesToCategory(suppression, 'transactional'))).toHaveLength(1);
  });

  it('records the source the platform states, and refuses one it does not know, naming the field', async () => {
    const tenant = newTenant();

    const stop = await call('POST', `${tenant}/suppressions`, {
      channel: 'sms',
      address: newNumber(),
      reason: 'replied STOP',
      source: 'sms-reply',
    });
    const unknown = await call('POST', `${tenant}/suppressions`, {
      channel: 'sms',
      address: newNumber(),
      reason: 'x',
      source: 'rumour',
      category: 'Not A Category',
    });

    expect(stop).toMatchObject({ status: 201, body: { source: 'sms-reply' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((error: { field: string }) => error.field)).toEqual(
      expect.arrayContaining(['source', 'category']),
    );
  });

  it('lists only the tenant’s own suppressions, newest first, a page at a time', async () => {
    const tenant = newTenant();
    const numbers = [newNumber(), newNumber(), newNumber(), newNumber(), newNumber()];
    for (const number of numbers) {
      await call('POST', `${tenant}/suppressions`, { channel: 'sms', address: number, reason: 'asked' });
    }
    await call('POST', `${tenant}/suppressions`, { channel: 'email', address: 'b@example.com', reason: 'x' });
    await call('POST', `${newTenant()}/suppressions`, {
      channel: 'sms',
      address: numbers[0],
      reason: 'other',
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = `channel=sms&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call('GET', `${tenant}/suppressions?${query}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item: { address: string }) => item.address));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);

    expect(seen).toEqual([...numbers].reverse());
    expect(pages).toBe(3);

    const one = await call('GET', `${tenant}/suppressions?address=${encodeURIComponent(numbers[2])}`);
    expect(one.body.items).toEqual([
      {
        channel: 'sms',
        address: numbers[2],
        reason: 'asked',
        category: null,
        source: 'api',
        createdAt: expect.any(String),
      },
    ]);
  });

  it('refuses a limit over 200 and a cursor it did not hand out, naming the field', async () => {
    const tenant = newTenant();

    const tooMany = await call('GET', `${tenant}/suppressions?limit=201`);
    const forged = await call('GET', `${tenant}/suppressions?cursor=forged`);

    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'limit' })]);
    expect(forged.status).toBe(400);
    expect(forged.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('deletes the suppression of one category or of every category, 404 when there is none', async () => {
    const tenant = newTenant();
    const number = newNumber();
    await call('POST', `${tenant}/suppressions`, { channel: 'sms', address: number, reason: 'bounced' });
    await call('POST', `${tenant}/suppressions`, {
      channel: 'sms',
      address: number,
      reason: 'no offers',
      category: 'marketing',
    });
    const path = `${tenant}/suppressions/sms/${encodeURIComponent(number)}`;

    expect((await call('DELETE', `${path}?category=marketing`)).status).toBe(204);
    expect((await call('DELETE', `${path}?category=marketing`)).status).toBe(404);
    const remaining = await call('GET', `${tenant}/suppressions`);
    expect(remaining.body.items.map((item: { category: string | null }) => item.category)).toEqual([null]);

    expect((await call('DELETE', path)).status).toBe(204);
    expect((await call('GET', `${tenant}/suppressions`)).body.items).toEqual([]);
    expect(
      (await call('DELETE', `${newTenant()}/suppressions/sms/${encodeURIComponent(number)}`)).status,
    ).toBe(404);
  });

  it('deletes only a suppression of the source named: a START leaves a bounce in place', async () => {
    const tenant = newTenant();
    const bounced = newNumber();
    const stopped = newNumber();
    await call('POST', `${tenant}/suppressions`, {
      channel: 'sms',
      address: bounced,
      reason: 'bounce',
      source: 'bounce',
    });
    await call('POST', `${tenant}/suppressions`, {
      channel: 'sms',
      address: stopped,
      reason: 'replied STOP',
      source: 'sms-reply',
    });

    const keepBounce = await call(
      'DELETE',
      `${tenant}/suppressions/sms/${encodeURIComponent(bounced)}?source=sms-reply`,
    );
    const liftStop = await call(
      'DELETE',
      `${tenant}/suppressions/sms/${encodeURIComponent(stopped)}?source=sms-reply`,
    );

    expect(keepBounce.status).toBe(404);
    expect(liftStop.status).toBe(204);
    const left = await call('GET', `${tenant}/suppressions`);
    expect(left.body.items.map((item: { address: string }) => item.address)).toEqual([bounced]);
  });
});
