import type { PriorityName } from '@switchboard/contracts';
import type { CircuitBreaker } from '@switchboard/delivery';
import type { ChannelProvider } from './channel-provider';

/** What a provider's rate limit needs to offer (SharedRateLimiter, TokenBucket adapters). */
export interface RateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  /** Tokens this replica holds and has not handed out yet, when the limiter leases them. */
  readonly leasedTokens?: number;
  /** Tokens of the burst that only high priority may take, when the limiter holds some back. */
  readonly reservedTokens?: number;
  /** Only 'high' may take the share of the limit held back for high priority. */
  acquire(count: number, signal?: AbortSignal, options?: { priority?: PriorityName }): Promise<void>;
  /** How long `count` tokens are from being there, without waiting; a hint for putting dispatches off. */
  estimateWaitMs?(count: number, options?: { priority?: PriorityName }): number;
}

/** One configured provider with its circuit breaker and rate limit. */
export interface ProviderRoute<TDispatch> {
  provider: ChannelProvider<TDispatch>;
  breaker: CircuitBreaker;
  rateLimiter: RateLimiter;
}
