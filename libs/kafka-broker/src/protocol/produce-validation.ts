import { CODEC_IDS, codecById } from '@switchboard/kafka-codecs';
import { crc32c } from './crc32c';
import { ErrorCode } from './error-codes';
import { BATCH_HEADER_BYTES, BATCH_LOG_OVERHEAD, BatchField } from './record-batch';

// What Apache Kafka refuses on Produce, in the order it checks, with the codes it answers:
// ProduceRequest.validateRecords (clients), UnifiedLog.analyzeAndValidateRecords (core) and
// LogValidator (storage/src/main/java/org/apache/kafka/storage/internals/log/LogValidator.java).
// Written from reading those, not translated: this broker keeps the producer's bytes, so where
// Kafka would rebuild a batch (inner offsets not 0..n-1) it refuses it instead.

/** The limits of Kafka's broker and topic configs that a produced batch is held to. */
export interface ProduceLimits {
  /** max.message.bytes (topic) / message.max.bytes (broker): the largest batch, log overhead included. */
  maxMessageBytes: number;
  /** message.timestamp.before.max.ms: how far in the past a CreateTime timestamp may be. */
  timestampBeforeMaxMs: number;
  /** message.timestamp.after.max.ms: how far in the future a CreateTime timestamp may be. */
  timestampAfterMaxMs: number;
}

export interface BatchRefusal {
  errorCode: number;
  reason: string;
}

const TIMESTAMP_TYPE_LOG_APPEND_TIME = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const NO_TIMESTAMP = -1;
const FIRST_PRODUCE_VERSION_WITH_ZSTD = 7;

/**
 * Checks the records of one partition of a Produce request: why they are refused, or the one batch
 * to append. Compressed batches are decompressed and every record parsed, as Kafka does: that is
 * what makes a stored batch always readable. On the calling thread: for batches of a few hundred
 * kilobytes a hop to the thread pool and back costs more CPU than the decompression (measured
 * with lz4 in the broker bench), and Kafka too decompresses on its request handler threads.
 */
export function validateProducedRecords(
  records: Buffer | null,
  produceVersion: number,
  limits: ProduceLimits,
  now = Date.now(),
): BatchRefusal | Buffer {
  const framing = frameCheck(records, produceVersion, limits);
  if (!Buffer.isBuffer(framing)) return framing;
  const batch = framing;
  const headerProblem = headerCheck(batch);
  if (headerProblem) return headerProblem;

  const attributes = batch.readInt16BE(BatchField.attributes);
  const codecId = attributes & 0x07;
  let recordBytes = batch.subarray(BATCH_HEADER_BYTES);
  if (codecId !== CODEC_IDS.none) {
    const codec = codecById(codecId);
    // Kafka's CompressionType.forId throws IllegalArgumentException here, which its produce path
    // answers as UNKNOWN_SERVER_ERROR; a failing decompression is a KafkaException, answered the same.
    if (!codec)
      return refuse(ErrorCode.UNKNOWN_SERVER_ERROR, `compression codec id ${codecId} does not exist`);
    try {
      recordBytes = codec.decompressSync(recordBytes);
    } catch (error) {
      return refuse(ErrorCode.UNKNOWN_SERVER_ERROR, `records do not decompress: ${(error as Error).message}`);
    }
  }
  return recordsCheck(batch, recordBytes, attributes, limits, now) ?? batch;
}

/** ProduceRequest.validateRecords and the size, CRC and base offset checks of analyzeAndValidateRecords. */
function frameCheck(
  records: Buffer | null,
  produceVersion: number,
  limits: ProduceLimits,
): BatchRefusal | Buffer {
  if (!records || records.length === 0) {
    return refuse(ErrorCode.INVALID_RECORD, 'a produce request must carry one record batch per partition');
  }
  if (records.length < BATCH_HEADER_BYTES) {
    return refuse(
      ErrorCode.CORRUPT_MESSAGE,
      `record batch of ${records.length} bytes is shorter than its 61-byte header`,
    );
  }
  const sizeBytes = records.readInt32BE(BatchField.batchLength) + BATCH_LOG_OVERHEAD;
  if (sizeBytes < BATCH_HEADER_BYTES || sizeBytes > records.length) {
    return refuse(
      ErrorCode.CORRUPT_MESSAGE,
      `record batch length ${sizeBytes} does not fit the ${records.length} bytes sent`,
    );
  }
  const magic = records.readInt8(BatchField.magic);
  if (magic < 0 || magic > 2)
    return refuse(ErrorCode.CORRUPT_MESSAGE, `record batch magic ${magic} does not exist`);
  if (magic !== 2)
    return refuse(
      ErrorCode.INVALID_RECORD,
      `Produce v3 and later carry magic 2 batches only, not magic ${magic}`,
    );
  if (sizeBytes !== records.length) {
    return refuse(
      ErrorCode.INVALID_RECORD,
      'Produce v3 and later carry exactly one record batch per partition',
    );
  }
  const attributes = records.readInt16BE(BatchField.attributes);
  if ((attributes & 0x07) === CODEC_IDS.zstd && produceVersion < FIRST_PRODUCE_VERSION_WITH_ZSTD) {
    return refuse(
      ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      `zstd needs Produce v7 or later, not v${produceVersion}`,
    );
  }
  const baseOffset = records.readBigInt64BE(BatchField.baseOffset);
  if (baseOffset !== 0n)
    return refuse(ErrorCode.INVALID_RECORD, `a produced batch starts at offset 0, not ${baseOffset}`);
  if (sizeBytes > limits.maxMessageBytes) {
    return refuse(
      ErrorCode.MESSAGE_TOO_LARGE,
      `record batch of ${sizeBytes} bytes is larger than the ${limits.maxMessageBytes} bytes allowed`,
    );
  }
  const expectedCrc = records.readUInt32BE(BatchField.crc);
  const actualCrc = crc32c(records, BatchField.attributes, sizeBytes);
  if (expectedCrc !== actualCrc) {
    return refuse(
      ErrorCode.CORRUPT_MESSAGE,
      `record batch CRC-32C mismatch: header says ${expectedCrc.toString(16)}, content is ${actualCrc.toString(16)}`,
    );
  }
  return records;
}

/** LogValidator.validateBatch, for a client's append. */
function headerCheck(batch: Buffer): BatchRefusal | undefined {
  const lastOffsetDelta = batch.readInt32BE(BatchField.lastOffsetDelta);
  const count = batch.readInt32BE(BatchField.recordsCount);
  if (lastOffsetDelta < 0)
    return refuse(ErrorCode.INVALID_RECORD, `last offset delta ${lastOffsetDelta} is negative`);
  if (count <= 0) return refuse(ErrorCode.INVALID_RECORD, `record count ${count} is not positive`);
  if (count !== lastOffsetDelta + 1) {
    return refuse(
      ErrorCode.INVALID_RECORD,
      `record batch counts ${count} records but its last offset delta is ${lastOffsetDelta}`,
    );
  }
  const attributes = batch.readInt16BE(BatchField.attributes);
  if (attributes & CONTROL) return refuse(ErrorCode.INVALID_RECORD, 'clients may not write control batches');
  // Kafka takes transactional batches inside a transaction; this broker has no transactions.
  if (attributes & TRANSACTIONAL) return refuse(ErrorCode.INVALID_RECORD, 'transactions are not supported');
  const producerId = batch.readBigInt64BE(BatchField.producerId);
  const baseSequence = batch.readInt32BE(BatchField.baseSequence);
  if (producerId >= 0n && baseSequence < 0) {
    return refuse(ErrorCode.INVALID_RECORD, `base sequence ${baseSequence} with producer id ${producerId}`);
  }
  return undefined;
}

/** DefaultRecordBatch's record iterator and LogValidator.validateRecord: every record parses, in time. */
function recordsCheck(
  batch: Buffer,
  records: Buffer,
  attributes: number,
  limits: ProduceLimits,
  now: number,
): BatchRefusal | undefined {
  const count = batch.readInt32BE(BatchField.recordsCount);
  const baseTimestamp = Number(batch.readBigInt64BE(BatchField.baseTimestamp));
  // A producer's LogAppendTime batch: each record's timestamp reads as the batch's max timestamp.
  const logAppendTime =
    attributes & TIMESTAMP_TYPE_LOG_APPEND_TIME
      ? Number(batch.readBigInt64BE(BatchField.maxTimestamp))
      : undefined;
  const cursor = new RecordCursor(records);
  for (let index = 0; index < count; index++) {
    let timestampDelta: number;
    let offsetDelta: number;
    try {
      ({ timestampDelta, offsetDelta } = cursor.record());
    } catch (error) {
      return refuse(ErrorCode.INVALID_RECORD, `record ${index} does not parse: ${(error as Error).message}`);
    }
    if (offsetDelta !== index) {
      return refuse(
        ErrorCode.INVALID_RECORD,
        `record ${index} has offset delta ${offsetDelta}, not ${index}`,
      );
    }
    const timestamp = logAppendTime ?? baseTimestamp + timestampDelta;
    if (timestamp === NO_TIMESTAMP) {
      if (logAppendTime !== undefined) {
        return refuse(ErrorCode.INVALID_TIMESTAMP, 'producers may not set the LogAppendTime timestamp type');
      }
      continue;
    }
    if (now - timestamp > limits.timestampBeforeMaxMs || timestamp - now > limits.timestampAfterMaxMs) {
      return refuse(
        ErrorCode.INVALID_TIMESTAMP,
        `record ${index} timestamp ${timestamp} is outside [${now - limits.timestampBeforeMaxMs}, ${now + limits.timestampAfterMaxMs}]`,
      );
    }
  }
  if (cursor.remaining > 0) {
    return refuse(
      ErrorCode.INVALID_RECORD,
      `${cursor.remaining} bytes follow the ${count} records the batch counts`,
    );
  }
  return undefined;
}

class RecordParseError extends Error {}

/** Reads records (DefaultRecord v2) just far enough to check their structure. */
class RecordCursor {
  private position = 0;

  constructor(private readonly bytes: Buffer) {}

  get remaining(): number {
    return this.bytes.length - this.position;
  }

  record(): { timestampDelta: number; offsetDelta: number } {
    const size = this.varint();
    if (size < 0 || size > this.remaining) {
      throw new RecordParseError(`size ${size} with ${this.remaining} bytes left`);
    }
    const start = this.position;
    const end = start + size;
    this.position += 1; // attributes: unused in magic 2
    const timestampDelta = this.varlong();
    const offsetDelta = this.varint();
    this.skipNullable('key');
    this.skipNullable('value');
    const headers = this.varint();
    if (headers < 0) throw new RecordParseError(`header count ${headers}`);
    for (let header = 0; header < headers; header++) {
      const keySize = this.varint();
      if (keySize < 0) throw new RecordParseError(`header key size ${keySize}`);
      this.skip(keySize);
      this.skipNullable('header value');
    }
    if (this.position !== end) {
      throw new RecordParseError(`declares ${size} bytes but its fields take ${this.position - start}`);
    }
    return { timestampDelta, offsetDelta };
  }

  private skipNullable(what: string): void {
    const size = this.varint();
    if (size < -1) throw new RecordParseError(`${what} size ${size}`);
    if (size > 0) this.skip(size);
  }

  private skip(bytes: number): void {
    if (this.position + bytes > this.bytes.length) throw new RecordParseError('ends early');
    this.position += bytes;
  }

  /** Zig-zag varint of at most 5 bytes, as Kafka's ByteUtils.readVarint. */
  private varint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.position >= this.bytes.length) throw new RecordParseError('ends early');
      const byte = this.bytes[this.position++];
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return (value >>> 1) ^ -(value & 1);
    }
    throw new RecordParseError('varint longer than 5 bytes');
  }

  /** Zig-zag varlong of at most 10 bytes, in a number: exact for any millisecond timestamp. */
  private varlong(): number {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.position >= this.bytes.length) throw new RecordParseError('ends early');
      const byte = this.bytes[this.position++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    throw new RecordParseError('varlong longer than 10 bytes');
  }
}

function refuse(errorCode: number, reason: string): BatchRefusal {
  return { errorCode, reason };
}
