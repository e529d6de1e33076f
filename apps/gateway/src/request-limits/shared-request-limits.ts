import type { TryAcquireResult } from '@switchboard/delivery';
import type { FastifyReply } from 'fastify';
import type { ApiKeyPrincipal } from '../auth/principal';
import { RequestLimits } from '../auth/request-limits';
import {
  rateLimitField,
  rateLimitPolicyField,
  retryAfterSeconds,
  type RequestLimitAnswer,
  type RequestLimitPolicy,
} from './rate-limit-fields';
import { RequestLimitError } from './request-limit-error';

/** One token bucket; in the gateway a SharedRateLimiter, whose row every replica shares. */
export interface RequestLimitBucket {
  tryAcquire(count?: number): Promise<TryAcquireResult>;
}

export type OpenRequestLimitBucket = (bucketKey: string, policy: RequestLimitPolicy) => RequestLimitBucket;

export interface RequestLimitSettings {
  perKey: { ratePerSecond: number; burst: number };
  perTenant: { ratePerSecond: number; burst: number };
  /** Buckets kept in this replica; the least recently used is dropped beyond it. */
  maxBuckets: number;
}

/**
 * Token buckets per API key and per tenant. The key's bucket is asked first: a key over its own
 * limit is refused there and never spends its tenant's tokens, so one runaway key cannot use up
 * what the tenant's other keys share. A request the tenant's bucket refuses has still spent a
 * token of its key, which only ever slows that key.
 */
export class SharedRequestLimits extends RequestLimits {
  private readonly keyPolicy: RequestLimitPolicy;
  private readonly tenantPolicy: RequestLimitPolicy;
  private readonly policyField: string;
  // Map keeps insertion order: a bucket used again is moved to the end, the first is the oldest.
  private readonly buckets = new Map<string, RequestLimitBucket>();

  constructor(
    private readonly settings: RequestLimitSettings,
    private readonly openBucket: OpenRequestLimitBucket,
  ) {
    super();
    this.keyPolicy = { name: 'api-key', ...settings.perKey };
    this.tenantPolicy = { name: 'tenant', ...settings.perTenant };
    this.policyField = rateLimitPolicyField([this.keyPolicy, this.tenantPolicy]);
  }

  async admit(principal: ApiKeyPrincipal, reply: FastifyReply): Promise<void> {
    void reply.header('ratelimit-policy', this.policyField);
    const checks: Array<[RequestLimitPolicy, string]> = [
      [this.keyPolicy, `gateway:api-key:${principal.keyId}`],
      [this.tenantPolicy, `gateway:tenant:${principal.tenantId}`],
    ];
    const answers: RequestLimitAnswer[] = [];
    for (const [policy, bucketKey] of checks) {
      const answer: RequestLimitAnswer = { policy, ...(await this.bucket(bucketKey, policy).tryAcquire()) };
      answers.push(answer);
      if (!answer.granted) {
        void reply
          .header('ratelimit', rateLimitField(answers))
          .header('retry-after', String(retryAfterSeconds(answer.retryAfterMs)));
        throw new RequestLimitError(policy, answer.retryAfterMs);
      }
    }
    void reply.header('ratelimit', rateLimitField(answers));
  }

  private bucket(bucketKey: string, policy: RequestLimitPolicy): RequestLimitBucket {
    let bucket = this.buckets.get(bucketKey);
    if (bucket) {
      this.buckets.delete(bucketKey);
    } else {
      // A dropped bucket only loses this replica's unused lease: the shared row keeps the count.
      if (this.buckets.size >= this.settings.maxBuckets) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      bucket = this.openBucket(bucketKey, policy);
    }
    this.buckets.set(bucketKey, bucket);
    return bucket;
  }
}
