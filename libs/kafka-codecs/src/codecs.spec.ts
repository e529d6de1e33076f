import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  allCodecs,
  checkCodecs,
  codecById,
  codecByName,
  CodecError,
  MAX_DECOMPRESSED_BYTES,
  zstdFrameContentSize,
} from './codecs';

const FIXTURES = join(__dirname, '..', 'test', 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const plaintext = fixture('plaintext.txt');

describe('Kafka codecs', () => {
  it.each([
    ['gzip', 'kafka-python-gzip.bin'],
    ['snappy', 'kafka-python-snappy-xerial.bin'],
    ['snappy', 'kafka-python-snappy-raw.bin'],
    ['lz4', 'kafka-python-lz4.bin'],
    ['zstd', 'kafka-python-zstd.bin'],
    ['zstd', 'zstd-streaming-no-content-size.bin'],
  ] as const)(
    '%s reads what kafka-python wrote (%s), on the thread pool and on the caller',
    async (codec, file) => {
      expect(await codecByName(codec).decompress(fixture(file))).toEqual(plaintext);
      await checkCodecs([codec]); // loads zstd's wasm module, which the synchronous path needs
      expect(codecByName(codec).decompressSync(fixture(file))).toEqual(plaintext);
    },
  );

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)(
    '%s refuses bytes that are not its format with a CodecError, on the caller too',
    async (codec) => {
      await checkCodecs([codec]);
      expect(() => codecByName(codec).decompressSync(Buffer.from('not compressed at all'))).toThrow(
        CodecError,
      );
    },
  );

  it('zstd reads the records of a batch librdkafka (kcat) compressed', async () => {
    const records = await codecByName('zstd').decompress(fixture('librdkafka-zstd.bin'));
    const firstLine = plaintext.toString('utf8').split('\n')[0];
    expect(records.toString('latin1')).toContain(firstLine);
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)('%s gives back what it compressed', async (name) => {
    const codec = codecByName(name);
    for (const data of [Buffer.alloc(0), Buffer.from('x'), plaintext, Buffer.alloc(200_000, 7)]) {
      const roundTripped = await codec.decompress(await codec.compress(data));
      expect(roundTripped.equals(data)).toBe(true);
    }
  });

  it('frames snappy the way the Java client does, so every client reads it', async () => {
    const compressed = await codecByName('snappy').compress(plaintext);
    expect(compressed.subarray(0, 8)).toEqual(Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]));
  });

  it('finds a codec by the id a batch names, and none for ids Kafka does not define', () => {
    expect([1, 2, 3, 4].map((id) => codecById(id)?.name)).toEqual(['gzip', 'snappy', 'lz4', 'zstd']);
    expect([0, 5, 6, 7].map((id) => codecById(id))).toEqual([undefined, undefined, undefined, undefined]);
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'])(
    '%s refuses bytes that are not its own with a CodecError',
    async (name) => {
      const codec = allCodecs().find((candidate) => candidate.name === name);
      const garbage = Buffer.from('this is not compressed data at all, just text'.repeat(3));
      await expect(codec?.decompress(garbage)).rejects.toBeInstanceOf(CodecError);
    },
  );

  it('reads the content size a zstd frame header states', () => {
    expect(zstdFrameContentSize(fixture('kafka-python-zstd.bin'))).toBe(plaintext.length);
    expect(zstdFrameContentSize(fixture('zstd-streaming-no-content-size.bin'))).toBeUndefined();
  });

  it('refuses a zstd frame that says it holds more than the limit, before allocating it', async () => {
    const header = Buffer.alloc(9);
    header.writeUInt32LE(0xfd2fb528, 0);
    header[4] = 0xa0; // a single segment whose size takes 4 bytes
    header.writeUInt32LE(MAX_DECOMPRESSED_BYTES + 1, 5);
    const frame = Buffer.concat([header, Buffer.alloc(32, 1)]);
    expect(zstdFrameContentSize(frame)).toBe(MAX_DECOMPRESSED_BYTES + 1);
    await expect(codecByName('zstd').decompress(frame)).rejects.toThrow(/more than/);
  });

  it('passes its start-up check', async () => {
    await expect(checkCodecs()).resolves.toBeUndefined();
  });
});
