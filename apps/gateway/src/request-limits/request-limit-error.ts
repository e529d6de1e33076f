import { ProblemException } from '@switchboard/service-kit';
import { retryAfterSeconds, type RequestLimitPolicy } from './rate-limit-fields';

export type RequestLimitErrorCode = 'RATE_LIMITED';

const TOO_MANY_REQUESTS = 429;

/** A request over its API key's or its tenant's request limit: 429, naming the limit. */
export class RequestLimitError extends ProblemException {
  constructor(policy: RequestLimitPolicy, retryAfterMs: number) {
    const seconds = retryAfterSeconds(retryAfterMs);
    super(TOO_MANY_REQUESTS, 'RATE_LIMITED' satisfies RequestLimitErrorCode, describe(policy, seconds), {
      limit: policy.name,
      retryAfterSeconds: seconds,
      // The member the draft's quota-exceeded problem type defines, so generic clients find it.
      'violated-policies': [policy.name],
    });
  }
}

function describe({ name, ratePerSecond, burst }: RequestLimitPolicy, seconds: number): string {
  const limit = `${ratePerSecond} requests per second, bursts of up to ${burst}`;
  const owner =
    name === 'api-key'
      ? `this API key's request limit (${limit})`
      : `the tenant's request limit, shared by all its API keys (${limit})`;
  return `${owner} is used up; retry in ${seconds} s`;
}
