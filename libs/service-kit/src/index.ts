export { HealthModule } from './health/health.module';
export { HealthController, type ReadinessReport } from './health/health.controller';
export { READINESS_CHECKS, type ReadinessCheck } from './health/readiness-check';
export { parseInput } from './parse-input';
export {
  PROBLEM_CONTENT_TYPE,
  problem,
  ProblemDetailsFilter,
  ProblemException,
  sendProblem,
  toProblem,
  type ProblemDocument,
} from './problem-details';
export { runService, type RunningService, type ServiceOptions } from './run-service';
