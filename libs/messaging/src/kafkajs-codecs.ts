/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's protocol internals have no typed entry point */
import { allCodecs, CODEC_IDS, type CompressingCodecName } from '@switchboard/kafka-codecs';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';

// kafkajs 2.2.4 (its last release) reads only gzip; it takes other codecs through CompressionCodecs,
// and has no hook for a batch it cannot decode: the whole fetch fails and the consumer crashes,
// at the same offset after every restart. The pieces below are the narrowest way in, written
// against that one pinned release; the consumer tests cover them.

/** Header of the stand-in record for a record batch that could not be decoded. */
export const UNDECODABLE_BATCH_HEADER = 'sb-undecodable-batch';
/** The first offset of that batch (the stand-in record carries its last). */
export const UNDECODABLE_FIRST_OFFSET_HEADER = 'sb-undecodable-first-offset';

const KAFKAJS_TYPES: Record<CompressingCodecName, CompressionTypes> = {
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

const FETCH_API_KEY = 1;
const RECORD_BATCH_HEADER_BYTES = 61;
const MAGIC_OFFSET = 16;
const RECORD_BATCH_MAGIC = 2;

interface KafkajsDecoder {
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readString(): string;
  readBytes(size: number): Buffer;
  canReadBytes(size: number): boolean;
  readArray<T>(reader: (decoder: KafkajsDecoder) => T): T[];
  readArrayAsync<T>(reader: (decoder: KafkajsDecoder) => Promise<T>): Promise<T[]>;
}
type DecoderConstructor = new (buffer: Buffer) => KafkajsDecoder;
type RecordBatchDecoder = (decoder: KafkajsDecoder) => Promise<{ records: unknown[] }>;
type MessageSetDecoder = (decoder: KafkajsDecoder, size: number) => Promise<unknown[]>;
interface FetchResponse {
  decode(rawData: Buffer): Promise<unknown>;
  parse(decoded: unknown): Promise<unknown>;
}
interface FetchRequestSpec {
  request: { apiVersion: number };
  response: FetchResponse;
}
type LookupRequest = (apiKey: number, definitions: unknown) => (...args: unknown[]) => FetchRequestSpec;
interface BrokerPrototype {
  connect(...args: unknown[]): Promise<unknown>;
  lookupRequest: LookupRequest;
}

let decodingGuarded = false;

// The stand-ins made here, known by identity: a header alone could be written by any producer.
const standInRecords = new WeakSet<object>();

/** Whether a fetched record is the stand-in for a record batch that could not be decoded. */
export function isUndecodableBatchStandIn(record: object): boolean {
  return standInRecords.has(record);
}

/**
 * Makes every kafkajs client of this process read and write gzip, snappy, lz4 and zstd with the
 * platform's codecs, and turn a record batch it cannot decode (an unknown codec id, corrupt
 * compressed bytes, records that do not parse) into one stand-in record instead of a crash: its
 * value is the batch as it was fetched, its headers say why, and its offset is the batch's last,
 * so that the consumer can park it by position and go on past it. `codecs` (default all) are the
 * ones read and written; a batch in another is such a batch, as for a Kafka client built without
 * that codec. kafkajs holds codecs per process: each call replaces the previous set.
 */
export function installKafkaCodecs(codecs?: readonly CompressingCodecName[]): void {
  const codecsById = CompressionCodecs as Record<number, () => unknown>;
  for (const codec of allCodecs()) {
    codecsById[KAFKAJS_TYPES[codec.name]] =
      !codecs || codecs.includes(codec.name)
        ? () => ({
            compress: (encoder: { buffer: Buffer }) => codec.compress(encoder.buffer),
            decompress: (buffer: Buffer) => codec.decompress(buffer),
          })
        : () => {
            throw new Error(
              `the batch is compressed with ${codec.name}, which this client is set up without`,
            );
          };
  }
  // Ids 5 to 7 name no codec: kafkajs would read such a batch as if uncompressed, and hand garbage
  // on as records. Failing it sends the batch to the careful decode below, which parks it.
  for (let id = CODEC_IDS.zstd + 1; id <= 7; id++) {
    codecsById[id] = () => {
      throw new Error(`the batch names compression codec ${id}, which no Kafka release defines`);
    };
  }
  if (decodingGuarded) return;
  decodingGuarded = true;
  guardFetchDecoding();
}

function guardFetchDecoding(): void {
  const Broker = require('kafkajs/src/broker') as { prototype: BrokerPrototype };
  const connect = Broker.prototype.connect;
  // lookupRequest is set per broker when it connects; Fetch requests made through it get a
  // response decoder that falls back to a batch-by-batch decode when the whole one fails.
  Broker.prototype.connect = async function (this: BrokerPrototype, ...args: unknown[]) {
    const result = await connect.apply(this, args);
    const lookup = this.lookupRequest;
    this.lookupRequest = (apiKey, definitions) => {
      const build = lookup(apiKey, definitions);
      if (apiKey !== FETCH_API_KEY) return build;
      return (...buildArgs: unknown[]) => {
        const spec = build(...buildArgs);
        return { ...spec, response: tolerantResponse(spec.response, spec.request.apiVersion) };
      };
    };
    return result;
  };
}

function tolerantResponse(response: FetchResponse, apiVersion: number): FetchResponse {
  return {
    parse: response.parse,
    decode: async (rawData) => {
      try {
        return await response.decode(rawData);
      } catch {
        // Only a response holding an undecodable batch pays for the second, careful decode.
        return decodeFetchResponse(rawData, apiVersion);
      }
    },
  };
}

/** Fetch responses v4 to v11, as kafkajs decodes them, with each record batch decoded on its own. */
async function decodeFetchResponse(rawData: Buffer, apiVersion: number): Promise<unknown> {
  if (apiVersion < 4 || apiVersion > 11) throw new Error(`no careful decoder for Fetch v${apiVersion}`);
  const Decoder = require('kafkajs/src/protocol/decoder') as DecoderConstructor;
  const decoder = new Decoder(rawData);
  const throttleTime = decoder.readInt32();
  const session = apiVersion >= 7 ? { errorCode: decoder.readInt16(), sessionId: decoder.readInt32() } : {};
  const responses = await decoder.readArrayAsync(async (topicDecoder) => ({
    topicName: topicDecoder.readString(),
    partitions: await topicDecoder.readArrayAsync(async (partitionDecoder) => ({
      partition: partitionDecoder.readInt32(),
      errorCode: partitionDecoder.readInt16(),
      highWatermark: partitionDecoder.readInt64().toString(),
      lastStableOffset: partitionDecoder.readInt64().toString(),
      ...(apiVersion >= 5 ? { lastStartOffset: partitionDecoder.readInt64().toString() } : {}),
      abortedTransactions: partitionDecoder.readArray((aborted) => ({
        producerId: aborted.readInt64().toString(),
        firstOffset: aborted.readInt64().toString(),
      })),
      ...(apiVersion >= 11 ? { preferredReadReplica: partitionDecoder.readInt32() } : {}),
      messages: await decodeRecordBatches(partitionDecoder, Decoder),
    })),
  }));
  // From v8 on kafkajs reports the broker's throttle as client-side (see its own v8 decoder).
  const throttle =
    apiVersion >= 8 ? { throttleTime: 0, clientSideThrottleTime: throttleTime } : { throttleTime };
  return { ...throttle, ...session, responses };
}

async function decodeRecordBatches(decoder: KafkajsDecoder, Decoder: DecoderConstructor): Promise<unknown[]> {
  const size = decoder.readInt32();
  if (size <= 0 || !decoder.canReadBytes(size)) return [];
  const bytes = decoder.readBytes(size);
  if (bytes.length <= MAGIC_OFFSET || bytes.readInt8(MAGIC_OFFSET) !== RECORD_BATCH_MAGIC) {
    const decodeMessageSet = require('kafkajs/src/protocol/messageSet/decoder') as MessageSetDecoder;
    return decodeMessageSet(new Decoder(bytes), size);
  }
  const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as RecordBatchDecoder;
  const records: unknown[] = [];
  for (let start = 0; start + RECORD_BATCH_HEADER_BYTES <= bytes.length;) {
    const length = bytes.readInt32BE(start + 8);
    const end = start + 12 + length;
    // A batch cut short by the fetch size is fetched whole next time, as kafkajs does.
    if (length < RECORD_BATCH_HEADER_BYTES - 12 || end > bytes.length) break;
    const batch = bytes.subarray(start, end);
    try {
      const codecId = batch.readInt16BE(21) & 0x07;
      if (codecId > CODEC_IDS.zstd)
        throw new Error(`the batch names compression codec ${codecId}, which no Kafka release defines`);
      records.push(...(await decodeRecordBatch(new Decoder(batch))).records);
    } catch (error) {
      records.push(standInRecord(batch, error));
    }
    start = end;
  }
  return records;
}

function standInRecord(batch: Buffer, error: unknown): unknown {
  const firstOffset = batch.readBigInt64BE(0);
  const lastOffset = firstOffset + BigInt(batch.readInt32BE(23));
  const reason = error instanceof Error ? error.message : String(error);
  const standIn = {
    magicByte: RECORD_BATCH_MAGIC,
    attributes: 0,
    timestamp: batch.readBigInt64BE(27).toString(),
    offset: lastOffset.toString(),
    key: null,
    value: Buffer.from(batch),
    headers: {
      [UNDECODABLE_BATCH_HEADER]: Buffer.from(`cannot decode the record batch: ${reason}`.slice(0, 500)),
      [UNDECODABLE_FIRST_OFFSET_HEADER]: Buffer.from(firstOffset.toString()),
    },
    isControlRecord: false,
    batchContext: {},
  };
  standInRecords.add(standIn);
  return standIn;
}
