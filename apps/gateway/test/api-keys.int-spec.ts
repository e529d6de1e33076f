import { createTestDatabase, type TestDatabase, waitFor } from '@switchboard/testing';
import { Client } from 'pg';
import { createTestGateway, type TestGateway } from './support/test-gateway';

async function keyRows(database: TestDatabase) {
  const client = new Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query('SELECT id, tenant_id, revoked_at FROM gateway.api_keys')).rows;
  } finally {
    await client.end();
  }
}

describe('API keys through the API: create, list, rotate, revoke', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await createTestGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('creates a key with a role, shown once; lists keys by prefix, never the key', async () => {
    const created = await gateway.call('POST', '/v1/api-keys', {
      body: { name: 'billing system', role: 'sender' },
    });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'billing system',
      role: 'sender',
      scopes: null,
      revokedAt: null,
    });
    expect(created.body.key).toMatch(/^sb_live_[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).toBe(created.body.key.slice(0, 14));

    const sent = await gateway.call('POST', '/v1/messages', {
      apiKey: created.body.key,
      body: { recipient: { email: 'ada@example.com' }, content: { subject: 'Hi', text: 'Hello' } },
    });
    expect(sent.status).toBe(202);

    const list = await gateway.call('GET', '/v1/api-keys');
    expect(list.status).toBe(200);
    expect(list.body.apiKeys).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: created.body.id, prefix: created.body.prefix })]),
    );
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
  });

  it('never hands out more than the calling key holds', async () => {
    const admin = (await gateway.call('POST', '/v1/api-keys', { body: { name: 'ops', role: 'admin' } })).body;

    const owner = await gateway.call('POST', '/v1/api-keys', {
      apiKey: admin.key,
      body: { name: 'escalation', role: 'owner' },
    });
    expect(owner.status).toBe(403);
    expect(owner.body).toMatchObject({
      code: 'API_KEY_BEYOND_OWN_PERMISSIONS',
      missingPermissions: ['audit-log:read'],
    });

    const auditorScope = await gateway.call('POST', '/v1/api-keys', {
      apiKey: admin.key,
      body: { name: 'sneaky', scopes: ['audit-log:read'] },
    });
    expect(auditorScope.status).toBe(403);

    const sender = await gateway.call('POST', '/v1/api-keys', {
      apiKey: admin.key,
      body: { name: 'crm', role: 'sender' },
    });
    expect(sender.status).toBe(201);

    const sendersOwnAttempt = await gateway.call('POST', '/v1/api-keys', {
      apiKey: sender.body.key,
      body: { name: 'crm 2', role: 'sender' },
    });
    expect(sendersOwnAttempt.status).toBe(403);
    expect(sendersOwnAttempt.body).toMatchObject({
      code: 'PERMISSION_DENIED',
      missingPermission: 'api-keys:write',
    });
  });

  it('names each bad field of a key request', async () => {
    const answer = await gateway.call('POST', '/v1/api-keys', {
      body: { name: '', scopes: ['messages:fly'], expiresAt: 'tomorrow' },
    });
    expect(answer.status).toBe(400);
    const fields = (answer.body.errors as Array<{ field: string }>).map((error) => error.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'scopes.0', 'expiresAt']));

    const past = await gateway.call('POST', '/v1/api-keys', {
      body: { name: 'late', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([
      expect.objectContaining({ field: 'expiresAt', problem: 'must be in the future' }),
    ]);

    const both = await gateway.call('POST', '/v1/api-keys', {
      body: { name: 'both', role: 'viewer', scopes: ['templates:read'] },
    });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([expect.objectContaining({ field: 'role' })]);
  });

  it('revokes a key: it stops working at once on this gateway', async () => {
    const created = (await gateway.call('POST', '/v1/api-keys', { body: { name: 'temp', role: 'viewer' } }))
      .body;
    expect((await gateway.call('GET', '/v1/templates', { apiKey: created.key })).status).not.toBe(401);

    const revoked = await gateway.call('POST', `/v1/api-keys/${created.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));

    const refused = await gateway.call('GET', '/v1/templates', { apiKey: created.key });
    expect(refused.status).toBe(401);
  });

  it('rotates a key: the replacement works at once, the old key until the overlap ends', async () => {
    const original = (await gateway.call('POST', '/v1/api-keys', { body: { name: 'crm', role: 'viewer' } }))
      .body;

    const rotated = await gateway.call('POST', `/v1/api-keys/${original.id}/rotate`, {
      body: { overlapSeconds: 2 },
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ name: 'crm', role: 'viewer' });
    expect(rotated.body.key).not.toBe(original.key);

    expect((await gateway.call('GET', '/v1/api-keys', { apiKey: rotated.body.key })).status).toBe(200);
    expect((await gateway.call('GET', '/v1/api-keys', { apiKey: original.key })).status).toBe(200);
    await waitFor(
      'the old key to stop when the overlap ends',
      async () => (await gateway.call('GET', '/v1/api-keys', { apiKey: original.key })).status === 401,
      10_000,
      200,
    );
    expect((await gateway.call('GET', '/v1/api-keys', { apiKey: rotated.body.key })).status).toBe(200);

    const again = await gateway.call('POST', `/v1/api-keys/${original.id}/rotate`, { body: {} });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('API_KEY_NOT_ROTATABLE');
  });

  it('stops a key at its expiry', async () => {
    const expiresAt = new Date(Date.now() + 2_000).toISOString();
    const created = await gateway.call('POST', '/v1/api-keys', {
      body: { name: 'short', role: 'viewer', expiresAt },
    });
    expect(created.status).toBe(201);
    expect(created.body.expiresAt).toBe(expiresAt);

    expect((await gateway.call('GET', '/v1/api-keys', { apiKey: created.body.key })).status).toBe(200);
    await waitFor(
      'the key to expire',
      async () => (await gateway.call('GET', '/v1/api-keys', { apiKey: created.body.key })).status === 401,
      10_000,
      200,
    );
  });

  it('does not find another tenant’s key', async () => {
    const globex = await gateway.createApiKey('globex', { role: 'owner' });
    const acmeKey = (
      await gateway.call('POST', '/v1/api-keys', { body: { name: 'acme only', role: 'viewer' } })
    ).body;

    const answer = await gateway.call('POST', `/v1/api-keys/${acmeKey.id}/revoke`, { apiKey: globex });
    expect(answer.status).toBe(404);
    expect((await gateway.call('GET', '/v1/api-keys', { apiKey: globex })).body.apiKeys).toEqual([
      expect.objectContaining({ name: 'test' }),
    ]);
  });
});

describe('the development key (SWITCHBOARD_DEV_API_KEY)', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('gateway_dev_key');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('stays revoked across restarts, and never moves to another tenant', async () => {
    const devKey = 'sb_live_development-key-of-this-test-0123456789abcdefghijklmn';
    const first = await createTestGateway({ database, env: { SWITCHBOARD_DEV_API_KEY: devKey } });
    try {
      const list = await first.call('GET', '/v1/api-keys', { apiKey: devKey });
      expect(list.body.apiKeys).toEqual([expect.objectContaining({ name: 'development', role: 'owner' })]);
      const id = list.body.apiKeys[0].id;
      expect((await first.call('POST', `/v1/api-keys/${id}/revoke`, { apiKey: devKey })).status).toBe(200);
    } finally {
      await first.close();
    }

    const restarted = await createTestGateway({ database, env: { SWITCHBOARD_DEV_API_KEY: devKey } });
    try {
      expect((await restarted.call('GET', '/v1/api-keys', { apiKey: devKey })).status).toBe(401);
    } finally {
      await restarted.close();
    }

    const otherTenantKey = 'sb_live_another-development-key-0123456789abcdefghijklmnopq';
    const acme = await createTestGateway({ database, env: { SWITCHBOARD_DEV_API_KEY: otherTenantKey } });
    await acme.close();
    const globex = await createTestGateway({
      database,
      env: { SWITCHBOARD_DEV_API_KEY: otherTenantKey, SWITCHBOARD_DEV_TENANT: 'globex' },
    });
    try {
      const rows = await keyRows(database);
      expect(rows.filter((row) => row.tenant_id === 'globex')).toEqual([]);
      expect((await globex.call('GET', '/v1/api-keys', { apiKey: otherTenantKey })).body.apiKeys).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'development' })]),
      );
    } finally {
      await globex.close();
    }
  });
});
