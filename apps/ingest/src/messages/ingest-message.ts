import type { MessageAccepted, TopicName, TopicPayloads } from '@switchboard/contracts';
import type { UpstreamPosition } from '../upstream/upstream-message-id';

/** A message ingest is about to accept, and the upstream record it came from, if any. */
export interface IngestMessage {
  message: MessageAccepted;
  upstream?: UpstreamPosition;
}

/** What ingest's use cases publish through; the messaging lib's EventPublisher is one. */
export interface EventSink {
  publishMany<Topic extends TopicName>(topic: Topic, payloads: Array<TopicPayloads[Topic]>): Promise<unknown>;
}

export const INGEST_SOURCE = 'ingest';
