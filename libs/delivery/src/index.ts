export { seededRandom, systemClock, type Clock, type Random } from './clock';
export { DeliveryError, type DeliveryErrorCode } from './delivery-error';
export {
  classifyAwsError,
  classifyPushResponse,
  classifySesError,
  classifySnsError,
  maskPersonalData,
  parseRetryAfter,
  SES_ERROR_CODES,
  SNS_ERROR_CODES,
  type AwsErrorCodes,
  type ProviderFailure,
  type ProviderFailureKind,
} from './provider-failure';
export {
  RetryPolicy,
  retryTierFor,
  type RetryDecision,
  type RetryGiveUpReason,
  type RetryInput,
  type RetryPolicyOptions,
  type RetryTier,
} from './retry-policy';
export {
  CircuitBreaker,
  type CircuitAcquisition,
  type CircuitBreakerOptions,
  type CircuitBreakerSnapshot,
  type CircuitState,
  type CircuitTransition,
  type CircuitTransitionListener,
  type CircuitTransitionReason,
} from './circuit-breaker';
export { TokenBucket, type TokenBucketOptions, type TokenGrant } from './token-bucket';
export {
  SHARED_RATE_LIMITER_TABLE,
  SharedRateLimiter,
  type AcquireOptions,
  sharedRateLimiterDropTableSql,
  sharedRateLimiterTableSql,
  type SharedRateLimiterOptions,
  type SqlQuery,
  type TryAcquireResult,
} from './shared-rate-limiter';
export {
  ProviderFailover,
  type FailoverCandidate,
  type ProviderChoice,
  type ProviderFailoverOptions,
} from './provider-failover';
