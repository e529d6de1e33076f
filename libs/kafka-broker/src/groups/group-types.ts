// The contract between the protocol layer and the group coordinator.

export interface JoinGroupRequest {
  groupId: string;
  /** '' on a first join. */
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  /** Join v0 has none: use sessionTimeoutMs. */
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a first join with an empty member id is answered MEMBER_ID_REQUIRED with a new id. */
  requireKnownMemberId: boolean;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  /** Filled for the leader only; empty for followers. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  /** Non-empty from the leader only. */
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
}

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

export interface GroupSummary {
  groupId: string;
  protocolType: string;
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable, Dead */
  state: string;
  protocolType: string;
  protocolName: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

/** Committed offsets, kept durably by the storage layer. */
export interface OffsetStore {
  commit(groupId: string, entries: OffsetCommitEntry[]): void;
  fetch(groupId: string, topic: string, partition: number): CommittedOffset | undefined;
  /** Every (topic, partition) a group has committed. */
  committedPartitions(groupId: string): { topic: string; partition: number }[];
  groupIds(): string[];
  deleteGroup(groupId: string): void;
  close(): void;
}
