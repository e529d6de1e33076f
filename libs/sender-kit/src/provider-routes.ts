import {
  CircuitBreaker,
  SharedRateLimiter,
  type CircuitBreakerOptions,
  type Clock,
  type SqlQuery,
} from '@switchboard/delivery';
import type { ChannelProvider } from './channel-provider';
import type { ProviderRoute } from './provider-route';

export interface ProviderRateLimit {
  ratePerSecond: number;
  burst: number;
}

export interface ProviderRoutesOptions {
  /** Names the shared rate-limit buckets (`<channel>:<provider>`), e.g. 'sms'. */
  channel: string;
  /** Runs the rate limiter's statement; the app's schema holds `sharedRateLimiterTableSql`. */
  query: SqlQuery;
  schema: string;
  /** Per provider name; providers not listed use `defaultRateLimit`. */
  rateLimits?: Record<string, ProviderRateLimit>;
  defaultRateLimit: ProviderRateLimit;
  /** The share of each provider's burst only high priority may take (0 to 0.9). Default 0. */
  highPriorityShare?: number;
  breaker?: Omit<CircuitBreakerOptions, 'provider' | 'clock'>;
  clock?: Clock;
}

/**
 * Each provider, in order of preference, with its own circuit breaker and a rate limit shared by
 * every replica through PostgreSQL.
 */
export function providerRoutes<TDispatch>(
  providers: ReadonlyArray<ChannelProvider<TDispatch>>,
  options: ProviderRoutesOptions,
): Array<ProviderRoute<TDispatch>> {
  return providers.map((provider) => {
    const limit = options.rateLimits?.[provider.name] ?? options.defaultRateLimit;
    return {
      provider,
      breaker: new CircuitBreaker({
        ...options.breaker,
        provider: provider.name,
        ...(options.clock ? { clock: options.clock } : {}),
      }),
      rateLimiter: new SharedRateLimiter({
        query: options.query,
        schema: options.schema,
        bucketKey: `${options.channel}:${provider.name}`,
        ratePerSecond: limit.ratePerSecond,
        burst: limit.burst,
        highPriorityShare: options.highPriorityShare ?? 0,
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    };
  });
}
