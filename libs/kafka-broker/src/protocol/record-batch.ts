import { crc32c } from './crc32c';

// Byte layout of a RecordBatch (magic 2), as the protocol guide defines it.
export const BatchField = {
  baseOffset: 0,
  batchLength: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
} as const;

export const BATCH_HEADER_BYTES = 61;
/** baseOffset + batchLength: the part not counted by batchLength. */
export const BATCH_LOG_OVERHEAD = 12;

export interface BatchHeader {
  baseOffset: number;
  /** Whole size of the batch in bytes, including the 12-byte log overhead. */
  sizeBytes: number;
  magic: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

export function readBatchHeader(buffer: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: Number(buffer.readBigInt64BE(at + BatchField.baseOffset)),
    sizeBytes: buffer.readInt32BE(at + BatchField.batchLength) + BATCH_LOG_OVERHEAD,
    magic: buffer.readInt8(at + BatchField.magic),
    attributes: buffer.readInt16BE(at + BatchField.attributes),
    lastOffsetDelta: buffer.readInt32BE(at + BatchField.lastOffsetDelta),
    baseTimestamp: Number(buffer.readBigInt64BE(at + BatchField.baseTimestamp)),
    maxTimestamp: Number(buffer.readBigInt64BE(at + BatchField.maxTimestamp)),
    producerId: Number(buffer.readBigInt64BE(at + BatchField.producerId)),
    producerEpoch: buffer.readInt16BE(at + BatchField.producerEpoch),
    baseSequence: buffer.readInt32BE(at + BatchField.baseSequence),
    recordsCount: buffer.readInt32BE(at + BatchField.recordsCount),
  };
}

export function compressionOf(attributes: number): number {
  return attributes & 0x07;
}

/** Why a produced batch is refused, or undefined when it is sound. */
export function validateBatch(batch: Buffer, at = 0, end = batch.length): string | undefined {
  if (end - at < BATCH_HEADER_BYTES)
    return `record batch of ${end - at} bytes is shorter than its 61-byte header`;
  const sizeBytes = batch.readInt32BE(at + BatchField.batchLength) + BATCH_LOG_OVERHEAD;
  if (sizeBytes < BATCH_HEADER_BYTES || at + sizeBytes > end) {
    return `record batch length ${sizeBytes} does not fit the ${end - at} bytes sent`;
  }
  const magic = batch.readInt8(at + BatchField.magic);
  if (magic !== 2) return `record batch magic ${magic} is not supported (only 2)`;
  const expectedCrc = batch.readUInt32BE(at + BatchField.crc);
  const actualCrc = crc32c(batch, at + BatchField.attributes, at + sizeBytes);
  if (expectedCrc !== actualCrc) {
    return `record batch CRC-32C mismatch: header says ${expectedCrc.toString(16)}, content is ${actualCrc.toString(16)}`;
  }
  const lastOffsetDelta = batch.readInt32BE(at + BatchField.lastOffsetDelta);
  const count = batch.readInt32BE(at + BatchField.recordsCount);
  if (count <= 0 || count !== lastOffsetDelta + 1) {
    return `record batch counts ${count} records but its last offset delta is ${lastOffsetDelta}`;
  }
  return undefined;
}
