import { InappChannelTopics, type PriorityName } from '@switchboard/contracts';

export interface InappLane {
  lane: PriorityName;
  topic: (typeof InappChannelTopics.lanes)[PriorityName]['topic'];
  /** Each lane is its own consumer group, so a bulk backlog never holds back high priority. */
  groupId: string;
}

export const INAPP_LANES: readonly PriorityName[] = ['high', 'normal', 'bulk'];

export function inappLanes(groupPrefix = 'sender-inapp'): InappLane[] {
  return INAPP_LANES.map((lane) => ({
    lane,
    topic: InappChannelTopics.lanes[lane].topic,
    groupId: `${groupPrefix}.${lane}`,
  }));
}
