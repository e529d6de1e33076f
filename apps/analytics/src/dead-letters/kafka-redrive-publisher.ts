import type { BeforeApplicationShutdown } from '@nestjs/common';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/** A record to put back on its original topic: its own key and value, with redrive headers. */
export interface RedrivenRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface RedrivePublisher {
  /** Resolves once every record is acknowledged by all in-sync replicas. */
  publish(records: readonly RedrivenRecord[]): Promise<void>;
}

/**
 * Sends redriven records byte for byte. EventPublisher only sends contract-checked payloads to typed
 * topics, while a dead letter may be an invalid payload of any topic (an upstream one too), so this
 * has its own idempotent producer.
 */
export class KafkaRedrivePublisher implements RedrivePublisher, BeforeApplicationShutdown {
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    // Same partitioner as every other Switchboard producer: a key goes back to its partition.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async publish(records: readonly RedrivenRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    await this.connecting;
    const byTopic = new Map<string, RedrivenRecord[]>();
    for (const record of records) byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, topicRecords]) => ({
        topic,
        messages: topicRecords.map(({ key, value, headers }) => ({ key, value, headers })),
      })),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.connecting) await this.producer.disconnect();
  }
}
