import { RETRY_TIERS, type PriorityName, type RetryTier } from '@switchboard/contracts';
import { highPriorityGroupId } from '@switchboard/messaging';

/** A channel's topics as libs/contracts defines them (e.g. SmsChannelTopics). */
export interface ChannelTopics {
  lanes: Record<PriorityName, { topic: string }>;
  retries: Record<RetryTier, { topic: string }>;
}

/**
 * A channel sender's two consumer groups: the high lane's own, so that high priority is fetched
 * while a lower lane's batch is still being sent, and one for everything else.
 */
export function channelSenderGroups(source: string): { high: string; rest: string } {
  return { high: highPriorityGroupId(source), rest: source };
}

/**
 * Where the topics of the `rest` group were read before, one group per lane and per retry tier:
 * the group starts from their committed offsets. The high lane kept its group and its name.
 */
export function formerChannelSenderGroups(
  source: string,
  topics: ChannelTopics,
): Array<{ from: string; topics: string[] }> {
  return [
    ...(['normal', 'bulk'] as const).map((lane) => ({
      from: `${source}.${lane}`,
      topics: [topics.lanes[lane].topic],
    })),
    ...RETRY_TIERS.map((tier) => ({ from: `${source}.retry.${tier}`, topics: [topics.retries[tier].topic] })),
  ];
}
