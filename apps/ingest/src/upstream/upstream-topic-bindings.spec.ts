import { ConfigError } from '@switchboard/config';
import { loadIngestConfig } from '../config';
import { checkUpstreamTenant, type UpstreamTopicBindings } from './upstream-topic-bindings';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  DATABASE_URL: 'postgres://127.0.0.1/switchboard',
  SERVICE_TOKEN_SECRETS: 'a service token secret of 32 bytes or more',
  ENCRYPTION_MASTER_KEYS: `spec=${Buffer.alloc(32, 1).toString('base64')}`,
  BLIND_INDEX_KEY: Buffer.alloc(32, 2).toString('base64'),
};

function bindingsOf(value: string): UpstreamTopicBindings | undefined {
  return loadIngestConfig({ ...base, INGEST_UPSTREAM_TOPICS: value }).INGEST_UPSTREAM_TOPICS;
}

function problemsOf(value: string): string {
  try {
    bindingsOf(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`INGEST_UPSTREAM_TOPICS=${value} was accepted`);
}

describe('INGEST_UPSTREAM_TOPICS', () => {
  it('binds each topic to the tenants listed after it', () => {
    const bindings = bindingsOf('orders.v1:acme|acme-eu, billing.v1:acme');

    expect([...(bindings?.keys() ?? [])]).toEqual(['orders.v1', 'billing.v1']);
    expect(bindings?.get('orders.v1')?.tenants).toEqual(new Set(['acme', 'acme-eu']));
    expect(bindings?.get('billing.v1')?.tenants).toEqual(new Set(['acme']));
  });

  it('takes * as any tenant', () => {
    expect(bindingsOf('orders.v1:*')?.get('orders.v1')?.tenants).toBe('any');
  });

  it('is no topics when unset', () => {
    expect(loadIngestConfig(base).INGEST_UPSTREAM_TOPICS).toBeUndefined();
  });

  it.each([
    [
      'a topic with no binding',
      'orders.v1',
      /INGEST_UPSTREAM_TOPICS.*orders\.v1 names no tenants.*orders\.v1:\*/,
    ],
    ['a topic with an empty binding', 'orders.v1:', /orders\.v1 names no tenants/],
    ['an empty tenant', 'orders.v1:acme|', /orders\.v1: "" is not a tenant id/],
    ['a tenant that is no tenant id', 'orders.v1:acme|ac me', /orders\.v1: "ac me" is not a tenant id/],
    [
      '* among tenants',
      'orders.v1:*|acme',
      /orders\.v1: \* \(any tenant\) cannot be listed with other tenants/,
    ],
    ['a bad topic name', 'orders/v1:acme', /"orders\/v1" is not a topic name/],
    ['a topic listed twice', 'orders.v1:acme,orders.v1:globex', /orders\.v1 is listed twice/],
  ])('refuses %s, naming the topic', (_case, value, problem) => {
    expect(problemsOf(value)).toMatch(problem);
  });

  it('lists every unbound topic at once', () => {
    const problems = problemsOf('orders.v1,billing.v1:acme,returns.v1');

    expect(problems).toMatch(/orders\.v1 names no tenants/);
    expect(problems).toMatch(/returns\.v1 names no tenants/);
  });
});

describe('checkUpstreamTenant', () => {
  const bindings = bindingsOf('orders.v1:acme|acme-eu,internal.v1:*') as UpstreamTopicBindings;

  it('allows a tenant its topic is bound to', () => {
    expect(checkUpstreamTenant(bindings, 'orders.v1', 'acme-eu')).toEqual({ allowed: true });
  });

  it('allows any tenant on a topic bound to *', () => {
    expect(checkUpstreamTenant(bindings, 'internal.v1', 'globex')).toEqual({ allowed: true });
  });

  it('refuses another tenant as tenant-not-allowed, naming topic and tenant', () => {
    expect(checkUpstreamTenant(bindings, 'orders.v1', 'globex')).toEqual({
      allowed: false,
      reason: 'tenant-not-allowed: orders.v1 does not carry events of tenant globex (INGEST_UPSTREAM_TOPICS)',
    });
  });

  it('matches tenants exactly, case included', () => {
    expect(checkUpstreamTenant(bindings, 'orders.v1', 'ACME').allowed).toBe(false);
  });

  it('refuses every tenant on a topic it has no binding for', () => {
    expect(checkUpstreamTenant(bindings, 'unknown.v1', 'acme').allowed).toBe(false);
  });
});
