import type { TopicContract, TopicName, TopicPayloads } from '@switchboard/contracts';
import type { EventSink } from '../../src/messages/ingest-message';

/** Keeps what use cases publish, per topic, for specs. */
export class RecordingEventSink implements EventSink {
  readonly published = new Map<string, unknown[]>();

  async publishMany<Topic extends TopicName>(
    topic: Topic,
    payloads: Array<TopicPayloads[Topic]>,
  ): Promise<void> {
    this.published.set(String(topic), [...(this.published.get(String(topic)) ?? []), ...payloads]);
  }

  on<Payload>(contract: TopicContract<Payload>): Payload[] {
    return (this.published.get(contract.topic) ?? []) as Payload[];
  }
}
