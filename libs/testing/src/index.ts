export { freePort } from './free-port';
export { kcatAvailable, kcatProduce, type KcatProduceOptions } from './kcat';
export { OtlpSpanKind, type CollectedSpan } from './otlp-json';
export { repoRoot } from './repo-root';
export { startServiceProcess, type ServiceProcess, type ServiceProcessOptions } from './service-process';
export {
  connectToSesEmulator,
  startSesEmulator,
  type SentEmail,
  type SesEmulator,
  type SesMailbox,
} from './ses-emulator';
export { createTestBroker, type TestBroker } from './test-broker';
export { createTestDatabase, type TestDatabase } from './test-database';
export { startTraceCollector, type TraceCollector } from './trace-collector';
export { waitFor } from './wait-for';
export {
  PLATFORM_SERVICES,
  startPlatform,
  type PlatformInfrastructure,
  type PlatformServiceName,
  type RunningPlatform,
  type StartPlatformOptions,
} from './platform';
export {
  connectProducer,
  observeTopics,
  testKafka,
  type ObservedRecord,
  type TopicObserver,
} from './topic-observer';
