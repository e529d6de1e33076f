// --hops: the bench also reads the topics a message travels and notes when each hop handed it on,
// so that its latency splits hop by hop. A record's timestamp is when its producer encoded the
// request (kafkajs stamps it then), so a hop's figure includes waiting for its own publisher but
// not the produce round trip, which counts towards the next hop. Only headers are read: the
// payloads stay sealed.
import {
  EmailChannelTopics,
  HeaderName,
  InappChannelTopics,
  MessageAcceptedTopics,
  MessageRequestedTopics,
  PushChannelTopics,
  RenderRequestedTopics,
  SmsChannelTopics,
} from '@switchboard/contracts';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { StepTimes } from './workload';

export type HopStep = 'requestPublished' | 'acceptedPublished' | 'renderPublished' | 'dispatchPublished';

const laneTopics = (lanes: Record<string, { topic: string }>) =>
  Object.values(lanes).map(({ topic }) => topic);

/** Each hop topic (every priority lane), with the step its records mark. */
const HOP_TOPIC_STEPS = new Map<string, HopStep>([
  ...laneTopics(MessageRequestedTopics).map((topic) => [topic, 'requestPublished'] as const),
  ...laneTopics(MessageAcceptedTopics).map((topic) => [topic, 'acceptedPublished'] as const),
  ...laneTopics(RenderRequestedTopics).map((topic) => [topic, 'renderPublished'] as const),
  ...[EmailChannelTopics, SmsChannelTopics, PushChannelTopics, InappChannelTopics].flatMap((channel) =>
    laneTopics(channel.lanes).map((topic) => [topic, 'dispatchPublished'] as const),
  ),
]);

/** The hop topics the broker has: a channel whose sender is not running may have none. */
export async function existingHopTopics(kafka: Kafka): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((topic) => HOP_TOPIC_STEPS.has(topic));
  } finally {
    await admin.disconnect();
  }
}

/** Notes when the record's hop handed its message on; a redelivered record keeps the first time. */
export function recordHopStep(steps: Map<string, StepTimes>, topic: string, message: KafkaMessage): void {
  const step = HOP_TOPIC_STEPS.get(topic);
  const messageId = message.headers?.[HeaderName.messageId]?.toString();
  if (step === undefined || messageId === undefined) return;
  const times = steps.get(messageId) ?? {};
  times[step] ??= Number(message.timestamp);
  steps.set(messageId, times);
}
