import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes';
import { GroupMember } from './group-member';
import { acceptsProtocols, chooseProtocol } from './group-protocols';
import { joinError, NO_BYTES, syncError, type LeaveOutcome, type LeavingMember } from './group-results';
import type {
  GroupDescription,
  JoinGroupRequest,
  JoinGroupResult,
  SyncGroupRequest,
  SyncGroupResult,
} from './group-types';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface GroupSettings {
  initialRebalanceDelayMs: number;
  now: () => number;
  log: (line: string) => void;
  /** Told when the group holds nothing worth keeping, so the registry can drop it. */
  onVacant: (group: ConsumerGroup) => void;
}

function startTimer(delayMs: number, callback: () => void): NodeJS.Timeout {
  const timer = setTimeout(callback, Math.max(delayMs, 0));
  timer.unref();
  return timer;
}

/** One group's state machine in the classic (pre-KIP-848) rebalance protocol. */
export class ConsumerGroup {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** In join order, so the oldest member is first when a new leader is needed. */
  private readonly members = new Map<string, GroupMember>();
  /** Ids handed out with MEMBER_ID_REQUIRED; each expires if its client never rejoins with it. */
  private readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** Members that received the join answer of this generation but have not sent SyncGroup yet. */
  private readonly awaitingSync = new Set<string>();
  private joinDeadline: NodeJS.Timeout | undefined;
  private syncDeadline: NodeJS.Timeout | undefined;
  /** Set while an empty group waits for more members before its first rebalance. */
  private initialDelay: { remainingMs: number; newMemberArrived: boolean } | undefined;

  constructor(
    readonly groupId: string,
    private readonly settings: GroupSettings,
  ) {}

  get memberCount(): number {
    return this.members.size;
  }

  /** Never had a generation and nobody is joining: forgetting it loses nothing. */
  get isVacant(): boolean {
    return (
      this.state === 'Empty' &&
      this.generationId === 0 &&
      this.members.size === 0 &&
      this.pendingMembers.size === 0
    );
  }

  join(request: JoinGroupRequest): Promise<JoinGroupResult> {
    if (!acceptsProtocols([...this.members.values()], this.protocolType, request)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId));
    }
    if (request.memberId === '') {
      const memberId = `${request.clientId}-${randomUUID()}`;
      if (!request.requireKnownMemberId) return this.addMemberAndRebalance(memberId, request);
      const expiry = startTimer(request.sessionTimeoutMs, () => this.expirePendingMember(memberId));
      this.pendingMembers.set(memberId, expiry);
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
    }
    if (this.pendingMembers.has(request.memberId)) {
      this.forgetPendingMember(request.memberId);
      return this.addMemberAndRebalance(request.memberId, request);
    }
    const member = this.members.get(request.memberId);
    if (!member) return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, request.memberId));

    this.touch(member);
    const unchanged = member.hasSameProtocols(request.protocols);
    // A follower that lost track (e.g. after a failed commit) just gets the current generation back.
    const isFollower = member.memberId !== this.leaderId;
    if (unchanged && (this.state === 'CompletingRebalance' || (this.state === 'Stable' && isFollower))) {
      return Promise.resolve(this.joinAnswerFor(member));
    }
    member.updateFrom(request);
    const answer = this.holdJoin(member);
    this.maybePrepareRebalance(`member ${member.memberId} rejoined`);
    this.tryCompleteJoin();
    return answer;
  }

  sync(request: SyncGroupRequest): Promise<SyncGroupResult> {
    const member = this.members.get(request.memberId);
    if (!member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (request.generationId !== this.generationId)
      return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (this.state === 'PreparingRebalance')
      return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));

    this.touch(member);
    this.markSynced(member.memberId);
    if (this.state === 'Stable') return Promise.resolve(this.syncAnswerFor(member));

    // A retried sync replaces the earlier one, which is told to start over.
    member.takeSyncAnswer()?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    const answer = new Promise<SyncGroupResult>((resolve) => (member.answerSync = resolve));
    if (member.memberId === this.leaderId) this.applyAssignments(request.assignments);
    return answer;
  }

  heartbeat(generationId: number, memberId: string): number {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(member);
    return this.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(leaving: LeavingMember[]): LeaveOutcome[] {
    let anyoneLeft = false;
    const outcomes = leaving.map(({ memberId, groupInstanceId }): LeaveOutcome => {
      const id = memberId !== '' ? memberId : this.memberIdOfInstance(groupInstanceId);
      const member = id === undefined ? undefined : this.members.get(id);
      if (id !== undefined && this.pendingMembers.has(id)) {
        this.forgetPendingMember(id);
      } else if (member) {
        this.removeMember(member, 'left the group');
      } else {
        return { memberId, groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID };
      }
      anyoneLeft = true;
      return { memberId, groupInstanceId, errorCode: ErrorCode.NONE };
    });
    if (anyoneLeft) this.afterMembersRemoved('members left the group');
    return outcomes;
  }

  /** Whether a member of this group may commit offsets now; refreshes its session if so. */
  validateCommit(generationId: number, memberId: string): number {
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(member);
    return ErrorCode.NONE;
  }

  describe(): GroupDescription {
    // As Kafka: metadata and assignments are only meaningful once the generation is stable.
    const stable = this.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId: this.groupId,
      state: this.state,
      protocolType: this.protocolType ?? '',
      protocolName: stable ? (this.protocolName ?? '') : '',
      members: [...this.members.values()].map((member) => ({
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        metadata: stable ? member.metadataFor(this.protocolName) : NO_BYTES,
        assignment: stable ? member.assignment : NO_BYTES,
      })),
    };
  }

  /** Stops every timer and answers every held request with `errorCode`. */
  close(errorCode: number): void {
    clearTimeout(this.joinDeadline);
    clearTimeout(this.syncDeadline);
    for (const expiry of this.pendingMembers.values()) clearTimeout(expiry);
    this.pendingMembers.clear();
    for (const member of this.members.values()) {
      clearTimeout(member.sessionTimer);
      member.takeJoinAnswer()?.(joinError(errorCode, member.memberId));
      member.takeSyncAnswer()?.(syncError(errorCode));
    }
  }

  private addMemberAndRebalance(memberId: string, request: JoinGroupRequest): Promise<JoinGroupResult> {
    const member = new GroupMember(memberId, request, this.settings.now());
    if (this.members.size === 0) this.protocolType = request.protocolType;
    this.members.set(memberId, member);
    this.leaderId ??= memberId;
    if (this.initialDelay) this.initialDelay.newMemberArrived = true;
    this.watchSession(member);
    const answer = this.holdJoin(member);
    this.maybePrepareRebalance(`member ${memberId} joined`);
    this.tryCompleteJoin();
    return answer;
  }

  private holdJoin(member: GroupMember): Promise<JoinGroupResult> {
    // A retried join replaces the earlier one, which is told to start over.
    member.takeJoinAnswer()?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    return new Promise((resolve) => (member.answerJoin = resolve));
  }

  private maybePrepareRebalance(reason: string): void {
    if (this.state !== 'PreparingRebalance') this.prepareRebalance(reason);
  }

  private prepareRebalance(reason: string): void {
    if (this.state === 'CompletingRebalance') {
      for (const member of this.members.values()) {
        member.assignment = NO_BYTES;
        member.takeSyncAnswer()?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    clearTimeout(this.syncDeadline);
    this.syncDeadline = undefined;
    this.awaitingSync.clear();

    const startingFromEmpty = this.state === 'Empty';
    this.state = 'PreparingRebalance';
    const rebalanceTimeoutMs = this.rebalanceTimeoutMs();
    this.settings.log(
      `group ${this.groupId}: preparing rebalance for generation ${this.generationId + 1} (${reason})`,
    );
    if (startingFromEmpty && this.settings.initialRebalanceDelayMs > 0) {
      const delayMs = Math.min(this.settings.initialRebalanceDelayMs, rebalanceTimeoutMs);
      this.initialDelay = { remainingMs: rebalanceTimeoutMs - delayMs, newMemberArrived: false };
      this.joinDeadline = startTimer(delayMs, () => this.onInitialDelayElapsed());
    } else {
      this.joinDeadline = startTimer(rebalanceTimeoutMs, () => this.completeJoin());
    }
  }

  private onInitialDelayElapsed(): void {
    const delay = this.initialDelay;
    if (delay?.newMemberArrived && delay.remainingMs > 0) {
      const delayMs = Math.min(this.settings.initialRebalanceDelayMs, delay.remainingMs);
      this.initialDelay = { remainingMs: delay.remainingMs - delayMs, newMemberArrived: false };
      this.joinDeadline = startTimer(delayMs, () => this.onInitialDelayElapsed());
      return;
    }
    this.completeJoin();
  }

  private tryCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance' || this.initialDelay || this.pendingMembers.size > 0) return;
    for (const member of this.members.values()) if (!member.answerJoin) return;
    this.completeJoin();
  }

  private completeJoin(): void {
    if (this.state !== 'PreparingRebalance') return;
    clearTimeout(this.joinDeadline);
    this.joinDeadline = undefined;
    this.initialDelay = undefined;
    for (const member of [...this.members.values()]) {
      if (!member.answerJoin) this.removeMember(member, 'did not rejoin within the rebalance timeout');
    }

    this.generationId += 1;
    if (this.members.size === 0) {
      this.state = 'Empty';
      this.protocolName = null;
      this.leaderId = null;
      this.settings.log(`group ${this.groupId}: generation ${this.generationId} has no members`);
      return;
    }
    this.protocolName = chooseProtocol([...this.members.values()]);
    this.state = 'CompletingRebalance';
    for (const memberId of this.members.keys()) this.awaitingSync.add(memberId);
    this.syncDeadline = startTimer(this.rebalanceTimeoutMs(), () => this.onSyncDeadline());
    this.settings.log(
      `group ${this.groupId}: generation ${this.generationId} with ${this.members.size} member(s), ` +
        `protocol ${this.protocolName}, leader ${this.leaderId}`,
    );
    for (const member of this.members.values()) {
      const answer = member.takeJoinAnswer();
      this.touch(member);
      answer?.(this.joinAnswerFor(member));
    }
  }

  private applyAssignments(assignments: SyncGroupRequest['assignments']): void {
    const assignmentOf = new Map(assignments.map((entry) => [entry.memberId, entry.assignment]));
    for (const member of this.members.values())
      member.assignment = assignmentOf.get(member.memberId) ?? NO_BYTES;
    this.state = 'Stable';
    for (const member of this.members.values()) {
      const answer = member.takeSyncAnswer();
      if (!answer) continue;
      this.touch(member);
      answer(this.syncAnswerFor(member));
    }
  }

  private markSynced(memberId: string): void {
    this.awaitingSync.delete(memberId);
    if (this.awaitingSync.size > 0) return;
    clearTimeout(this.syncDeadline);
    this.syncDeadline = undefined;
  }

  /** Members that never sync would otherwise hold the others' syncs (or their partitions) forever. */
  private onSyncDeadline(): void {
    this.syncDeadline = undefined;
    const late = [...this.awaitingSync].flatMap((memberId) => this.members.get(memberId) ?? []);
    this.awaitingSync.clear();
    if (late.length === 0) return;
    for (const member of late) this.removeMember(member, 'did not sync within the rebalance timeout');
    this.afterMembersRemoved('members did not sync');
  }

  private rebalanceTimeoutMs(): number {
    let longest = 0;
    for (const member of this.members.values()) longest = Math.max(longest, member.rebalanceTimeoutMs);
    return longest;
  }

  private joinAnswerFor(member: GroupMember): JoinGroupResult {
    const isLeader = member.memberId === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leader: this.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...this.members.values()].map((each) => ({
            memberId: each.memberId,
            groupInstanceId: each.groupInstanceId,
            metadata: each.metadataFor(this.protocolName),
          }))
        : [],
    };
  }

  private syncAnswerFor(member: GroupMember): SyncGroupResult {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      assignment: member.assignment,
    };
  }

  private removeMember(member: GroupMember, reason: string): void {
    clearTimeout(member.sessionTimer);
    this.members.delete(member.memberId);
    this.awaitingSync.delete(member.memberId);
    member.takeJoinAnswer()?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.takeSyncAnswer()?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (this.leaderId === member.memberId) this.leaderId = this.members.keys().next().value ?? null;
    this.settings.log(`group ${this.groupId}: removed member ${member.memberId} (${reason})`);
  }

  private afterMembersRemoved(reason: string): void {
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') this.prepareRebalance(reason);
    this.tryCompleteJoin();
    if (this.isVacant) this.settings.onVacant(this);
  }

  private memberIdOfInstance(groupInstanceId: string | null): string | undefined {
    if (groupInstanceId === null) return undefined;
    for (const member of this.members.values())
      if (member.groupInstanceId === groupInstanceId) return member.memberId;
    return undefined;
  }

  private forgetPendingMember(memberId: string): void {
    clearTimeout(this.pendingMembers.get(memberId));
    this.pendingMembers.delete(memberId);
  }

  private expirePendingMember(memberId: string): void {
    if (!this.pendingMembers.delete(memberId)) return;
    this.settings.log(`group ${this.groupId}: forgot member id ${memberId} (never rejoined with it)`);
    this.tryCompleteJoin();
    if (this.isVacant) this.settings.onVacant(this);
  }

  private touch(member: GroupMember): void {
    member.lastSeenAt = this.settings.now();
  }

  /** One timer per member, re-armed only when it fires, so heartbeats cost no timer churn. */
  private watchSession(member: GroupMember): void {
    const dueInMs = member.isWaiting
      ? member.sessionTimeoutMs
      : member.lastSeenAt + member.sessionTimeoutMs - this.settings.now();
    member.sessionTimer = startTimer(Math.max(dueInMs, 1), () => this.onSessionTimer(member));
  }

  private onSessionTimer(member: GroupMember): void {
    if (this.members.get(member.memberId) !== member) return;
    if (member.isWaiting || this.settings.now() < member.lastSeenAt + member.sessionTimeoutMs) {
      this.watchSession(member);
      return;
    }
    this.removeMember(member, `no heartbeat within its ${member.sessionTimeoutMs} ms session timeout`);
    this.afterMembersRemoved(`member ${member.memberId} timed out`);
  }
}
