import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { BATCH_LOG_OVERHEAD, BatchField, readBatchHeader, validateBatch } from '../protocol/record-batch';

/** Where one stored batch is, kept in memory so reads need no scan. */
export interface BatchEntry {
  baseOffset: number;
  lastOffset: number;
  position: number;
  size: number;
  maxTimestamp: number;
}

export function segmentFileName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

// One segment file: record batches back to back exactly as on the wire, Apache Kafka's layout.
export class Segment {
  readonly entries: BatchEntry[] = [];
  private fd: number;
  sizeBytes = 0;
  dirty = false;
  private flushing = false;
  /** When the first batch was appended (or the newest timestamp found on recovery). */
  createdAt: number;

  private constructor(
    readonly baseOffset: number,
    readonly path: string,
  ) {
    this.fd = openSync(path, 'a+');
    this.createdAt = Date.now();
  }

  static create(directory: string, baseOffset: number): Segment {
    return new Segment(baseOffset, join(directory, segmentFileName(baseOffset)));
  }

  /**
   * Opens an existing segment, indexing every batch. Returns the reason recovery stopped early
   * (a torn or corrupt tail, which is cut off), or undefined when the file was whole.
   */
  static recover(
    directory: string,
    baseOffset: number,
    onBatch: (batch: Buffer) => void,
  ): { segment: Segment; problem?: string } {
    const segment = new Segment(baseOffset, join(directory, segmentFileName(baseOffset)));
    const problem = segment.scan(onBatch);
    if (segment.entries.length > 0)
      segment.createdAt = segment.entries[segment.entries.length - 1].maxTimestamp;
    return { segment, problem };
  }

  private scan(onBatch: (batch: Buffer) => void): string | undefined {
    const header = Buffer.alloc(BATCH_LOG_OVERHEAD);
    let position = 0;
    let problem: string | undefined;
    for (;;) {
      const headerRead = readSync(this.fd, header, 0, BATCH_LOG_OVERHEAD, position);
      if (headerRead === 0) break;
      if (headerRead < BATCH_LOG_OVERHEAD) {
        problem = `torn batch header at byte ${position}`;
        break;
      }
      const size = header.readInt32BE(BatchField.batchLength) + BATCH_LOG_OVERHEAD;
      if (size < 61 || size > 256 * 1024 * 1024) {
        problem = `impossible batch length ${size} at byte ${position}`;
        break;
      }
      const batch = Buffer.allocUnsafe(size);
      if (readSync(this.fd, batch, 0, size, position) < size) {
        problem = `torn batch at byte ${position}`;
        break;
      }
      const invalid = validateBatch(batch);
      if (invalid) {
        problem = `${invalid} at byte ${position}`;
        break;
      }
      this.index(batch, position);
      onBatch(batch);
      position += size;
    }
    if (problem) ftruncateSync(this.fd, position);
    this.sizeBytes = position;
    return problem;
  }

  private index(batch: Buffer, position: number): void {
    const header = readBatchHeader(batch);
    this.entries.push({
      baseOffset: header.baseOffset,
      lastOffset: header.baseOffset + header.lastOffsetDelta,
      position,
      size: batch.length,
      maxTimestamp: header.maxTimestamp,
    });
  }

  append(batch: Buffer): void {
    if (this.entries.length === 0) this.createdAt = Date.now();
    writeSync(this.fd, batch, 0, batch.length, this.sizeBytes);
    this.index(batch, this.sizeBytes);
    this.sizeBytes += batch.length;
    this.dirty = true;
  }

  get nextOffset(): number {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1].lastOffset + 1 : this.baseOffset;
  }

  get newestTimestamp(): number {
    let newest = -1;
    for (const entry of this.entries) if (entry.maxTimestamp > newest) newest = entry.maxTimestamp;
    return newest;
  }

  /** Index of the batch containing the offset, or of the first batch after it. */
  findBatch(offset: number): number {
    let low = 0;
    let high = this.entries.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle].lastOffset < offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Reads contiguous stored bytes in one call; the batches are views into one buffer. */
  read(firstEntry: number, lastEntry: number): Buffer[] {
    const start = this.entries[firstEntry].position;
    const end = this.entries[lastEntry].position + this.entries[lastEntry].size;
    const bytes = Buffer.allocUnsafe(end - start);
    readSync(this.fd, bytes, 0, bytes.length, start);
    const batches: Buffer[] = [];
    for (let i = firstEntry; i <= lastEntry; i++) {
      const entry = this.entries[i];
      batches.push(bytes.subarray(entry.position - start, entry.position - start + entry.size));
    }
    return batches;
  }

  readEntry(index: number): Buffer {
    return this.read(index, index)[0];
  }

  flush(): void {
    if (!this.dirty || this.fd < 0) return;
    fdatasyncSync(this.fd);
    this.dirty = false;
  }

  /** The periodic flush runs on the thread pool: a synchronous one stalls every client for its duration. */
  flushInBackground(): void {
    if (!this.dirty || this.flushing || this.fd < 0) return;
    this.dirty = false;
    this.flushing = true;
    fdatasync(this.fd, (error) => {
      this.flushing = false;
      // A segment closed or deleted meanwhile has nothing left to sync; anything else retries next time.
      if (error && this.fd >= 0) this.dirty = true;
    });
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  delete(): void {
    this.close();
    unlinkSync(this.path);
  }
}
