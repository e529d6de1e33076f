import { randomUUID } from 'node:crypto';
import type { DeliveryEvent, MessageRequested } from '@switchboard/contracts';
import {
  ConsumerRunner,
  createKafka,
  EventPublisher,
  provisionTopics,
  type ConsumerRunnerOptions,
  type TopicSpec,
} from '../../src';
import { createTestBroker, waitFor, type TestBroker } from '@switchboard/testing';
import type { IHeaders, Kafka } from 'kafkajs';

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface RawRecord {
  /** Where the record goes; by default where its key hashes to. */
  partition?: number;
  key?: string;
  value: string | null;
  headers?: IHeaders;
}

export interface MessagingHarness {
  broker: TestBroker;
  kafka: Kafka;
  publisher: EventPublisher;
  /** Every line the lib and kafkajs logged, as "level message (fields)". */
  logLines: string[];
  /** A runner with test timings (short fetch wait and backoff); closed with the harness. */
  runner(groupId: string, options?: Partial<ConsumerRunnerOptions>): ConsumerRunner;
  /** provisionTopics with the harness's log. */
  provision(topics: TopicSpec[]): Promise<void>;
  /** Records as another producer would write them, bypassing the contracts. */
  produceRaw(topic: string, records: RawRecord[]): Promise<void>;
  /** Reads a topic from the beginning until `count` records have arrived. */
  readRecords(topic: string, count: number): Promise<ReadRecord[]>;
  /** The group's committed offset for partition 0: the next offset it will read. */
  committedOffset(groupId: string, topic: string): Promise<number>;
  /** The number of records written to partition 0. */
  endOffset(topic: string): Promise<number>;
  close(): Promise<void>;
}

export const TEST_RUNNER_TIMINGS = {
  heartbeatIntervalMs: 300,
  sessionTimeoutMs: 6000,
  maxWaitTimeMs: 100,
  retryBackoffMs: 5,
} satisfies Partial<ConsumerRunnerOptions>;

export async function startMessagingHarness(): Promise<MessagingHarness> {
  const broker = await createTestBroker();
  const logLines: string[] = [];
  const log = (level: string, message: string, fields?: object) =>
    logLines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const kafka = createKafka({ brokers: broker.brokers, clientId: 'messaging-test' }, log);
  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const runners: ConsumerRunner[] = [];
  const rawProducer = kafka.producer({ allowAutoTopicCreation: true });
  let rawProducerConnected = false;
  const admin = kafka.admin();
  await admin.connect();

  return {
    broker,
    kafka,
    publisher,
    logLines,
    runner: (groupId, options = {}) => {
      const runner = new ConsumerRunner(kafka, publisher, {
        groupId,
        log,
        ...TEST_RUNNER_TIMINGS,
        ...options,
      });
      runners.push(runner);
      return runner;
    },
    provision: (topics) => provisionTopics(kafka, topics, { log }),
    produceRaw: async (topic, records) => {
      if (!rawProducerConnected) {
        await rawProducer.connect();
        rawProducerConnected = true;
      }
      await rawProducer.send({ topic, acks: -1, messages: records });
    },
    readRecords: async (topic, count) => {
      const records: ReadRecord[] = [];
      const reader = kafka.consumer({ groupId: `reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
      await reader.connect();
      await reader.subscribe({ topic, fromBeginning: true });
      await reader.run({
        eachMessage: async ({ partition, message }) => {
          records.push({
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: Object.fromEntries(
              Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
            ),
          });
        },
      });
      try {
        await waitFor(`${count} records on ${topic}`, () => records.length >= count);
      } finally {
        await reader.disconnect();
      }
      return records;
    },
    committedOffset: async (groupId, topic) => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const partition = offsets.partitions.find((entry) => entry.partition === 0);
      return Number(partition?.offset ?? -1);
    },
    endOffset: async (topic) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      return Number(offsets.find((entry) => entry.partition === 0)?.high ?? 0);
    },
    close: async () => {
      await Promise.all(runners.map((runner) => runner.stop()));
      if (rawProducerConnected) await rawProducer.disconnect();
      await admin.disconnect();
      await publisher.disconnect();
      await broker.stop();
    },
  };
}

export function deliveryEvent(overrides: Partial<DeliveryEvent> = {}): DeliveryEvent {
  return {
    tenantId: 'acme',
    messageId: randomUUID(),
    type: 'sent',
    occurredAt: new Date().toISOString(),
    source: 'sender-email',
    ...overrides,
  };
}

export function messageRequested(overrides: Partial<MessageRequested> = {}): MessageRequested {
  return {
    tenantId: 'acme',
    messageId: randomUUID(),
    acceptedAt: new Date().toISOString(),
    source: 'http',
    recipient: { email: 'ada.lovelace@example.com' },
    content: { templateKey: 'order-shipped', data: { orderNumber: 'A-1001' } },
    priority: 'normal',
    ...overrides,
  };
}
