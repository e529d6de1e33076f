import type { ChannelName, ChannelPolicyName, RenderRequested } from '@switchboard/contracts';
import type { RouteDecisionName } from './decide-route';

/** A routing decision as the router records it, once per message. */
export interface DecisionRecord {
  tenantId: string;
  messageId: string;
  decision: RouteDecisionName;
  /** The first chosen channel, or the one channel considered when a message was skipped. */
  channel?: ChannelName;
  address?: string;
  reason?: string;
  decidedAt: Date;
  channelPolicy: ChannelPolicyName;
  /**
   * The render requests of the chosen channels, in order of preference: 'all' publishes every one,
   * 'fallback' the first and keeps the others for when a channel fails.
   */
  renderRequests: RenderRequested[];
}

/** A deferred message, released as these render requests once it is due. */
export interface ScheduledRender {
  tenantId: string;
  messageId: string;
  dueAt: Date;
  renderRequests: RenderRequested[];
}

/** A message moved from a failed channel to the next one of its decision. */
export interface Reroute {
  tenantId: string;
  messageId: string;
  fromChannel: ChannelName;
  toChannel: ChannelName;
  reason: string;
  reroutedAt: Date;
}

export abstract class DecisionStore {
  /**
   * Records the decisions of messages not decided before, and the schedules of the ones among
   * them that were deferred, in one transaction; returns the ids it recorded.
   */
  abstract recordNew(decisions: DecisionRecord[], schedules: ScheduledRender[]): Promise<Set<string>>;

  /** The recorded decisions among these message ids. */
  abstract findByIds(messageIds: string[]): Promise<DecisionRecord[]>;

  /**
   * Records the reroute unless the message was already rerouted away from that channel, and runs
   * `publish` before the record is final, so a failed publish leaves nothing recorded. False when
   * the reroute had been recorded before (and `publish` did not run).
   */
  abstract recordReroute(reroute: Reroute, publish: () => Promise<void>): Promise<boolean>;
}
