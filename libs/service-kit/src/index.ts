export { PUBLIC_ROUTE, PublicRoute, publicRouteReason } from './access/route-access';
export { ServiceAccessModule, type ServiceAccessOptions } from './access/service-access.module';
export { ServiceCredentialGuard, type ServiceCaller } from './access/service-credential.guard';
export { ConfigModule } from './config/config.module';
export {
  EVENT_LOOP_DEFAULTS,
  EventLoopWatchdog,
  type EventLoopVerdict,
  type EventLoopWatchdogOptions,
} from './health/event-loop-watchdog';
export { HealthModule } from './health/health.module';
export { HealthController, type LivenessReport, type ReadinessReport } from './health/health.controller';
export { READINESS_CHECKS, type ReadinessCheck } from './health/readiness-check';
export { BATCH_BODY_ROUTE, MAX_BATCH_ITEM_DEPTH } from './json-body';
export { parseInput } from './parse-input';
export {
  PROBLEM_CONTENT_TYPE,
  problem,
  RETRY_AFTER_SECONDS,
  ProblemDetailsFilter,
  ProblemException,
  sendProblem,
  toProblem,
  type ProblemDocument,
} from './problem-details';
export {
  DEFAULT_SHUTDOWN_GRACE_MS,
  leaveSignalsToHost,
  runService,
  type RunningService,
  type StartFromEnvironment,
  type ServiceOptions,
  type ServiceTlsOptions,
} from './run-service';
