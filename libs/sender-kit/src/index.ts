export { awsClientConfig, type AwsClientConfig, type AwsClientSettings } from './aws-client-config';
export type {
  ChannelProvider,
  DeliveryDetail,
  ProviderSendContext,
  ProviderSendResult,
} from './channel-provider';
export {
  AWS_REGION,
  channelSenderConfigProblems,
  channelSenderVariables,
  configuredChannelSenderOptions,
  regionalProvider,
  type ChannelSenderConfig,
  type ChannelSenderSettings,
  type ChannelSenderSetup,
  type ChannelSenderVariableOptions,
  type ChannelSenderVariables,
  type ConfiguredChannelSenderOptions,
  type ProviderRateLimitSetting,
  type RegionalProviderSetting,
} from './channel-sender-config';
export {
  ChannelSender,
  PRIORITY_LANES,
  type ChannelSenderOptions,
  type ChannelSenderStatus,
  type ChannelTopics,
  type ProviderStatus,
} from './channel-sender';
export {
  DELIVERY_COUNTERS,
  DeliveryCounters,
  type DeliveryCounterName,
  type DeliveryCountersSnapshot,
} from './delivery-counters';
export type {
  DeliveryClaim,
  DeliveryLedger,
  DeliveryOutcome,
  DeliveryToClaim,
  FinishedDelivery,
} from './delivery-ledger';
export {
  CHANNEL_SENDER,
  ChannelSenderModule,
  ChannelSenderReadiness,
  ProviderStatusController,
  type ChannelSenderModuleOptions,
  type ChannelSenderServiceConfig,
  type ChannelSenderServiceOptions,
} from './nest/channel-sender.module';
export {
  FairShare,
  type Admission,
  type AdmitOptions,
  type FairShareOptions,
  type Slot,
  type Turn,
} from './fair-share';
export {
  DELIVERY_LEDGER_TABLE,
  deliveryLedgerDropTableSql,
  deliveryLedgerTableSql,
  DeliveryLedgerRepository,
  type DeliveryLedgerRepositoryOptions,
} from './delivery-ledger.repository';
export { providerRoutes, type ProviderRateLimit, type ProviderRoutesOptions } from './provider-routes';
export type { Dispatch, RetryTopic, ScheduledRetry, SendOutcome } from './dispatch-batch';
export { mayHaveBeenSent } from './failure-decision';
export type { ProviderRoute, RateLimiter } from './provider-route';
export { FAIR_SHARE_REASON } from './put-offs';
export {
  SendDispatchesUsecase,
  type SendDispatchesDependencies,
  type SenderOutbox,
} from './send-dispatches.usecase';
export { SenderKitError, type SenderKitErrorCode } from './sender-kit-error';
