export {
  kafkaPythonAvailable,
  kafkaPythonProduce,
  type KafkaPythonCodec,
  type KafkaPythonProduceOptions,
} from './kafka-python';
export { RecordingEventSink } from './recording-event-sink';
export { startKmsEmulator, type KmsCall, type KmsEmulator } from './kms-emulator';
export { kcatAvailable, kcatProduce, type KcatProduceOptions } from './kcat';
export { OtlpSpanKind, type CollectedSpan } from './otlp-json';
export {
  invalidServiceCredentials,
  serviceAuthorization,
  TEST_SERVICE_TOKEN_SECRETS,
  type InvalidServiceCredential,
} from './service-credentials';
export { TEST_ENCRYPTION_VARIABLES } from './encryption-keys';
export {
  createTestBroker,
  TEST_CONSUMER_TIMINGS,
  type TestBroker,
  type TestBrokerOptions,
} from './test-broker';
export { createTestCertificates, type TestCertificate, type TestCertificates } from './test-certificates';
export {
  startTcpFaultProxy,
  type TcpConnectionCounts,
  type TcpCutMode,
  type TcpFaultProxy,
  type TcpFaultProxyOptions,
  type TcpProxyState,
} from './tcp-fault-proxy';
export { createTestDatabase, type TestDatabase } from './test-database';
export { startTraceCollector, type TraceCollector } from './trace-collector';
export {
  connectProducer,
  observeTopics,
  testKafka,
  type ObservedRecord,
  type PayloadOpener,
  type TopicObserver,
} from './topic-observer';
// The sandboxes and the platform launcher live in @switchboard/sandboxes, which `npm start` uses
// without the test harness; tests keep importing them from here.
export {
  CHANNEL_SENDER_SERVICES,
  connectToPushService,
  connectToSesEmulator,
  connectToSesFaultProxy,
  connectToSnsEmulator,
  FaultSettingsError,
  freePort,
  PLATFORM_SERVICES,
  repoRoot,
  startPlatform,
  startPushService,
  startServiceProcess,
  startSesEmulator,
  startSesFaultProxy,
  startSnsEmulator,
  testSnsSigningIdentity,
  waitFor,
  type AnyPlatformServiceName,
  type ChannelSenderServiceName,
  type ChannelSenderSettings,
  type EmailFaultSettings,
  type FaultSettings,
  type InboundSms,
  type InboundSmsDelivery,
  type LocalPushSubscription,
  type PlatformInfrastructure,
  type PlatformServiceName,
  type PushService,
  type PushServiceControl,
  type PushSubscriptionFailure,
  type PushUrgency,
  type ReceivedPush,
  type RunningPlatform,
  type SandboxFaults,
  type SentEmail,
  type SentSms,
  type ServiceProcess,
  type ServiceProcessOptions,
  type SesEmulator,
  type SesFaultControl,
  type SesFaultProxy,
  type SesMailbox,
  type SesSendAttempt,
  type SmsFaultSettings,
  type SmsMessageAttribute,
  type SmsOutbox,
  type SmsPublishAttempt,
  type SnsEmulator,
  type SnsSigningIdentity,
  type StartPlatformOptions,
} from '@switchboard/sandboxes';
