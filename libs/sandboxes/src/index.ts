// The local provider sandboxes and the platform launcher that `npm start` runs, and that tests
// drive as well. The HTTP helpers are public so the test harness builds its own sandboxes on them.
export { freePort } from './free-port';
export { repoRoot } from './repo-root';
export { startServiceProcess, type ServiceProcess, type ServiceProcessOptions } from './service-process';
export { compiledServiceEntry, SERVICES_HOST_ENTRY } from './service-build';
export {
  connectToSesEmulator,
  startSesEmulator,
  type SentEmail,
  type SesEmulator,
  type SesMailbox,
} from './ses-emulator';
export { waitFor } from './wait-for';
export {
  CHANNEL_SENDER_SERVICES,
  PLATFORM_SERVICES,
  SERVICES_HOST,
  SERVICES_HOST_HEAP_MB,
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
export { closeServer, listen, reachableHost, readBody } from './http-server';
export { sendJson } from './sandbox-http';
