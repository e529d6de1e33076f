import type { RenderRequested } from '@switchboard/contracts';
import type { RouteDecisionName } from './decide-route';

/** A routing decision as the router records it, once per message. */
export interface DecisionRecord {
  tenantId: string;
  messageId: string;
  decision: RouteDecisionName;
  channel: 'email';
  address: string;
  reason?: string;
  decidedAt: Date;
}

/** A deferred message, released as this render request once it is due. */
export interface ScheduledRender {
  tenantId: string;
  messageId: string;
  dueAt: Date;
  renderRequest: RenderRequested;
}

export abstract class DecisionStore {
  /**
   * Records the decisions of messages not decided before, and the schedules of the ones among
   * them that were deferred, in one transaction; returns the ids it recorded.
   */
  abstract recordNew(decisions: DecisionRecord[], schedules: ScheduledRender[]): Promise<Set<string>>;

  /** The recorded decisions among these message ids. */
  abstract findByIds(messageIds: string[]): Promise<DecisionRecord[]>;
}
