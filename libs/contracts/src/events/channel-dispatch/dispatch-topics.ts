import type { z } from 'zod';
import type { ChannelName, PriorityName } from '../../common';
import { defineTopic, type PersonalData, type TopicContract } from '../../topic-contract';

export type DispatchTopicName<
  Channel extends ChannelName,
  Lane extends PriorityName,
> = `sb.dispatch.${Channel}.${Lane}.v1`;

/** Delays of the retry topics: a retry waits in the largest tier not above its backoff. */
export const RETRY_TIERS = ['1s', '10s', '1m', '10m'] as const;
export type RetryTier = (typeof RETRY_TIERS)[number];
export const RETRY_TIER_DELAY_MS: Record<RetryTier, number> = {
  '1s': 1_000,
  '10s': 10_000,
  '1m': 60_000,
  '10m': 600_000,
};
export type RetryTopicName<
  Channel extends ChannelName,
  Tier extends RetryTier,
> = `sb.retry.${Channel}.${Tier}.v1`;

interface DispatchDefinition<TPayload> {
  schemaName: string;
  schema: z.ZodType<TPayload>;
  key(payload: NoInfer<TPayload>): string;
  personalData: PersonalData<NoInfer<TPayload>>;
}

/**
 * One topic per priority lane, so a bulk backlog never delays high-priority sends, and one retry
 * topic per delay tier carrying the same payload (the attempt and not-before time travel in
 * headers), so a waiting retry never blocks fresh dispatches.
 */
export function dispatchTopics<TPayload, const Channel extends ChannelName>(
  channel: Channel,
  definition: DispatchDefinition<TPayload>,
) {
  const topic = <const Name extends `sb.${string}.v1`>(name: Name): TopicContract<TPayload, Name> =>
    defineTopic({ topic: name, schemaVersion: 1, ...definition });
  return {
    lanes: {
      high: topic(`sb.dispatch.${channel}.high.v1` as DispatchTopicName<Channel, 'high'>),
      normal: topic(`sb.dispatch.${channel}.normal.v1` as DispatchTopicName<Channel, 'normal'>),
      bulk: topic(`sb.dispatch.${channel}.bulk.v1` as DispatchTopicName<Channel, 'bulk'>),
    },
    retries: {
      '1s': topic(`sb.retry.${channel}.1s.v1` as RetryTopicName<Channel, '1s'>),
      '10s': topic(`sb.retry.${channel}.10s.v1` as RetryTopicName<Channel, '10s'>),
      '1m': topic(`sb.retry.${channel}.1m.v1` as RetryTopicName<Channel, '1m'>),
      '10m': topic(`sb.retry.${channel}.10m.v1` as RetryTopicName<Channel, '10m'>),
    },
  };
}
