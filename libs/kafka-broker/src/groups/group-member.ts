import { NO_BYTES } from './group-results';
import type { JoinGroupRequest, JoinGroupResult, SyncGroupResult } from './group-types';

export type GroupProtocol = JoinGroupRequest['protocols'][number];

/** One member of a consumer group, with the join or sync request it is waiting on, if any. */
export class GroupMember {
  assignment: Buffer = NO_BYTES;
  lastSeenAt: number;
  sessionTimer: NodeJS.Timeout | undefined;
  answerJoin: ((result: JoinGroupResult) => void) | undefined;
  answerSync: ((result: SyncGroupResult) => void) | undefined;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: GroupProtocol[];
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;

  constructor(memberId: string, request: JoinGroupRequest, now: number) {
    this.memberId = memberId;
    this.groupInstanceId = request.groupInstanceId;
    this.clientId = request.clientId;
    this.clientHost = request.clientHost;
    this.sessionTimeoutMs = request.sessionTimeoutMs;
    this.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    this.protocols = request.protocols;
    this.lastSeenAt = now;
  }

  /** A member whose join or sync is held is alive by definition; the rebalance timers bound the wait. */
  get isWaiting(): boolean {
    return this.answerJoin !== undefined || this.answerSync !== undefined;
  }

  updateFrom(request: JoinGroupRequest): void {
    this.sessionTimeoutMs = request.sessionTimeoutMs;
    this.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    this.protocols = request.protocols;
  }

  supports(protocolName: string): boolean {
    return this.protocols.some((protocol) => protocol.name === protocolName);
  }

  metadataFor(protocolName: string | null): Buffer {
    return this.protocols.find((protocol) => protocol.name === protocolName)?.metadata ?? NO_BYTES;
  }

  hasSameProtocols(protocols: GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every(
        (protocol, index) =>
          protocol.name === this.protocols[index].name &&
          protocol.metadata.equals(this.protocols[index].metadata),
      )
    );
  }

  takeJoinAnswer(): ((result: JoinGroupResult) => void) | undefined {
    const answer = this.answerJoin;
    this.answerJoin = undefined;
    return answer;
  }

  takeSyncAnswer(): ((result: SyncGroupResult) => void) | undefined {
    const answer = this.answerSync;
    this.answerSync = undefined;
    return answer;
  }
}
