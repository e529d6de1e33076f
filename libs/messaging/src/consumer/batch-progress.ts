import type { EachBatchPayload } from 'kafkajs';
import { loggableError } from '@switchboard/telemetry';
import type { MessagingLog } from '../messaging-log';
import { ContiguousOffsets } from './contiguous-offsets';

// kafkajs answers a heartbeat or commit with one of these once the group has moved on:
// this member may no longer own the partition, so it starts nothing more from the batch.
const GROUP_CHANGED_ERRORS = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR_FOR_GROUP',
]);
// Of those, the ones that say this member itself was dropped: it missed its session timeout.
const MEMBERSHIP_LOST_ERRORS = new Set(['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

export interface BatchTiming {
  heartbeatIntervalMs: number;
  commitIntervalMs: number;
}

/**
 * One fetched batch of one partition while it is worked on: which offsets are finished,
 * heartbeats so that a long batch keeps its partition, and commits of the highest offset
 * finished without a gap (periodically, and once more when the batch closes).
 */
export class BatchProgress {
  private readonly offsets: ContiguousOffsets;
  private readonly topic: string;
  private readonly partition: number;
  private committedThrough: string | undefined;
  private lastCommitAt = Date.now();
  private commitInFlight: Promise<void> | undefined;
  private groupChange: unknown;
  private ticker: NodeJS.Timeout | undefined;
  private readonly startedOffsets = new Set<string>();
  private dependencyOutage = false;

  constructor(
    private readonly payload: EachBatchPayload,
    private readonly timing: BatchTiming,
    private readonly log: MessagingLog,
  ) {
    this.topic = payload.batch.topic;
    this.partition = payload.batch.partition;
    this.offsets = new ContiguousOffsets(payload.batch.messages.map((message) => message.offset));
  }

  start(): void {
    this.ticker = setInterval(() => this.keepAlive(), this.timing.heartbeatIntervalMs);
  }

  /** False once the consumer stops, the partition is being reassigned, or the group has changed. */
  mayContinue(): boolean {
    return this.payload.isRunning() && !this.payload.isStale() && this.groupChange === undefined;
  }

  /** The highest offset this batch committed, if any. */
  get committedOffset(): string | undefined {
    return this.committedThrough;
  }

  /** A handler has begun work on this offset. */
  started(offset: string): void {
    this.startedOffsets.add(offset);
  }

  /** A dependency was unavailable while this batch was worked on. */
  noteDependencyOutage(): void {
    this.dependencyOutage = true;
  }

  /**
   * The offsets whose work began but was not committed when this member was dropped from its
   * group, when that was the batch's own doing: not while it waited out a dependency outage.
   */
  offsetsLostWithMembership(): string[] {
    if (this.dependencyOutage || !MEMBERSHIP_LOST_ERRORS.has(errorType(this.groupChange) ?? '')) return [];
    const committed = this.committedThrough === undefined ? undefined : BigInt(this.committedThrough);
    return [...this.startedOffsets].filter((offset) => committed === undefined || BigInt(offset) > committed);
  }

  /** Offsets finished while an earlier one was not: they are committed only once it is. */
  get finishedBeyondGap(): string[] {
    return this.offsets.finishedBeyondGap;
  }

  finished(offset: string): void {
    const finishedThrough = this.offsets.markFinished(offset);
    if (finishedThrough !== undefined) this.payload.resolveOffset(finishedThrough);
  }

  /** Stops the heartbeats and commits what is finished; rethrows a group change for kafkajs to rejoin. */
  async close(): Promise<void> {
    clearInterval(this.ticker);
    await this.commitInFlight?.catch(() => undefined);
    try {
      await this.commitFinished();
    } catch (error) {
      if (!isGroupChange(error)) throw error;
      this.groupChange ??= error;
    }
    if (this.groupChange !== undefined) throw this.groupChange;
  }

  private keepAlive(): void {
    // A consumer that stopped while a handler hangs must not keep heartbeating for it.
    if (!this.payload.isRunning()) {
      clearInterval(this.ticker);
      return;
    }
    this.payload.heartbeat().catch((error: unknown) => this.noteFailure('heartbeat', error));
    const commitDue = Date.now() - this.lastCommitAt >= this.timing.commitIntervalMs;
    if (commitDue && this.commitInFlight === undefined) {
      this.commitInFlight = this.commitFinished()
        .catch((error: unknown) => this.noteFailure('commit', error))
        .finally(() => {
          this.commitInFlight = undefined;
        });
    }
  }

  private async commitFinished(): Promise<void> {
    const through = this.offsets.highestContiguous;
    if (through === undefined || through === this.committedThrough || this.payload.isStale()) return;
    // Kafka commits the next offset to read, one past the last finished.
    const next = (BigInt(through) + 1n).toString();
    await this.payload.commitOffsetsIfNecessary({
      topics: [{ topic: this.topic, partitions: [{ partition: this.partition, offset: next }] }],
    });
    this.committedThrough = through;
    this.lastCommitAt = Date.now();
  }

  private noteFailure(what: 'heartbeat' | 'commit', error: unknown): void {
    if (isGroupChange(error)) {
      this.groupChange ??= error;
      return;
    }
    this.log('warn', `${what} failed during a batch`, {
      topic: this.topic,
      partition: this.partition,
      error: loggableError(error),
    });
  }
}

function isGroupChange(error: unknown): boolean {
  const type = errorType(error);
  return type !== undefined && GROUP_CHANGED_ERRORS.has(type);
}

function errorType(error: unknown): string | undefined {
  const type = (error as { type?: unknown } | null | undefined)?.type;
  return typeof type === 'string' ? type : undefined;
}
