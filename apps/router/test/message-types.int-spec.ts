import { randomUUID } from 'node:crypto';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  type TestBroker,
  type TestDatabase,
  waitFor,
  TEST_SERVICE_TOKEN_SECRETS,
  TEST_ENCRYPTION_VARIABLES,
  serviceAuthorization,
} from '@switchboard/testing';
import { DataSource } from 'typeorm';
import { loadRouterConfig } from '../src/config';
import { startRouter } from '../src/router';
import { SendingPolicySource } from '../src/sending-settings/sending-policy-source';

describe('router message types and sending settings', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let router: RunningService;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_message_types')]);
    router = await startRouter(
      loadRouterConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
        // Long enough that only invalidation can make a change visible within a test.
        ROUTER_POLICY_CACHE_TTL: '1h',
      }),
      new StructuredLogger('router', 'warn'),
    );
  });

  afterAll(async () => {
    await router?.close();
    await broker?.stop();
    await database?.drop();
  });

  /** A tenant of its own per test, so that tests share nothing. */
  function newTenant(): string {
    return `tenant-${randomUUID()}`;
  }

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
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on answers field by field
      body: (text ? JSON.parse(text) : undefined) as any,
    };
  }

  describe('message types API', () => {
    it('creates a type with its defaults filled in and refuses the same key again with 409', async () => {
      const tenant = newTenant();

      const created = await call('POST', `${tenant}/message-types`, {
        key: 'security-code',
        category: 'transactional',
        defaultChannels: ['sms', 'email'],
        optOutAllowed: false,
        quietHours: 'bypass',
      });
      const again = await call('POST', `${tenant}/message-types`, {
        key: 'security-code',
        category: 'alert',
      });
      const read = await call('GET', `${tenant}/message-types/security-code`);

      expect(created).toMatchObject({
        status: 201,
        body: {
          key: 'security-code',
          category: 'transactional',
          defaultChannels: ['sms', 'email'],
          channelPolicy: 'fallback',
          defaultPriority: 'normal',
          optOutAllowed: false,
          quietHours: 'bypass',
          frequencyLimits: 'apply',
          overLimit: 'defer',
          dedupWindowSeconds: 0,
          description: null,
          builtIn: false,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      });
      expect(again.status).toBe(409);
      expect(again.contentType).toContain('application/problem+json');
      expect(again.body).toMatchObject({ code: 'MESSAGE_TYPE_EXISTS' });
      expect(read).toEqual({ status: 200, contentType: expect.any(String), body: created.body });
    });

    it("lists the tenant's types with the built-in default, until the tenant defines its own default", async () => {
      const tenant = newTenant();
      await call('POST', `${tenant}/message-types`, { key: 'weekly-digest', category: 'marketing' });

      const before = await call('GET', `${tenant}/message-types`);
      const defined = await call('PUT', `${tenant}/message-types/default`, { category: 'marketing' });
      const after = await call('GET', `${tenant}/message-types`);

      expect(
        before.body.messageTypes.map(({ key, builtIn }: { key: string; builtIn: boolean }) => [key, builtIn]),
      ).toEqual([
        ['default', true],
        ['weekly-digest', false],
      ]);
      expect(before.body.messageTypes[0]).toMatchObject({ category: 'transactional', createdAt: null });
      expect(defined.status).toBe(201);
      expect(
        after.body.messageTypes.map(({ key, builtIn }: { key: string; builtIn: boolean }) => [key, builtIn]),
      ).toEqual([
        ['default', false],
        ['weekly-digest', false],
      ]);
    });

    it('PUT creates a type (201) and then replaces its whole definition (200)', async () => {
      const tenant = newTenant();

      const created = await call('PUT', `${tenant}/message-types/order-update`, {
        category: 'transactional',
        defaultPriority: 'high',
        dedupWindowSeconds: 300,
      });
      const replaced = await call('PUT', `${tenant}/message-types/order-update`, {
        category: 'transactional',
        description: 'Order status changes',
      });
      const read = await call('GET', `${tenant}/message-types/order-update`);

      expect(created.status).toBe(201);
      expect(replaced.status).toBe(200);
      expect(read.body).toMatchObject({
        defaultPriority: 'normal',
        dedupWindowSeconds: 0,
        description: 'Order status changes',
        createdAt: created.body.createdAt,
      });
    });

    it("answers 404 for an unknown key and for another tenant's type", async () => {
      const tenant = newTenant();
      await call('POST', `${tenant}/message-types`, { key: 'weekly-digest', category: 'marketing' });

      const unknown = await call('GET', `${tenant}/message-types/receipt`);
      const otherTenant = await call('GET', `${newTenant()}/message-types/weekly-digest`);

      expect([unknown.status, otherTenant.status]).toEqual([404, 404]);
      expect(unknown.body).toMatchObject({ code: 'MESSAGE_TYPE_NOT_FOUND' });
    });

    it('answers 400 naming the fields of a bad definition and of a bad key', async () => {
      const tenant = newTenant();

      const badBody = await call('POST', `${tenant}/message-types`, {
        key: 'Weekly Digest',
        category: 'marketing',
        channelPolicy: 'some',
        dedupWindowSeconds: -1,
      });
      const badKey = await call('PUT', `${tenant}/message-types/Not%20A%20Key`, { category: 'marketing' });

      expect([badBody.status, badKey.status]).toEqual([400, 400]);
      expect(badBody.body.errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['key', 'channelPolicy', 'dedupWindowSeconds']),
      );
      expect(badKey.body.errors.map((error: { field: string }) => error.field)).toEqual(['key']);
    });
  });

  describe('sending settings API', () => {
    it('gives a tenant that has stored none the defaults', async () => {
      const read = await call('GET', `${newTenant()}/sending-settings`);

      expect(read).toMatchObject({
        status: 200,
        body: {
          defaultMessageType: null,
          timeZone: 'UTC',
          quietHours: null,
          frequencyLimits: [],
          phoneRegion: null,
          updatedAt: null,
        },
      });
    });

    it('stores settings whose default type exists and gives them back', async () => {
      const tenant = newTenant();
      await call('POST', `${tenant}/message-types`, { key: 'newsletter', category: 'marketing' });
      const settings = {
        defaultMessageType: 'newsletter',
        timeZone: 'Europe/Berlin',
        quietHours: { start: '22:00', end: '07:00' },
        frequencyLimits: [
          { category: 'marketing', limit: 2, windowSeconds: 86_400 },
          { limit: 6, windowSeconds: 86_400 },
        ],
        phoneRegion: 'DE',
      };

      const stored = await call('PUT', `${tenant}/sending-settings`, settings);
      const read = await call('GET', `${tenant}/sending-settings`);

      expect(stored).toMatchObject({ status: 200, body: { ...settings, updatedAt: expect.any(String) } });
      expect(read.body).toEqual(stored.body);
    });

    it('refuses a default type the tenant does not have with 422 naming defaultMessageType', async () => {
      const tenant = newTenant();

      const refused = await call('PUT', `${tenant}/sending-settings`, { defaultMessageType: 'newsletter' });
      const read = await call('GET', `${tenant}/sending-settings`);

      expect(refused.status).toBe(422);
      expect(refused.contentType).toContain('application/problem+json');
      expect(refused.body).toMatchObject({
        code: 'SENDING_SETTINGS_REFUSED',
        errors: [{ field: 'defaultMessageType', problem: 'the tenant has no message type "newsletter"' }],
      });
      expect(read.body.updatedAt).toBeNull();
    });

    it('answers 400 naming the bad fields of settings', async () => {
      const refused = await call('PUT', `${newTenant()}/sending-settings`, {
        timeZone: '+02:00',
        quietHours: { start: '25:00', end: '07:00' },
        phoneRegion: 'germany',
      });

      expect(refused.status).toBe(400);
      expect(refused.body.errors.map((error: { field: string }) => error.field)).toEqual(
        expect.arrayContaining(['timeZone', 'quietHours.start', 'phoneRegion']),
      );
    });
  });

  describe('the sending policy source routing reads', () => {
    function policyQueries(spy: jest.SpyInstance): string[] {
      return spy.mock.calls
        .map(([sql]) => String(sql))
        .filter((sql) => sql.includes('router.message_types') || sql.includes('router.sending_settings'));
    }

    it('loads the policies of several tenants with two queries, then answers from memory', async () => {
      const [acme, globex, quiet] = [newTenant(), newTenant(), newTenant()];
      await call('POST', `${acme}/message-types`, { key: 'newsletter', category: 'marketing' });
      await call('PUT', `${acme}/sending-settings`, {
        defaultMessageType: 'newsletter',
        timeZone: 'Asia/Tokyo',
      });
      await call('POST', `${globex}/message-types`, {
        key: 'outage',
        category: 'alert',
        quietHours: 'bypass',
      });
      const source = router.app.get(SendingPolicySource);
      const spy = jest.spyOn(router.app.get(DataSource), 'query');

      try {
        const policies = await source.forTenants([acme, globex, quiet]);
        const firstLoad = policyQueries(spy).length;
        await source.forTenants([acme, globex, quiet]);

        expect(firstLoad).toBe(2);
        expect(policyQueries(spy)).toHaveLength(2);
        expect(policies.get(acme)?.settings).toMatchObject({
          defaultMessageType: 'newsletter',
          timeZone: 'Asia/Tokyo',
        });
        expect([...(policies.get(acme)?.types.keys() ?? [])].sort()).toEqual(['default', 'newsletter']);
        expect(policies.get(globex)?.types.get('outage')).toMatchObject({
          category: 'alert',
          quietHours: 'bypass',
        });
        expect(policies.get(quiet)?.settings).toMatchObject({ defaultMessageType: null, timeZone: 'UTC' });
        expect([...(policies.get(quiet)?.types.keys() ?? [])]).toEqual(['default']);
      } finally {
        spy.mockRestore();
      }
    });

    it('sees a type or settings change made through this replica at once, despite the cache', async () => {
      const tenant = newTenant();
      const source = router.app.get(SendingPolicySource);
      const before = await source.forTenants([tenant]);

      await call('PUT', `${tenant}/message-types/receipt`, {
        category: 'transactional',
        defaultPriority: 'high',
      });
      const afterType = await source.forTenants([tenant]);
      await call('PUT', `${tenant}/sending-settings`, { defaultMessageType: 'receipt' });
      const afterSettings = await source.forTenants([tenant]);

      expect(before.get(tenant)?.types.has('receipt')).toBe(false);
      expect(afterType.get(tenant)?.types.get('receipt')).toMatchObject({ defaultPriority: 'high' });
      expect(afterSettings.get(tenant)?.settings.defaultMessageType).toBe('receipt');
    });
  });
  describe('a second replica', () => {
    let otherReplica: RunningService;

    beforeAll(async () => {
      otherReplica = await startRouter(
        loadRouterConfig({
          ...broker.serviceVariables,
          DATABASE_URL: database.url,
          PORT: '0',
          SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
          ...TEST_ENCRYPTION_VARIABLES,
          ROUTER_POLICY_CACHE_TTL: '10s',
        }),
        new StructuredLogger('router', 'warn'),
      );
    });

    afterAll(async () => {
      await otherReplica?.close();
    });

    it('keeps what it cached until its TTL runs out, then sees a change made through another replica', async () => {
      const tenant = newTenant();
      const source = otherReplica.app.get(SendingPolicySource);
      await source.forTenants([tenant]);

      await call('PUT', `${tenant}/sending-settings`, { timeZone: 'America/New_York' });
      const soonAfter = await source.forTenants([tenant]);
      const later = await waitFor(
        'the other replica to read the new settings',
        async () => {
          const policies = await source.forTenants([tenant]);
          return policies.get(tenant)?.settings.timeZone === 'America/New_York' && policies;
        },
        30_000,
      );

      expect(soonAfter.get(tenant)?.settings.timeZone).toBe('UTC');
      expect(later.get(tenant)?.settings.timeZone).toBe('America/New_York');
    });
  });
});
