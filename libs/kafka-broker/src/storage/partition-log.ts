import { mkdirSync, readdirSync } from 'node:fs';
import { BatchField, compressionOf, readBatchHeader } from '../protocol/record-batch';
import type { AppendResult, LogStoreOptions } from './log-types';
import { ProducerState } from './producer-state';
import { Segment } from './segment';

export interface PartitionSettings {
  segmentBytes: number;
  /** -1 keeps forever. */
  retentionMs: number;
  /** -1 keeps everything. */
  retentionBytes: number;
  fsync: LogStoreOptions['fsync'];
}

/** Entries `first` to `last` of one segment, `bytes` long: one contiguous read. */
interface ReadSpan {
  segment: Segment;
  first: number;
  last: number;
  bytes: number;
}

// One partition's log: an ordered list of segments, the last one being appended to.
export class PartitionLog {
  private readonly segments: Segment[] = [];
  private readonly producers = new ProducerState();
  private startOffset = 0;

  private constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly directory: string,
    private readonly settings: PartitionSettings,
  ) {}

  static open(
    topic: string,
    partition: number,
    directory: string,
    settings: PartitionSettings,
    log: (line: string) => void,
  ): PartitionLog {
    mkdirSync(directory, { recursive: true });
    const partitionLog = new PartitionLog(topic, partition, directory, settings);
    const baseOffsets = readdirSync(directory)
      .filter((name) => /^\d{20}\.log$/.test(name))
      .map((name) => Number(name.slice(0, 20)))
      .sort((a, b) => a - b);
    for (let i = 0; i < baseOffsets.length; i++) {
      const { segment, problem } = Segment.recover(directory, baseOffsets[i], (batch) => {
        const header = readBatchHeader(batch);
        partitionLog.producers.record(header, header.baseOffset);
      });
      partitionLog.segments.push(segment);
      if (problem) {
        log(`${topic}-${partition}: cut segment ${baseOffsets[i]} at its last whole batch (${problem})`);
        // Whatever follows a damaged segment cannot be trusted to continue its offsets.
        for (const later of baseOffsets.slice(i + 1))
          Segment.recover(directory, later, () => undefined).segment.delete();
        break;
      }
    }
    if (partitionLog.segments.length === 0) partitionLog.segments.push(Segment.create(directory, 0));
    const first = partitionLog.segments[0];
    partitionLog.startOffset = first.entries.length > 0 ? first.entries[0].baseOffset : first.baseOffset;
    return partitionLog;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get highWatermark(): number {
    return this.active.nextOffset;
  }

  get sizeBytes(): number {
    let total = 0;
    for (const segment of this.segments) total += segment.sizeBytes;
    return total;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  append(batch: Buffer): AppendResult {
    const header = readBatchHeader(batch);
    const original = this.producers.check(header);
    if (original !== undefined) return { baseOffset: original, duplicate: true };

    const baseOffset = this.highWatermark;
    batch.writeBigInt64BE(BigInt(baseOffset), BatchField.baseOffset);
    batch.writeInt32BE(0, BatchField.partitionLeaderEpoch);
    if (this.shouldRoll(batch.length)) this.roll();
    this.active.append(batch);
    this.producers.record(header, baseOffset);
    if (this.settings.fsync === 'always') this.active.flush();
    return { baseOffset, duplicate: false };
  }

  private shouldRoll(incomingBytes: number): boolean {
    const active = this.active;
    if (active.entries.length === 0) return false;
    if (active.sizeBytes + incomingBytes > this.settings.segmentBytes) return true;
    // Age retention can only delete closed segments, so an old active segment is closed.
    return this.settings.retentionMs >= 0 && Date.now() - active.createdAt > this.settings.retentionMs;
  }

  private roll(): void {
    this.active.flush();
    this.segments.push(Segment.create(this.directory, this.highWatermark));
  }

  read(fetchOffset: number, maxBytes: number): Buffer[] {
    return this.plan(fetchOffset, maxBytes).flatMap(({ segment, first, last }) => segment.read(first, last));
  }

  /** How many bytes `read` would return, from the in-memory index alone: no file is read. */
  readableBytes(fetchOffset: number, maxBytes: number): { bytes: number; firstBatchBytes: number } {
    let bytes = 0;
    let firstBatchBytes = 0;
    for (const { segment, first, bytes: spanBytes } of this.plan(fetchOffset, maxBytes)) {
      if (bytes === 0) firstBatchBytes = segment.entries[first].size;
      bytes += spanBytes;
    }
    return { bytes, firstBatchBytes };
  }

  /** The batches a read from `fetchOffset` returns: runs of entries, one per segment. */
  private plan(fetchOffset: number, maxBytes: number): ReadSpan[] {
    const spans: ReadSpan[] = [];
    let total = 0;
    let segmentIndex = this.segmentFor(fetchOffset);
    let offset = fetchOffset;
    while (segmentIndex < this.segments.length) {
      const segment = this.segments[segmentIndex];
      const first = segment.findBatch(offset);
      if (first < segment.entries.length && segment.entries[first].lastOffset >= offset) {
        let last = first;
        let bytes = segment.entries[first].size;
        // The first batch of a read is always returned whole, whatever maxBytes says.
        if (spans.length > 0 && total + bytes > maxBytes) break;
        while (
          last + 1 < segment.entries.length &&
          total + bytes + segment.entries[last + 1].size <= maxBytes
        ) {
          last++;
          bytes += segment.entries[last].size;
        }
        spans.push({ segment, first, last, bytes });
        total += bytes;
        if (last + 1 < segment.entries.length) break;
      }
      offset = segment.nextOffset;
      segmentIndex++;
    }
    return spans;
  }

  private segmentFor(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.segments[middle].baseOffset <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | undefined {
    for (const segment of this.segments) {
      for (let i = 0; i < segment.entries.length; i++) {
        const entry = segment.entries[i];
        if (entry.maxTimestamp < timestamp || entry.lastOffset < this.startOffset) continue;
        const batch = segment.readEntry(i);
        if (compressionOf(batch.readInt16BE(BatchField.attributes)) !== 0)
          return { offset: entry.baseOffset, timestamp: entry.maxTimestamp };
        return (
          firstRecordAtOrAfter(batch, timestamp) ?? {
            offset: entry.baseOffset,
            timestamp: entry.maxTimestamp,
          }
        );
      }
    }
    return undefined;
  }

  enforceRetention(now: number, retentionMs: number, retentionBytes: number): void {
    let size = this.sizeBytes;
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      const expired =
        retentionMs >= 0 && oldest.newestTimestamp >= 0 && now - oldest.newestTimestamp > retentionMs;
      const oversized = retentionBytes >= 0 && size > retentionBytes;
      if (!expired && !oversized) break;
      size -= oldest.sizeBytes;
      oldest.delete();
      this.segments.shift();
      this.startOffset = this.segments[0].baseOffset;
    }
    if (
      retentionMs >= 0 &&
      this.shouldRoll(0) &&
      this.active.newestTimestamp >= 0 &&
      now - this.active.newestTimestamp > retentionMs
    ) {
      this.roll();
      this.enforceRetention(now, retentionMs, retentionBytes);
    }
  }

  flush(): void {
    for (const segment of this.segments) segment.flush();
  }

  flushInBackground(): void {
    for (const segment of this.segments) segment.flushInBackground();
  }

  close(): void {
    this.flush();
    for (const segment of this.segments) segment.close();
  }
}

/** Walks an uncompressed batch's records for the first one at or after the timestamp. */
function firstRecordAtOrAfter(
  batch: Buffer,
  timestamp: number,
): { offset: number; timestamp: number } | undefined {
  const header = readBatchHeader(batch);
  let position = 61;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = batch[position++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
      shift += 7;
    }
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  };
  for (let i = 0; i < header.recordsCount && position < batch.length; i++) {
    const length = varint();
    const recordEnd = position + length;
    position++; // attributes
    const recordTimestamp = header.baseTimestamp + varint();
    const offsetDelta = varint();
    if (recordTimestamp >= timestamp)
      return { offset: header.baseOffset + offsetDelta, timestamp: recordTimestamp };
    position = recordEnd;
  }
  return undefined;
}
