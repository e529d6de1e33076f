export { adoptCommittedOffsets } from './adopt-committed-offsets';
export type { RawRecord } from './consumer/batch-worker';
export { ConsumerRunner } from './consumer/consumer-runner';
export type { BatchOutcome, ConsumedEvent, HandlerOutcome } from './consumer/consumed-event';
export { COLLECTING_FETCH, type ConsumerRunnerOptions } from './consumer/consumer-options';
export {
  highPriorityGroupId,
  LOWER_LANE_MAX_BYTES_PER_PARTITION,
  PriorityLaneConsumer,
  type PriorityLaneHandler,
  type PriorityLaneTopics,
} from './consumer/priority-lanes';
export { eventHeaders, readHeaders, type DeadLetterReason, type PublishOptions } from './event-headers';
export { EventPublisher, type DeadLetter } from './event-publisher';
export type { EventSink } from './event-sink';
export {
  createKafka,
  kafkaSettingsFromConfig,
  type KafkaConnectionConfig,
  type KafkaSaslMechanism,
  type KafkaSaslSettings,
  type KafkaSettings,
  type KafkaTlsSettings,
} from './kafka';
export { UNDECODABLE_BATCH_HEADER, UNDECODABLE_FIRST_OFFSET_HEADER } from './kafkajs-codecs';
export { MessagingError, type MessagingErrorCode } from './messaging-error';
export {
  nestMessagingLog,
  type MessagingLog,
  type MessagingLogFields,
  type MessagingLogLevel,
} from './messaging-log';
export { ConsumerHost, hostedConsumerLifecycle, type HostedConsumer } from './nest/consumer-host';
export { consumerReadiness } from './nest/consumer-readiness';
export { MessagingHealthIndicator } from './nest/messaging-health.indicator';
export { MessagingModule } from './nest/messaging.module';
export { KAFKA, PAYLOAD_CIPHER, type MessagingModuleOptions } from './nest/tokens';
export type { OpenedPayload, PayloadCipher } from './payload-cipher';
export { provisionTopics, type ProvisionOptions, type TopicSpec } from './provision-topics';
export { inTraceOfMessage } from './trace-causes';
export {
  ERASURE_TOPICS,
  RecipientErasureConsumer,
  type ErasedRows,
  type ErasureProgress,
  type RecipientEraser,
  type RecipientErasureConsumerOptions,
} from './erasure/recipient-erasure-consumer';
