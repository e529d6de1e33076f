import { checkCodecs, codecByName } from '@switchboard/kafka-codecs';
import { crc32c } from './crc32c';
import { ErrorCode } from './error-codes';
import { validateProducedRecords, type ProduceLimits } from './produce-validation';

const NOW = 1_800_000_000_000;
const LIMITS: ProduceLimits = {
  maxMessageBytes: 1024 * 1024 + 12,
  timestampBeforeMaxMs: 2 ** 63 - 1,
  timestampAfterMaxMs: 60 * 60 * 1000,
};

function zigzag(value: bigint): number[] {
  let encoded = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  const bytes: number[] = [];
  while (encoded >= 0x80n) {
    bytes.push(Number(encoded & 0x7fn) | 0x80);
    encoded >>= 7n;
  }
  bytes.push(Number(encoded));
  return bytes;
}

interface TestRecord {
  timestampDelta: number;
  value: Buffer;
}

function records(list: TestRecord[]): Buffer {
  return Buffer.concat(
    list.map(({ timestampDelta, value }, index) => {
      const body = Buffer.from([
        0,
        ...zigzag(BigInt(timestampDelta)),
        ...zigzag(BigInt(index)),
        ...zigzag(-1n), // null key
        ...zigzag(BigInt(value.length)),
        ...value,
        ...zigzag(0n), // no headers
      ]);
      return Buffer.concat([Buffer.from(zigzag(BigInt(body.length))), body]);
    }),
  );
}

function batch(count: number, baseTimestamp: number, payload: Buffer, codecId = 0): Buffer {
  const header = Buffer.alloc(61);
  header.writeBigInt64BE(0n, 0);
  header.writeInt32BE(61 - 12 + payload.length, 8);
  header.writeInt32BE(-1, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(codecId, 21);
  header.writeInt32BE(count - 1, 23);
  header.writeBigInt64BE(BigInt(baseTimestamp), 27);
  header.writeBigInt64BE(BigInt(baseTimestamp), 35);
  header.writeBigInt64BE(-1n, 43);
  header.writeInt16BE(-1, 51);
  header.writeInt32BE(-1, 53);
  header.writeInt32BE(count, 57);
  const whole = Buffer.concat([header, payload]);
  whole.writeUInt32BE(crc32c(whole, 21, whole.length), 17);
  return whole;
}

beforeAll(() => checkCodecs()); // loads zstd's wasm module, as the broker does when it starts

function verdict(records: Buffer, limits = LIMITS): number {
  const result = validateProducedRecords(records, 7, limits, NOW);
  return Buffer.isBuffer(result) ? ErrorCode.NONE : result.errorCode;
}

describe('validateProducedRecords', () => {
  it('reads negative timestamp deltas and values longer than one varint byte', async () => {
    const value = Buffer.alloc(300, 0x61);
    const payload = records([
      { timestampDelta: 0, value },
      { timestampDelta: -5_000, value },
      { timestampDelta: 1_000, value },
    ]);
    expect(verdict(batch(3, NOW, payload))).toBe(ErrorCode.NONE);
  });

  it('holds each record, not only the first, to the future limit', async () => {
    const payload = records([
      { timestampDelta: 0, value: Buffer.from('now') },
      { timestampDelta: 60 * 60 * 1000 + 1, value: Buffer.from('an hour and a millisecond ahead') },
    ]);
    expect(verdict(batch(2, NOW, payload))).toBe(ErrorCode.INVALID_TIMESTAMP);
    const atTheLimit = records([{ timestampDelta: 60 * 60 * 1000, value: Buffer.from('an hour ahead') }]);
    expect(verdict(batch(1, NOW, atTheLimit))).toBe(ErrorCode.NONE);
  });

  it('takes timestamps of any age under the default, and refuses them under a past limit', async () => {
    const yearsAgo = batch(
      1,
      NOW - 5 * 365 * 24 * 60 * 60 * 1000,
      records([{ timestampDelta: 0, value: Buffer.from('old') }]),
    );
    expect(verdict(yearsAgo)).toBe(ErrorCode.NONE);
    expect(verdict(yearsAgo, { ...LIMITS, timestampBeforeMaxMs: 7 * 24 * 60 * 60 * 1000 })).toBe(
      ErrorCode.INVALID_TIMESTAMP,
    );
  });

  it('parses the records of a compressed batch after decompressing them', async () => {
    const plain = records([
      { timestampDelta: 0, value: Buffer.from('a') },
      { timestampDelta: 1, value: Buffer.from('b') },
    ]);
    const zstd = await codecByName('zstd').compress(plain);
    expect(verdict(batch(2, NOW, zstd, 4))).toBe(ErrorCode.NONE);
    // The same compressed records under a header that counts one record more.
    expect(verdict(batch(3, NOW, zstd, 4))).toBe(ErrorCode.INVALID_RECORD);
  });

  it('holds the whole batch, log overhead included, to the size limit', async () => {
    const whole = batch(1, NOW, records([{ timestampDelta: 0, value: Buffer.alloc(1000) }]));
    expect(verdict(whole, { ...LIMITS, maxMessageBytes: whole.length })).toBe(ErrorCode.NONE);
    expect(verdict(whole, { ...LIMITS, maxMessageBytes: whole.length - 1 })).toBe(
      ErrorCode.MESSAGE_TOO_LARGE,
    );
  });
});
