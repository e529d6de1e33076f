import { randomUUID } from 'node:crypto';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  type TestBroker,
  type TestDatabase,
  TEST_SERVICE_TOKEN_SECRETS,
  TEST_ENCRYPTION_VARIABLES,
  serviceAuthorization,
} from '@switchboard/testing';
import { Client } from 'pg';
import { loadRouterConfig } from '../src/config';
import { startRouter } from '../src/router';

describe('router recipient profiles', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let router: RunningService;
  let sql: Client;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_profiles')]);
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
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
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

  const newId = () => `ada-${randomUUID()}`;

  it('PUT replaces the whole profile, attributes included', async () => {
    const recipientId = newId();
    await call('PUT', `acme/recipients/${recipientId}`, {
      email: 'ada@example.com',
      timeZone: 'Europe/London',
      locale: 'en-GB',
      attributes: { plan: 'pro', country: 'GB' },
    });

    const replaced = await call('PUT', `acme/recipients/${recipientId}`, {
      phone: '+14155550123',
      attributes: { plan: 'free' },
    });

    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      email: null,
      phone: '+14155550123',
      timeZone: null,
      locale: null,
      attributes: { plan: 'free' },
    });
    expect((await call('GET', `acme/recipients/${recipientId}`)).body).toEqual(replaced.body);
  });

  it('PATCH changes the given fields and merges attributes, null deleting a key', async () => {
    const recipientId = newId();
    await call('PUT', `acme/recipients/${recipientId}`, {
      email: 'ada@example.com',
      timeZone: 'Europe/London',
      attributes: { plan: 'pro', country: 'GB', lastPurchase: { sku: 'A-1', at: '2026-11-30' } },
    });

    const patched = await call('PATCH', `acme/recipients/${recipientId}`, {
      locale: 'de-CH',
      attributes: { plan: 'enterprise', country: null, seats: 40 },
    });

    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      email: 'ada@example.com',
      timeZone: 'Europe/London',
      locale: 'de-CH',
      attributes: { plan: 'enterprise', lastPurchase: { sku: 'A-1', at: '2026-11-30' }, seats: 40 },
    });
    expect((await call('GET', `acme/recipients/${recipientId}`)).body.attributes).toEqual({
      plan: 'enterprise',
      lastPurchase: { sku: 'A-1', at: '2026-11-30' },
      seats: 40,
    });
  });

  it('concurrent PATCHes of different attributes all keep their key (none is lost)', async () => {
    const recipientId = newId();
    await call('PUT', `acme/recipients/${recipientId}`, { attributes: { plan: 'pro' } });

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        call('PATCH', `acme/recipients/${recipientId}`, { attributes: { [`seen${index}`]: index } }),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    const { attributes } = (await call('GET', `acme/recipients/${recipientId}`)).body;
    expect(attributes).toEqual({
      plan: 'pro',
      ...Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`seen${index}`, index])),
    });
  });

  it('PATCH of a recipient the tenant does not have answers 404 and creates nothing', async () => {
    const recipientId = newId();

    const patched = await call('PATCH', `acme/recipients/${recipientId}`, { locale: 'en' });

    expect(patched.status).toBe(404);
    expect(patched.body).toMatchObject({ code: 'RECIPIENT_NOT_FOUND' });
    expect((await call('GET', `acme/recipients/${recipientId}`)).status).toBe(404);
  });

  it('refuses attributes over 8 KiB naming attributes, on PUT and once a PATCH is merged', async () => {
    const recipientId = newId();
    await call('PUT', `acme/recipients/${recipientId}`, { attributes: { notes: 'x'.repeat(5000) } });

    const tooLarge = await call('PUT', `acme/recipients/${recipientId}`, {
      attributes: { notes: 'x'.repeat(9000) },
    });
    const mergedTooLarge = await call('PATCH', `acme/recipients/${recipientId}`, {
      attributes: { more: 'y'.repeat(4000) },
    });

    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.errors).toEqual([
      { field: 'attributes', problem: 'must take at most 8192 bytes as JSON' },
    ]);
    expect(mergedTooLarge.status).toBe(422);
    expect(mergedTooLarge.body.errors).toEqual([
      {
        field: 'attributes',
        problem: expect.stringMatching(/^would take \d+ bytes as JSON once merged; at most 8192 are kept$/),
      },
    ]);
    expect((await call('GET', `acme/recipients/${recipientId}`)).body.attributes).toEqual({
      notes: 'x'.repeat(5000),
    });
  });

  it.each([
    ['timeZone', 'Mars/Olympus', 'must be an IANA time zone such as Europe/Berlin'],
    ['timeZone', '+02:00', 'must be an IANA time zone such as Europe/Berlin'],
    ['locale', 'english please', 'must be a BCP 47 language tag such as en-GB'],
    ['email', 'none@none.com', 'is a placeholder, not an address anyone receives mail at'],
    ['phone', '+15555550123', 'is not a number in use in the numbering plan of +1'],
  ])('refuses %s %j with 400 naming the field', async (field, value, problem) => {
    const recipientId = newId();

    const put = await call('PUT', `acme/recipients/${recipientId}`, { [field]: value });
    await call('PUT', `acme/recipients/${recipientId}`, {});
    const patch = await call('PATCH', `acme/recipients/${recipientId}`, { [field]: value });

    for (const refused of [put, patch]) {
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([{ field, problem }]);
    }
  });

  it('stores an email domain lower-cased and in ASCII', async () => {
    const recipientId = newId();

    const saved = await call('PUT', `acme/recipients/${recipientId}`, { email: 'Ada@Bücher.Example' });

    expect(saved.body.email).toBe('Ada@xn--bcher-kva.example');
  });

  it('imports a batch: a repeated id and invalid items are rejected on their own, the rest written', async () => {
    const [ada, grace, linus] = [newId(), newId(), newId()];
    await call('PUT', `acme/recipients/${grace}`, { email: 'grace@example.com', locale: 'en' });

    const imported = await call('POST', 'acme/recipients/batch', {
      recipients: [
        { recipientId: ada, email: 'ada@example.com', attributes: { plan: 'pro' } },
        { recipientId: grace, phone: '+14155550123', timeZone: 'America/New_York' },
        { recipientId: ada, email: 'ada.second@example.com' },
        { recipientId: linus, email: 'linus@example.com', locale: 'not a locale' },
        { recipientId: 'has spaces', email: 'x@example.com' },
      ],
    });

    expect(imported.status).toBe(207);
    expect(imported.body).toEqual({
      created: 1,
      updated: 1,
      rejected: 3,
      results: [
        { index: 0, recipientId: ada, status: 'created' },
        { index: 1, recipientId: grace, status: 'updated' },
        {
          index: 2,
          recipientId: ada,
          status: 'rejected',
          problems: [{ field: 'recipientId', problem: 'names the same recipient as item 0 of this batch' }],
        },
        {
          index: 3,
          recipientId: linus,
          status: 'rejected',
          problems: [{ field: 'locale', problem: 'must be a BCP 47 language tag such as en-GB' }],
        },
        {
          index: 4,
          recipientId: null,
          status: 'rejected',
          problems: [{ field: 'recipientId', problem: expect.any(String) }],
        },
      ],
    });
    expect((await call('GET', `acme/recipients/${ada}`)).body).toMatchObject({
      email: 'ada@example.com',
      attributes: { plan: 'pro' },
    });
    expect((await call('GET', `acme/recipients/${grace}`)).body).toMatchObject({
      email: null,
      locale: null,
      phone: '+14155550123',
      timeZone: 'America/New_York',
    });
    expect((await call('GET', `acme/recipients/${linus}`)).status).toBe(404);
  });

  it('imports 1,000 recipients in one statement and answers 200', async () => {
    const prefix = `bulk-${randomUUID().slice(0, 8)}`;
    const recipients = Array.from({ length: 1000 }, (_, index) => ({
      recipientId: `${prefix}-${index}`,
      email: `person${index}@example.com`,
      attributes: { index },
    }));

    const imported = await call('POST', 'acme/recipients/batch', { recipients });

    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ created: 1000, updated: 0, rejected: 0 });
    // One statement is one transaction: every row carries its id (xmin) and its now() (created_at).
    const { rows } = await sql.query(
      `SELECT count(*)::int AS rows, count(DISTINCT xmin::text)::int AS transactions,
              count(DISTINCT created_at)::int AS timestamps
       FROM router.recipients WHERE tenant_id = 'acme' AND recipient_id LIKE $1`,
      [`${prefix}-%`],
    );
    expect(rows).toEqual([{ rows: 1000, transactions: 1, timestamps: 1 }]);
  });
});
