import { randomUUID } from 'node:crypto';
import { API_KEY_ROLES } from '@switchboard/contracts';
import { ROLE_PERMISSIONS } from '../src/auth/permissions';
import { createTestGateway, type GatewayAnswer, type TestGateway } from './support/test-gateway';

const OPERATOR_KEY = 'sbop_b3BlcmF0b3Iga2V5IGZvciB0aGUgYWNjZXNzIG1hdHJpeA';
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface ServedRoute {
  method: string;
  path: string;
  access: { kind: string; permission?: string } | undefined;
}

/** A value for each path parameter that passes the route's own validation as far as possible. */
function concretePath(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    if (/id$/i.test(name)) return randomUUID();
    if (name === 'channel') return 'email';
    if (name === 'address') return 'someone%40example.com';
    return 'welcome';
  });
}

/** Every operation of the OpenAPI document the gateway serves, with its declared access. */
async function servedRoutes(gateway: TestGateway): Promise<ServedRoute[]> {
  const document = (await (await fetch(`${gateway.url}/docs-json`)).json()) as {
    paths: Record<string, Record<string, { 'x-access'?: ServedRoute['access'] }>>;
  };
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    HTTP_METHODS.filter((method) => operations[method] !== undefined).map((method) => ({
      method: method.toUpperCase(),
      path,
      access: operations[method]['x-access'],
    })),
  );
}

function describeAnswer(answer: GatewayAnswer): string {
  return `${answer.status} ${JSON.stringify(answer.body)?.slice(0, 200)}`;
}

describe('every route × every role, from the served OpenAPI document', () => {
  let gateway: TestGateway;
  let routes: ServedRoute[];
  const keys = new Map<string, string>();

  beforeAll(async () => {
    gateway = await createTestGateway({
      env: {
        OPERATOR_API_KEYS: OPERATOR_KEY,
        INBOX_TOKEN_SECRETS: 'aW5ib3ggdG9rZW4gc2VjcmV0IGZvciB0aGUgYWNjZXNzIG1hdHJpeA',
      },
    });
    for (const role of API_KEY_ROLES) keys.set(role, await gateway.createApiKey('acme', { role }));
    routes = await servedRoutes(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('serves a document where every route declares who may call it', () => {
    expect(routes.length).toBeGreaterThan(40);
    const undeclared = routes.filter((route) => route.access === undefined);
    expect(undeclared.map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  it('lets each role through exactly the routes its permissions allow, and answers 403 naming the permission otherwise', async () => {
    const mismatches: string[] = [];
    const apiKeyRoutes = routes.filter((route) => route.access?.kind === 'api-key');
    for (const route of apiKeyRoutes) {
      const permission = route.access?.permission ?? '';
      const path = concretePath(route.path);
      for (const role of API_KEY_ROLES) {
        const allowed = (ROLE_PERMISSIONS[role] as readonly string[]).includes(permission);
        const answer = await gateway.call(route.method, path, {
          apiKey: keys.get(role),
          ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { body: {} } : {}),
        });
        const denied =
          answer.status === 403 &&
          answer.body?.code === 'PERMISSION_DENIED' &&
          answer.body?.missingPermission === permission &&
          String(answer.body?.detail).includes(permission);
        if (allowed && (answer.status === 401 || answer.status === 403)) {
          mismatches.push(`${role} ${route.method} ${route.path} should pass: ${describeAnswer(answer)}`);
        }
        if (!allowed && !denied) {
          mismatches.push(
            `${role} ${route.method} ${route.path} should be 403 for ${permission}: ${describeAnswer(answer)}`,
          );
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(apiKeyRoutes.length).toBeGreaterThan(40);
  });

  it('answers 401 on every API-key route without a key, and with an unknown one', async () => {
    // All at once: unknown keys share one read of new keys (a replica reads them at most once a second).
    const attempts = routes
      .filter((candidate) => candidate.access?.kind === 'api-key')
      .flatMap((route) =>
        [null, 'sb_live_this-key-was-never-issued-by-anyone-here-at-all'].map(async (apiKey) => {
          const answer = await gateway.call(route.method, concretePath(route.path), { apiKey });
          const refused = answer.status === 401 && answer.headers.get('www-authenticate') === 'Bearer';
          return refused
            ? undefined
            : `${route.method} ${route.path} with ${apiKey === null ? 'no key' : 'an unknown key'}: ${describeAnswer(answer)}`;
        }),
      );
    expect((await Promise.all(attempts)).filter((mismatch) => mismatch !== undefined)).toEqual([]);
  });

  it('keeps operator routes from every tenant role, and recipient routes from API keys', async () => {
    const mismatches: string[] = [];
    for (const route of routes.filter((candidate) => candidate.access?.kind !== 'api-key')) {
      if (route.access?.kind === 'public') continue;
      for (const role of API_KEY_ROLES) {
        const answer = await gateway.call(route.method, concretePath(route.path), { apiKey: keys.get(role) });
        const refused =
          route.access?.kind === 'operator'
            ? answer.status === 403 && answer.body?.code === 'OPERATOR_KEY_REQUIRED'
            : answer.status === 401;
        if (!refused) mismatches.push(`${role} ${route.method} ${route.path}: ${describeAnswer(answer)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('gives a key with a scope list exactly those permissions', async () => {
    const scoped = await gateway.createApiKey('acme', { scopes: ['templates:read', 'messages:read'] });

    expect((await gateway.call('GET', '/v1/templates', { apiKey: scoped })).status).not.toBe(403);
    const refused = await gateway.call('POST', '/v1/templates', { apiKey: scoped, body: {} });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'PERMISSION_DENIED', missingPermission: 'templates:write' });
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });
});
