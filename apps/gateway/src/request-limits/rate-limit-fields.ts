/*
 * The RateLimit-Policy and RateLimit response fields of draft-ietf-httpapi-ratelimit-headers-11
 * (May 2026): each a Structured Fields list of items, a quoted policy name with parameters.
 *   RateLimit-Policy: "api-key";q=200;w=2, "tenant";q=600;w=2
 *   RateLimit: "api-key";r=153, "tenant";r=580
 * A token bucket has no fixed window, so a policy's q is its burst and w the seconds the bucket
 * takes to refill from empty. The effective window t is only sent with a refusal, where it is
 * exactly known: the seconds until a request is admitted again (Retry-After says the same, and the
 * draft wants Retry-After no earlier than the end of that window).
 */

/** The limits a request passes, in the order they are checked. */
export type RequestLimitName = 'api-key' | 'tenant';

export interface RequestLimitPolicy {
  name: RequestLimitName;
  ratePerSecond: number;
  burst: number;
}

/** What one limit answered for one request. */
export type RequestLimitAnswer =
  | { policy: RequestLimitPolicy; granted: true; remaining: number }
  | { policy: RequestLimitPolicy; granted: false; remaining: number; retryAfterMs: number };

export function rateLimitPolicyField(policies: readonly RequestLimitPolicy[]): string {
  return policies
    .map(
      ({ name, ratePerSecond, burst }) =>
        `"${name}";q=${burst};w=${Math.max(1, Math.ceil(burst / ratePerSecond))}`,
    )
    .join(', ');
}

export function rateLimitField(answers: readonly RequestLimitAnswer[]): string {
  return answers
    .map((answer) => {
      const remaining = `"${answer.policy.name}";r=${Math.max(0, Math.floor(answer.remaining))}`;
      return answer.granted ? remaining : `${remaining};t=${retryAfterSeconds(answer.retryAfterMs)}`;
    })
    .join(', ');
}

/** Whole seconds (the delay-seconds of RFC 9110), rounded up so that a client never comes back early. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}
