export { freePort } from './free-port';
export {
  kafkaPythonAvailable,
  kafkaPythonProduce,
  type KafkaPythonCodec,
  type KafkaPythonProduceOptions,
} from './kafka-python';
export { startKmsEmulator, type KmsCall, type KmsEmulator } from './kms-emulator';
export { kcatAvailable, kcatProduce, type KcatProduceOptions } from './kcat';
export { OtlpSpanKind, type CollectedSpan } from './otlp-json';
export { repoRoot } from './repo-root';
export {
  invalidServiceCredentials,
  serviceAuthorization,
  TEST_SERVICE_TOKEN_SECRETS,
  type InvalidServiceCredential,
} from './service-credentials';
export { TEST_ENCRYPTION_VARIABLES } from './encryption-keys';
export { startServiceProcess, type ServiceProcess, type ServiceProcessOptions } from './service-process';
export {
  connectToSesEmulator,
  startSesEmulator,
  type SentEmail,
  type SesEmulator,
  type SesMailbox,
} from './ses-emulator';
export { createTestBroker, type TestBroker, type TestBrokerOptions } from './test-broker';
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
export { waitFor } from './wait-for';
export {
  CHANNEL_SENDER_SERVICES,
  PLATFORM_SERVICES,
  startPlatform,
  type AnyPlatformServiceName,
  type ChannelSenderServiceName,
  type ChannelSenderSettings,
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
  type PayloadOpener,
  type TopicObserver,
} from './topic-observer';
export {
  connectToSnsEmulator,
  startSnsEmulator,
  testSnsSigningIdentity,
  type InboundSms,
  type InboundSmsDelivery,
  type SnsSigningIdentity,
  type SentSms,
  type SmsFaultSettings,
  type SmsMessageAttribute,
  type SmsOutbox,
  type SmsPublishAttempt,
  type SnsEmulator,
} from './sns-emulator';
export {
  connectToSesFaultProxy,
  startSesFaultProxy,
  type EmailFaultSettings,
  type SesFaultControl,
  type SesFaultProxy,
  type SesSendAttempt,
} from './ses-fault-proxy';
export {
  connectToPushService,
  startPushService,
  type LocalPushSubscription,
  type PushService,
  type PushServiceControl,
  type PushSubscriptionFailure,
  type PushUrgency,
  type ReceivedPush,
} from './push-service';
export { FaultSettingsError, type FaultSettings, type SandboxFaults } from './sandbox-faults';
