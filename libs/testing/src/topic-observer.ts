import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';

/** Opens the sealed personal fields of a topic's payload (connectPayloadCipher of @switchboard/encryption). */
export interface PayloadOpener {
  open(topic: string, payload: unknown): Promise<unknown>;
}

export interface ObservedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** The value parsed as JSON (its personal fields opened, given a cipher), or the raw text when it is not JSON. */
  value: unknown;
  /** The value as written on the topic: personal fields sealed. */
  written: unknown;
  headers: Record<string, string>;
}

/** Reads every record of the given topics from the beginning, as the next stage would. */
export interface TopicObserver {
  records(topic: string): ObservedRecord[];
  payloads<T>(topic: string): T[];
  stop(): Promise<void>;
}

export function testKafka(brokers: string[], clientId = `int-spec-${randomUUID()}`): Kafka {
  return new Kafka({ brokers, clientId, logLevel: logLevel.NOTHING });
}

/**
 * `options.cipher`: open the sealed personal fields of each payload, as the next stage would; a
 * payload that cannot be opened is kept as written. Without it, payloads are seen as written.
 */
export async function observeTopics(
  kafka: Kafka,
  topics: string[],
  options: { cipher?: PayloadOpener } = {},
): Promise<TopicObserver> {
  const seen: ObservedRecord[] = [];
  // A short long-poll lets stop() return at once instead of waiting out a parked fetch.
  const consumer: Consumer = kafka.consumer({ groupId: `observer-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const text = message.value?.toString('utf8') ?? '';
      let value: unknown = text;
      try {
        value = JSON.parse(text);
      } catch {
        // Kept as text: dead letters carry whatever the producer sent.
      }
      const written = value;
      if (options.cipher && typeof value === 'object' && value !== null) {
        value = await options.cipher.open(topic, value).catch(() => written);
      }
      const headers: Record<string, string> = {};
      for (const [name, header] of Object.entries(message.headers ?? {})) {
        if (header !== undefined) headers[name] = header.toString();
      }
      seen.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        value,
        written,
        headers,
      });
    },
  });
  const records = (topic: string) => seen.filter((record) => record.topic === topic);
  return {
    records,
    payloads: <T>(topic: string) => records(topic).map((record) => record.value as T),
    stop: () => consumer.disconnect(),
  };
}

/** Sends raw values, as an upstream system or another service would. */
export async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  return producer;
}
