import { DEAD_LETTER_TOPIC } from '@switchboard/contracts';
import type { Kafka } from 'kafkajs';
import { MessagingError } from './messaging-error';
import { nestMessagingLog, type MessagingLog } from './messaging-log';

export interface TopicSpec {
  topic: string;
  partitions: number;
}

export interface ProvisionOptions {
  /** Partitions of the dead-letter topic when it is created here. Default 1. */
  deadLetterPartitions?: number;
  log?: MessagingLog;
}

/**
 * Creates the topics that do not exist yet, and always the dead-letter topic; safe to run
 * on every start and from several services at once. An existing topic is never changed:
 * a different partition count is only reported.
 */
export async function provisionTopics(
  kafka: Kafka,
  topics: TopicSpec[],
  options: ProvisionOptions = {},
): Promise<void> {
  const log = options.log ?? nestMessagingLog('provisionTopics');
  const wanted = mergeTopicSpecs([
    { topic: DEAD_LETTER_TOPIC, partitions: options.deadLetterPartitions ?? 1 },
    ...topics,
  ]);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter(({ topic }) => !existing.has(topic));
    if (missing.length > 0) {
      // false means another service created them first, which is as good.
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map(({ topic, partitions }) => ({ topic, numPartitions: partitions })),
      });
      log('info', 'topics created', { topics: missing.map(({ topic }) => topic).join(' ') });
    }
    const present = wanted.filter(({ topic }) => existing.has(topic));
    if (present.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: present.map(({ topic }) => topic) });
      for (const { name, partitions } of metadata.topics) {
        const expected = present.find(({ topic }) => topic === name)?.partitions;
        if (expected !== undefined && partitions.length !== expected) {
          log('warn', 'topic exists with a different partition count; left as it is', {
            topic: name,
            partitions: partitions.length,
            expected,
          });
        }
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** One spec per topic (the later one wins), each checked. */
export function mergeTopicSpecs(topics: readonly TopicSpec[]): TopicSpec[] {
  const byTopic = new Map<string, TopicSpec>();
  for (const spec of topics) {
    if (spec.topic.trim() === '')
      throw new MessagingError('INVALID_OPTION', 'a topic name must not be empty');
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
      throw new MessagingError(
        'INVALID_OPTION',
        `${spec.topic}: partitions must be a positive integer, got ${spec.partitions}`,
      );
    }
    byTopic.set(spec.topic, spec);
  }
  return [...byTopic.values()];
}
