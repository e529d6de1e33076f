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
  PostgresDeliveryLedger,
  type PostgresDeliveryLedgerOptions,
} from './postgres-delivery-ledger';
export { providerRoutes, type ProviderRateLimit, type ProviderRoutesOptions } from './provider-routes';
export {
  FAIR_SHARE_REASON,
  mayHaveBeenSent,
  SendDispatchesUsecase,
  type Dispatch,
  type ProviderRoute,
  type RateLimiter,
  type RetryTopic,
  type ScheduledRetry,
  type SendDispatchesDependencies,
  type SendOutcome,
  type SenderOutbox,
} from './send-dispatches.usecase';
export { SenderKitError, type SenderKitErrorCode } from './sender-kit-error';
