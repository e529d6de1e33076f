// The contract between the protocol layer and the on-disk log. Offsets are JS numbers
// (safe to 2^53, far beyond what one machine writes).

export type FsyncPolicy = 'always' | 'interval' | 'never';

export interface LogStoreOptions {
  dataDir: string;
  fsync: FsyncPolicy;
  /** Used when fsync is 'interval'. */
  fsyncIntervalMs: number;
  /** Roll to a new segment file when the active one passes this size. */
  segmentBytes: number;
  /** Delete whole closed segments older than this (by their newest batch's max timestamp); -1 keeps forever. */
  retentionMs: number;
  /** Delete oldest closed segments while a partition is larger than this; -1 keeps everything. */
  retentionBytes: number;
}

export interface TopicDescription {
  name: string;
  partitions: number;
  /** Topic-level configs as given at creation (e.g. retention.ms), passed through to DescribeConfigs. */
  configs: Record<string, string>;
}

export interface AppendResult {
  /** Offset given to the first record of the batch (or of the original batch, for a duplicate). */
  baseOffset: number;
  /** Set when the batch was a retried duplicate from an idempotent producer: nothing was written. */
  duplicate: boolean;
}

export class LogError extends Error {
  constructor(
    /** Kafka error code to answer with, e.g. 45 OUT_OF_ORDER_SEQUENCE_NUMBER, 47 INVALID_PRODUCER_EPOCH. */
    readonly kafkaErrorCode: number,
    message: string,
  ) {
    super(message);
  }
}
