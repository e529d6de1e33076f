import { EmailDispatchTopics, type PriorityName } from '@switchboard/contracts';

export interface EmailLane {
  lane: PriorityName;
  topic: (typeof EmailDispatchTopics)[PriorityName]['topic'];
  /** Each lane is its own consumer group, so a bulk backlog never holds back high priority. */
  groupId: string;
  concurrency: number;
}

export const EMAIL_LANES: readonly PriorityName[] = ['high', 'normal', 'bulk'];

export function emailLanes(
  concurrency: Record<PriorityName, number>,
  groupPrefix = 'sender-email',
): EmailLane[] {
  return EMAIL_LANES.map((lane) => ({
    lane,
    topic: EmailDispatchTopics[lane].topic,
    groupId: `${groupPrefix}.${lane}`,
    concurrency: concurrency[lane],
  }));
}
