import type { TopicContract, TopicName, TopicPayloads } from '@switchboard/contracts';

/** An EventSink (of @switchboard/messaging) that keeps what use cases publish, per topic, for specs. */
export class RecordingEventSink {
  readonly published = new Map<string, unknown[]>();

  async publishMany<Topic extends TopicName>(
    topic: Topic,
    payloads: readonly TopicPayloads[Topic][],
  ): Promise<void> {
    this.published.set(String(topic), [...(this.published.get(String(topic)) ?? []), ...payloads]);
  }

  on<Payload>(contract: TopicContract<Payload>): Payload[] {
    return (this.published.get(contract.topic) ?? []) as Payload[];
  }
}
