import { TokenBucket } from '@switchboard/delivery';
import { ProblemException } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import type { ApiKeyPrincipal } from '../auth/principal';
import { rateLimitField, rateLimitPolicyField, retryAfterSeconds } from './rate-limit-fields';
import { SharedRequestLimits, type RequestLimitBucket } from './shared-request-limits';

const fakeClock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

/** The one-process token bucket behind the shared one's tryAcquire answer, on the test's clock. */
function bucketsOn(clock: { now(): number }) {
  const opened: string[] = [];
  const open = (bucketKey: string, policy: { ratePerSecond: number; burst: number }): RequestLimitBucket => {
    opened.push(bucketKey);
    const bucket = new TokenBucket({ ratePerSecond: policy.ratePerSecond, burst: policy.burst, clock });
    return {
      tryAcquire: async () => {
        const grant = bucket.tryTake(1);
        return grant.granted
          ? { granted: true, remaining: bucket.available() }
          : { granted: false, remaining: bucket.available(), retryAfterMs: grant.waitMs };
      },
    };
  };
  return { open, opened };
}

/** Collects the headers admit sets, as Fastify's reply would carry them to the response. */
function recordingReply() {
  const headers: Record<string, string> = {};
  const reply = {
    header(name: string, value: string) {
      headers[name.toLowerCase()] = value;
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, headers };
}

const principal = (keyId: string, tenantId = 'acme'): ApiKeyPrincipal => ({
  keyId,
  tenantId,
  role: 'sender',
  permissions: new Set(),
});

function limits(clock: { now(): number }, maxBuckets = 100) {
  const buckets = bucketsOn(clock);
  const requestLimits = new SharedRequestLimits(
    { perKey: { ratePerSecond: 2, burst: 3 }, perTenant: { ratePerSecond: 4, burst: 5 }, maxBuckets },
    buckets.open,
  );
  return { requestLimits, opened: buckets.opened };
}

async function refusal(admitted: Promise<void>): Promise<ProblemException> {
  const error = await admitted.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ProblemException)) throw new Error(`expected a problem, got ${String(error)}`);
  return error;
}

describe('SharedRequestLimits', () => {
  it('admits within the key limit and says what is left of each limit', async () => {
    const { requestLimits } = limits(fakeClock());
    const { reply, headers } = recordingReply();

    await requestLimits.admit(principal('key-1'), reply);

    expect(headers['ratelimit-policy']).toBe('"api-key";q=3;w=2, "tenant";q=5;w=2');
    expect(headers['ratelimit']).toBe('"api-key";r=2, "tenant";r=4');
    expect(headers['retry-after']).toBeUndefined();
  });

  it("refuses a key over its own limit with 429 naming the key's limit, and spends none of the tenant's tokens", async () => {
    const { requestLimits } = limits(fakeClock());
    for (let call = 0; call < 3; call += 1)
      await requestLimits.admit(principal('key-1'), recordingReply().reply);
    const { reply, headers } = recordingReply();

    const problem = await refusal(requestLimits.admit(principal('key-1'), reply));

    expect(problem.status).toBe(429);
    expect(problem.code).toBe('RATE_LIMITED');
    expect(problem.detail).toMatch(
      /^this API key's request limit \(2 requests per second, bursts of up to 3\) is used up; retry in 1 s$/,
    );
    expect(problem.extensions).toEqual({
      limit: 'api-key',
      retryAfterSeconds: 1,
      'violated-policies': ['api-key'],
    });
    expect(headers['retry-after']).toBe('1');
    expect(headers['ratelimit']).toBe('"api-key";r=0;t=1');
    // Another key of the same tenant still has the tenant's tokens the refused calls did not take.
    const other = recordingReply();
    await requestLimits.admit(principal('key-2'), other.reply);
    expect(other.headers['ratelimit']).toBe('"api-key";r=2, "tenant";r=1');
  });

  it("refuses a key within its limit when its tenant's keys together are over the tenant's", async () => {
    const { requestLimits } = limits(fakeClock());
    for (let call = 0; call < 3; call += 1)
      await requestLimits.admit(principal('key-1'), recordingReply().reply);
    for (let call = 0; call < 2; call += 1)
      await requestLimits.admit(principal('key-2'), recordingReply().reply);
    const { reply, headers } = recordingReply();

    const problem = await refusal(requestLimits.admit(principal('key-3'), reply));

    expect(problem.extensions).toMatchObject({ limit: 'tenant', 'violated-policies': ['tenant'] });
    expect(problem.detail).toMatch(
      /^the tenant's request limit, shared by all its API keys \(4 requests per second/,
    );
    expect(headers['ratelimit']).toBe('"api-key";r=2, "tenant";r=0;t=1');
    // Another tenant is not affected.
    await requestLimits.admit(principal('key-4', 'globex'), recordingReply().reply);
  });

  it('admits again once the refill brought a token back', async () => {
    const clock = fakeClock();
    const { requestLimits } = limits(clock);
    for (let call = 0; call < 3; call += 1)
      await requestLimits.admit(principal('key-1'), recordingReply().reply);
    await refusal(requestLimits.admit(principal('key-1'), recordingReply().reply));

    clock.advance(500);

    await requestLimits.admit(principal('key-1'), recordingReply().reply);
  });

  it('keeps at most maxBuckets buckets in memory, dropping the least recently used', async () => {
    const { requestLimits, opened } = limits(fakeClock(), 3);
    await requestLimits.admit(principal('key-1'), recordingReply().reply);
    await requestLimits.admit(principal('key-1'), recordingReply().reply);
    expect(opened).toEqual(['gateway:api-key:key-1', 'gateway:tenant:acme']);

    await requestLimits.admit(principal('key-2'), recordingReply().reply);
    // Full: key-1's bucket is the least recently used (the tenant's was used since) and goes.
    await requestLimits.admit(principal('key-3'), recordingReply().reply);
    await requestLimits.admit(principal('key-1'), recordingReply().reply);

    expect(opened).toEqual([
      'gateway:api-key:key-1',
      'gateway:tenant:acme',
      'gateway:api-key:key-2',
      'gateway:api-key:key-3',
      'gateway:api-key:key-1',
    ]);
  });
});

describe('RateLimit fields (draft-ietf-httpapi-ratelimit-headers-11)', () => {
  const policy = { name: 'api-key' as const, ratePerSecond: 100, burst: 200 };

  it('describes a token bucket as its burst per the seconds it takes to refill', () => {
    expect(rateLimitPolicyField([policy, { name: 'tenant', ratePerSecond: 300, burst: 600 }])).toBe(
      '"api-key";q=200;w=2, "tenant";q=600;w=2',
    );
    expect(rateLimitPolicyField([{ name: 'tenant', ratePerSecond: 1000, burst: 10 }])).toBe(
      '"tenant";q=10;w=1',
    );
  });

  it('gives whole tokens left, and the seconds until admitted again only with a refusal', () => {
    expect(rateLimitField([{ policy, granted: true, remaining: 152.7 }])).toBe('"api-key";r=152');
    expect(rateLimitField([{ policy, granted: false, remaining: 0.4, retryAfterMs: 1_200 }])).toBe(
      '"api-key";r=0;t=2',
    );
  });

  it('rounds Retry-After up to whole seconds, at least one', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1_000)).toBe(1);
    expect(retryAfterSeconds(1_001)).toBe(2);
  });
});
