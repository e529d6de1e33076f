import type {
  ChannelName,
  ChannelPolicyName,
  MessageAccepted,
  PolicyRuleName,
  RenderRequested,
} from '@switchboard/contracts';
import type { RouteDecisionName } from './decide-route';
import type { LedgerQuery, LedgerState, LedgerWrites } from './policy-ledger';

/** A routing decision as the router records it, once per message (a released deferral replaces it). */
export interface DecisionRecord {
  tenantId: string;
  messageId: string;
  decision: RouteDecisionName;
  /** The sending rule that decided a message not routed now. */
  rule?: PolicyRuleName;
  /** The message type the message was decided under. */
  messageType?: string;
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
  /** Routed only: the recipient's preferred order changed the channel order. */
  orderedByPreference?: boolean;
}

/** A deferred message: decided again, with every rule, once it is due. */
export interface DeferredMessage {
  tenantId: string;
  messageId: string;
  dueAt: Date;
  rule: PolicyRuleName;
  message: MessageAccepted;
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

/** What deciding a batch produces, recorded in one transaction. */
export interface BatchDecisions {
  records: DecisionRecord[];
  deferred: DeferredMessage[];
  writes: LedgerWrites;
}

export interface DecideNewBatch {
  messageIds: string[];
  /**
   * The batch's messages by tenant, locked against a concurrent cancellation while deciding, with
   * the recipient id whose data key seals what is stored of them (none: the tenant's).
   */
  messages: Array<{ tenantId: string; messageId: string; recipientId?: string }>;
  ledger: LedgerQuery;
  /**
   * Decides the messages among the batch not decided before, with the recipients' ledger loaded
   * while their locks are held (so two replicas never spend one budget twice).
   */
  decide(state: LedgerState, undecided: ReadonlySet<string>): BatchDecisions;
}

export abstract class DecisionStore {
  /**
   * Records the decisions of the batch's messages not decided before, their deferrals and what
   * they spent or claimed, in one transaction; returns the ids it recorded.
   */
  abstract decideNew(batch: DecideNewBatch): Promise<Set<string>>;

  /** The recorded decisions among these message ids. */
  abstract findByIds(messageIds: string[]): Promise<DecisionRecord[]>;

  /**
   * Records the reroute unless the message was already rerouted away from that channel, and runs
   * `publish` before the record is final, so a failed publish leaves nothing recorded. False when
   * the reroute had been recorded before (and `publish` did not run).
   */
  abstract recordReroute(reroute: Reroute, publish: () => Promise<void>): Promise<boolean>;
}
