import { ErrorCode } from '../protocol/error-codes';
import { ConsumerGroup } from './consumer-group';
import { joinError, syncError, type LeaveOutcome, type LeavingMember } from './group-results';
import type {
  GroupDescription,
  GroupSummary,
  JoinGroupRequest,
  JoinGroupResult,
  OffsetCommitEntry,
  OffsetStore,
  SyncGroupRequest,
  SyncGroupResult,
} from './group-types';

export interface GroupCoordinatorOptions {
  /** Kafka's group.initial.rebalance.delay.ms: how long an empty group waits for more members. */
  initialRebalanceDelayMs?: number;
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  log?: (line: string) => void;
  now?: () => number;
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
  errorCode: number;
}

export interface LeaveGroupResult {
  errorCode: number;
  members: LeaveOutcome[];
}

/** Every consumer group of this single-node broker; offsets live in the OffsetStore. */
export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private readonly initialRebalanceDelayMs: number;
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  private closed = false;

  constructor(
    private readonly offsets: OffsetStore,
    options: GroupCoordinatorOptions = {},
  ) {
    this.initialRebalanceDelayMs = options.initialRebalanceDelayMs ?? 0;
    this.minSessionTimeoutMs = options.minSessionTimeoutMs ?? 1000;
    this.maxSessionTimeoutMs = options.maxSessionTimeoutMs ?? 300_000;
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? (() => Date.now());
  }

  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResult> {
    const refusal = this.joinRefusal(request);
    if (refusal !== undefined) return Promise.resolve(joinError(refusal, request.memberId));
    let group = this.groups.get(request.groupId);
    if (!group) {
      // Only a member without an id may bring a group into being.
      if (request.memberId !== '')
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, request.memberId));
      group = this.createGroup(request.groupId);
    }
    const answer = group.join(request);
    if (group.isVacant) this.forgetVacantGroup(group);
    return answer;
  }

  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResult> {
    if (this.closed) return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    const group = this.groups.get(request.groupId);
    if (!group) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    return group.sync(request);
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return this.groups.get(groupId)?.heartbeat(generationId, memberId) ?? ErrorCode.UNKNOWN_MEMBER_ID;
  }

  leaveGroup(groupId: string, members: LeavingMember[]): LeaveGroupResult {
    if (this.closed) {
      const errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      return { errorCode, members: members.map((member) => ({ ...member, errorCode })) };
    }
    const group = this.groups.get(groupId);
    if (!group) {
      return {
        errorCode: ErrorCode.NONE,
        members: members.map((member) => ({ ...member, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })),
      };
    }
    return { errorCode: ErrorCode.NONE, members: group.leave(members) };
  }

  commitOffsets(
    groupId: string,
    generationId: number,
    memberId: string,
    entries: OffsetCommitEntry[],
  ): number {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const group = this.groups.get(groupId);
    // Standalone consumers and admin tools commit without joining; only a group with no members allows that.
    const standalone = generationId < 0 && (!group || group.memberCount === 0);
    const errorCode = standalone
      ? ErrorCode.NONE
      : (group?.validateCommit(generationId, memberId) ?? ErrorCode.ILLEGAL_GENERATION);
    if (errorCode !== ErrorCode.NONE) return errorCode;
    try {
      this.offsets.commit(groupId, entries);
      return ErrorCode.NONE;
    } catch (error) {
      this.log(`group ${groupId}: failed to store committed offsets: ${(error as Error).message}`);
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    }
  }

  fetchOffsets(groupId: string, partitions: { topic: string; partition: number }[] | null): FetchedOffset[] {
    const wanted = partitions ?? this.offsets.committedPartitions(groupId);
    return wanted.map(({ topic, partition }) => {
      const committed = this.offsets.fetch(groupId, topic, partition);
      return committed
        ? {
            topic,
            partition,
            offset: committed.offset,
            metadata: committed.metadata,
            errorCode: ErrorCode.NONE,
          }
        : { topic, partition, offset: -1, metadata: '', errorCode: ErrorCode.NONE };
    });
  }

  describeGroup(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (group) return group.describe();
    // A group known only by its committed offsets is an empty group, as after a broker restart in Kafka.
    const state = this.hasCommittedOffsets(groupId) ? 'Empty' : 'Dead';
    return { errorCode: ErrorCode.NONE, groupId, state, protocolType: '', protocolName: '', members: [] };
  }

  listGroups(): GroupSummary[] {
    const summaries: GroupSummary[] = [...this.groups.values()].map((group) => ({
      groupId: group.groupId,
      protocolType: group.protocolType ?? '',
    }));
    for (const groupId of this.offsets.groupIds()) {
      if (!this.groups.has(groupId)) summaries.push({ groupId, protocolType: '' });
    }
    return summaries;
  }

  deleteGroup(groupId: string): number {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const group = this.groups.get(groupId);
    if (group && group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    const hadOffsets = this.hasCommittedOffsets(groupId);
    if (!group && !hadOffsets) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group) {
      group.close(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      this.groups.delete(groupId);
    }
    if (hadOffsets) this.offsets.deleteGroup(groupId);
    this.log(`group ${groupId}: deleted`);
    return ErrorCode.NONE;
  }

  /** Stops all timers and answers every held join and sync, so no request hangs past shutdown. */
  close(): void {
    this.closed = true;
    for (const group of this.groups.values()) group.close(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.groups.clear();
  }

  private joinRefusal(request: JoinGroupRequest): number | undefined {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (request.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const { sessionTimeoutMs } = request;
    if (sessionTimeoutMs < this.minSessionTimeoutMs || sessionTimeoutMs > this.maxSessionTimeoutMs) {
      return ErrorCode.INVALID_SESSION_TIMEOUT;
    }
    return undefined;
  }

  private createGroup(groupId: string): ConsumerGroup {
    const group = new ConsumerGroup(groupId, {
      initialRebalanceDelayMs: this.initialRebalanceDelayMs,
      now: this.now,
      log: this.log,
      onVacant: (vacant) => this.forgetVacantGroup(vacant),
    });
    this.groups.set(groupId, group);
    return group;
  }

  private forgetVacantGroup(group: ConsumerGroup): void {
    if (this.groups.get(group.groupId) === group && group.isVacant) this.groups.delete(group.groupId);
  }

  private hasCommittedOffsets(groupId: string): boolean {
    return this.offsets.committedPartitions(groupId).length > 0;
  }
}
