import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gunzipSync, gzip as gzipCallback } from 'node:zlib';
import * as zstd from '@bokuweb/zstd-wasm';
import { compressFrame, decompressFrame, decompressFrameSync } from 'lz4-napi';
import * as snappyjs from 'snappyjs';
import { compressSnappy, decompressSnappy } from './snappy-framing';
import './snappyjs-types';

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

/** The codecs a Kafka record batch names in the low three bits of its attributes. */
export const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type CodecName = (typeof CODEC_NAMES)[number];
export type CompressingCodecName = Exclude<CodecName, 'none'>;

export const CODEC_IDS: Record<CodecName, number> = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

/** What one decompression may grow to: a batch claiming more is refused rather than allocated. */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

export interface Codec {
  readonly name: CompressingCodecName;
  readonly id: number;
  compress(data: Buffer): Promise<Buffer>;
  /** Rejects with a CodecError when the data is not valid for this codec. */
  decompress(data: Buffer): Promise<Buffer>;
  /**
   * The same on the calling thread, throwing a CodecError: for a caller that decompresses many
   * small batches (the broker checking produce), where a hop to the thread pool and back costs
   * more than the work. zstd needs its wasm module loaded first: after checkCodecs().
   */
  decompressSync(data: Buffer): Buffer;
}

export class CodecError extends Error {
  constructor(
    readonly codec: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${codec}: ${message}`, options);
    this.name = 'CodecError';
  }
}

const ZSTD_MAGIC = 0xfd2fb528;
const ZSTD_FIRST_GUESS_BYTES = 1024 * 1024;
// Kafka's own default for zstd (and librdkafka's): fast, with most of the gain.
const ZSTD_LEVEL = 3;

let zstdReady: Promise<void> | undefined;
let zstdLoaded = false;
function zstdModule(): Promise<void> {
  zstdReady ??= zstd.init().then(() => {
    zstdLoaded = true;
  });
  return zstdReady;
}

const snappyBlocks = {
  compress: (block: Buffer) => Buffer.from(snappyjs.compress(block)),
  uncompress: (block: Buffer) => Buffer.from(snappyjs.uncompress(block, MAX_DECOMPRESSED_BYTES)),
};

const RAW_CODECS: Record<CompressingCodecName, Codec> = {
  gzip: {
    name: 'gzip',
    id: CODEC_IDS.gzip,
    compress: (data) => gzip(data),
    decompress: (data) => gunzip(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES }),
    decompressSync: (data) => gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES }),
  },
  snappy: {
    name: 'snappy',
    id: CODEC_IDS.snappy,
    compress: async (data) => compressSnappy(data, snappyBlocks),
    decompress: async (data) => decompressSnappy(data, snappyBlocks),
    decompressSync: (data) => decompressSnappy(data, snappyBlocks),
  },
  lz4: {
    name: 'lz4',
    id: CODEC_IDS.lz4,
    // Kafka's LZ4 is the LZ4 frame format (KIP-57), which every current client reads and writes.
    compress: (data) => compressFrame(data),
    decompress: async (data) => {
      const decompressed = await decompressFrame(data);
      if (decompressed.length > MAX_DECOMPRESSED_BYTES) throw tooLarge('lz4');
      return decompressed;
    },
    decompressSync: (data) => {
      const decompressed = decompressFrameSync(data);
      if (decompressed.length > MAX_DECOMPRESSED_BYTES) throw tooLarge('lz4');
      return decompressed;
    },
  },
  zstd: {
    name: 'zstd',
    id: CODEC_IDS.zstd,
    compress: async (data) => {
      await zstdModule();
      return Buffer.from(zstd.compress(data, ZSTD_LEVEL));
    },
    decompress: async (data) => {
      await zstdModule();
      return decompressZstd(data);
    },
    decompressSync: (data) => {
      if (!zstdLoaded)
        throw new CodecError('zstd', 'the wasm module is not loaded yet: call checkCodecs() first');
      return decompressZstd(data);
    },
  },
};

// Whatever a codec's library throws on bad input, callers get a CodecError naming the codec.
const CODECS = Object.fromEntries(
  Object.entries(RAW_CODECS).map(([name, codec]) => {
    const asCodecError = (error: unknown) =>
      error instanceof CodecError
        ? error
        : new CodecError(codec.name, `cannot decompress: ${describe(error)}`, { cause: error });
    return [
      name,
      {
        ...codec,
        decompress: async (data: Buffer) => {
          try {
            return await codec.decompress(data);
          } catch (error) {
            throw asCodecError(error);
          }
        },
        decompressSync: (data: Buffer) => {
          try {
            return codec.decompressSync(data);
          } catch (error) {
            throw asCodecError(error);
          }
        },
      },
    ];
  }),
) as Record<CompressingCodecName, Codec>;

/** The codec a batch's attributes name; undefined for 'none' and for ids no Kafka release defines. */
export function codecById(id: number): Codec | undefined {
  return Object.values(CODECS).find((codec) => codec.id === id);
}

export function codecByName(name: CompressingCodecName): Codec {
  return CODECS[name];
}

export function allCodecs(): Codec[] {
  return Object.values(CODECS);
}

/**
 * Compresses and decompresses a sample with each codec named (default all): a codec whose native
 * or wasm part did not load fails here, at start-up, rather than as thousands of "undecodable"
 * batches later.
 */
export async function checkCodecs(
  names: readonly CompressingCodecName[] = Object.keys(CODECS) as CompressingCodecName[],
): Promise<void> {
  const sample = Buffer.from('Switchboard checks its Kafka codecs '.repeat(64));
  for (const codec of names.map(codecByName)) {
    const compressed = await codec.compress(sample);
    const roundTripped = await codec.decompress(compressed);
    if (!roundTripped.equals(sample) || !codec.decompressSync(compressed).equals(sample)) {
      throw new CodecError(codec.name, 'did not give back what it compressed');
    }
  }
}

/**
 * A frame that states its size is decompressed into exactly that; one that does not (Java's
 * streaming writer, which Apache Kafka uses when a topic recompresses) into a buffer that doubles
 * until it fits, up to MAX_DECOMPRESSED_BYTES.
 */
function decompressZstd(data: Buffer): Buffer {
  if (data.length < 4 || data.readUInt32LE(0) !== ZSTD_MAGIC) {
    throw new CodecError('zstd', 'the data does not start with a zstd frame');
  }
  const stated = zstdFrameContentSize(data);
  if (stated !== undefined && stated > MAX_DECOMPRESSED_BYTES) throw tooLarge('zstd');
  for (let guess = ZSTD_FIRST_GUESS_BYTES; ; guess *= 2) {
    try {
      return Buffer.from(zstd.decompress(data, { defaultHeapSize: guess }));
    } catch (error) {
      if (guess >= MAX_DECOMPRESSED_BYTES) {
        throw new CodecError('zstd', `cannot decompress: ${describe(error)}`, { cause: error });
      }
    }
  }
}

/** The content size a zstd frame header states (RFC 8878, 3.1.1.1), or undefined when it states none. */
export function zstdFrameContentSize(frame: Buffer): number | undefined {
  if (frame.length < 5) return undefined;
  const descriptor = frame[4];
  const sizeFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 0x03];
  const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][sizeFlag];
  const at = 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes;
  if (sizeBytes === 0 || frame.length < at + sizeBytes) return undefined;
  switch (sizeBytes) {
    case 1:
      return frame[at];
    case 2:
      return frame.readUInt16LE(at) + 256;
    case 4:
      return frame.readUInt32LE(at);
    default:
      return Number(frame.readBigUInt64LE(at));
  }
}

function tooLarge(codec: string): CodecError {
  return new CodecError(codec, `decompresses to more than ${MAX_DECOMPRESSED_BYTES} bytes`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
