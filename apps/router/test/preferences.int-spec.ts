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
import { loadRouterConfig } from '../src/config';
import { PreferenceStore, preferencesKey } from '../src/preferences/preference';
import { startRouter } from '../src/router';

describe('router preferences API', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let router: RunningService;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_preferences')]);
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

  async function newRecipient(tenantId = 'acme'): Promise<string> {
    const recipientId = `ada-${randomUUID()}`;
    const created = await call('PUT', `${tenantId}/recipients/${recipientId}`, { email: 'ada@example.com' });
    expect(created.status).toBe(201);
    return recipientId;
  }

  const defaults = { optedOut: false, categories: {}, channelOrder: null, quietHours: null };

  it('gives a recipient who has set nothing the defaults, never updated', async () => {
    const recipientId = await newRecipient();

    const read = await call('GET', `acme/recipients/${recipientId}/preferences`);

    expect(read).toEqual({ status: 200, body: { ...defaults, updatedAt: null } });
  });

  it('stores preferences and gives them back', async () => {
    const recipientId = await newRecipient();
    const preferences = {
      optedOut: false,
      categories: { marketing: { enabled: false }, alert: { channels: { sms: false, email: true } } },
      channelOrder: ['push', 'email'],
      quietHours: { start: '22:00', end: '07:00' },
    };

    const written = await call('PUT', `acme/recipients/${recipientId}/preferences`, preferences);
    const read = await call('GET', `acme/recipients/${recipientId}/preferences`);

    expect(written).toEqual({ status: 200, body: { ...preferences, updatedAt: expect.any(String) } });
    expect(read.body).toEqual(written.body);
  });

  it('replaces on PUT: what the request leaves out goes back to its default', async () => {
    const recipientId = await newRecipient();
    await call('PUT', `acme/recipients/${recipientId}/preferences`, {
      categories: { marketing: { enabled: false } },
      channelOrder: ['sms'],
      quietHours: 'off',
    });

    const replaced = await call('PUT', `acme/recipients/${recipientId}/preferences`, { optedOut: true });

    expect(replaced.body).toEqual({ ...defaults, optedOut: true, updatedAt: expect.any(String) });
    expect((await call('GET', `acme/recipients/${recipientId}/preferences`)).body).toEqual(replaced.body);
  });

  it('refuses a malformed body with 400 naming the field', async () => {
    const recipientId = await newRecipient();

    const refused = await call('PUT', `acme/recipients/${recipientId}/preferences`, {
      categories: { Marketing: { enabled: false } },
      channelOrder: ['fax'],
    });

    expect(refused.status).toBe(400);
    const fields = (refused.body.errors as Array<{ field: string }>).map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['categories.Marketing', 'channelOrder.0']));
    expect((await call('GET', `acme/recipients/${recipientId}/preferences`)).body.updatedAt).toBeNull();
  });

  it.each([
    ['GET', undefined],
    ['PUT', { optedOut: true }],
  ])('answers %s for an unknown recipient with 404', async (method, body) => {
    const recipientId = `nobody-${randomUUID()}`;

    const answer = await call(method, `acme/recipients/${recipientId}/preferences`, body);

    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'RECIPIENT_NOT_FOUND' });
  });

  it("keeps tenants apart: another tenant's recipient of the same id is unknown", async () => {
    const recipientId = await newRecipient('acme');
    await call('PUT', `acme/recipients/${recipientId}/preferences`, { optedOut: true });

    expect((await call('GET', `globex/recipients/${recipientId}/preferences`)).status).toBe(404);
    expect((await call('PUT', `globex/recipients/${recipientId}/preferences`, {})).status).toBe(404);
    expect((await call('GET', `acme/recipients/${recipientId}/preferences`)).body.optedOut).toBe(true);
  });

  it('deletes the preferences with the recipient', async () => {
    const recipientId = await newRecipient();
    await call('PUT', `acme/recipients/${recipientId}/preferences`, { optedOut: true });

    expect((await call('DELETE', `acme/recipients/${recipientId}`)).status).toBe(204);

    expect((await call('GET', `acme/recipients/${recipientId}/preferences`)).status).toBe(404);
    // A new recipient of the same id starts from the defaults, not from what the old one chose.
    await call('PUT', `acme/recipients/${recipientId}`, { email: 'ada@example.com' });
    expect((await call('GET', `acme/recipients/${recipientId}/preferences`)).body).toEqual({
      ...defaults,
      updatedAt: null,
    });
  });

  it('opts out of a category and of one channel of another, keeping every other preference', async () => {
    const recipientId = await newRecipient();
    await call('PUT', `acme/recipients/${recipientId}/preferences`, {
      categories: { alert: { enabled: true, channels: { email: true } } },
      channelOrder: ['email', 'sms'],
    });

    const marketing = await call('POST', `acme/recipients/${recipientId}/preferences/opt-outs`, {
      category: 'marketing',
    });
    const alertSms = await call('POST', `acme/recipients/${recipientId}/preferences/opt-outs`, {
      category: 'alert',
      channel: 'sms',
    });

    expect(marketing.status).toBe(200);
    expect(alertSms).toEqual({
      status: 200,
      body: {
        ...defaults,
        categories: {
          alert: { enabled: true, channels: { email: true, sms: false } },
          marketing: { enabled: false },
        },
        channelOrder: ['email', 'sms'],
        updatedAt: expect.any(String),
      },
    });
  });

  it('opts out idempotently, also a recipient who had set nothing', async () => {
    const recipientId = await newRecipient();

    const first = await call('POST', `acme/recipients/${recipientId}/preferences/opt-outs`, {
      category: 'marketing',
    });
    const again = await call('POST', `acme/recipients/${recipientId}/preferences/opt-outs`, {
      category: 'marketing',
    });

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    const expected = { ...defaults, categories: { marketing: { enabled: false } } };
    expect(first.body).toEqual({ ...expected, updatedAt: expect.any(String) });
    expect(again.body).toEqual({ ...expected, updatedAt: expect.any(String) });
  });

  it('keeps both of two opt-outs of different categories sent at the same time', async () => {
    const categories = ['marketing', 'product-updates', 'newsletter', 'surveys'];
    const recipients = await Promise.all([newRecipient(), newRecipient(), newRecipient()]);

    const answers = await Promise.all(
      recipients.flatMap((recipientId) =>
        categories.map((category) =>
          call('POST', `acme/recipients/${recipientId}/preferences/opt-outs`, { category }),
        ),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    for (const recipientId of recipients) {
      const read = await call('GET', `acme/recipients/${recipientId}/preferences`);
      expect(read.body.categories).toEqual(
        Object.fromEntries(categories.map((category) => [category, { enabled: false }])),
      );
    }
  });

  it('refuses an opt-out for an unknown recipient with 404 and a bad category with 400', async () => {
    const recipientId = await newRecipient();

    const unknown = await call('POST', `acme/recipients/nobody-${randomUUID()}/preferences/opt-outs`, {
      category: 'marketing',
    });
    const malformed = await call('POST', `acme/recipients/${recipientId}/preferences/opt-outs`, {
      category: 'Not A Category',
      channel: 'fax',
    });

    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    const fields = (malformed.body.errors as Array<{ field: string }>).map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['category', 'channel']));
  });

  it('refuses an opt-out that would give a recipient more than 64 categories', async () => {
    const recipientId = await newRecipient();
    const categories = Object.fromEntries(
      Array.from({ length: 64 }, (_, index) => [`category-${index}`, { enabled: true }]),
    );
    expect((await call('PUT', `acme/recipients/${recipientId}/preferences`, { categories })).status).toBe(
      200,
    );

    const known = await call('POST', `acme/recipients/${recipientId}/preferences/opt-outs`, {
      category: 'category-7',
    });
    const beyond = await call('POST', `acme/recipients/${recipientId}/preferences/opt-outs`, {
      category: 'one-too-many',
    });

    expect(known.status).toBe(200);
    expect(known.body.categories['category-7']).toEqual({ enabled: false });
    expect(beyond.status).toBe(422);
    expect(beyond.body).toMatchObject({ code: 'PREFERENCES_REFUSED', errors: [{ field: 'category' }] });
  });

  it("reads many recipients' preferences in one call, only those who set some", async () => {
    const store = router.app.get(PreferenceStore);
    const [withSome, withNone, otherTenant] = await Promise.all([
      newRecipient(),
      newRecipient(),
      newRecipient('globex'),
    ]);
    await call('PUT', `acme/recipients/${withSome}/preferences`, { channelOrder: ['sms'] });
    await call('PUT', `globex/recipients/${otherTenant}/preferences`, { optedOut: true });

    const found = await store.findMany([
      { tenantId: 'acme', recipientId: withSome },
      { tenantId: 'acme', recipientId: withNone },
      { tenantId: 'globex', recipientId: otherTenant },
      { tenantId: 'acme', recipientId: otherTenant },
      { tenantId: 'acme', recipientId: withSome },
    ]);

    expect([...found.keys()].sort()).toEqual(
      [preferencesKey('acme', withSome), preferencesKey('globex', otherTenant)].sort(),
    );
    expect(found.get(preferencesKey('acme', withSome))).toEqual({ ...defaults, channelOrder: ['sms'] });
    expect(found.get(preferencesKey('globex', otherTenant))).toEqual({ ...defaults, optedOut: true });
    expect(await store.findMany([])).toEqual(new Map());
  });
});
