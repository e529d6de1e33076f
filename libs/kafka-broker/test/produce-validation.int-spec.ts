import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaMessage } from 'kafkajs';
import { kafkaPythonBatch, kafkaPythonProduce, type KafkaPythonCodec } from './support/kafka-python';
import { installKafkajsCodecs } from './support/kafkajs-codecs';
import { explainFailure, runKcat } from './support/kcat';
import { crc32cReference, encodeRecordBatch, produceBody, RawClient, WireReader } from './support/raw-client';
import { createTestBroker, uniqueName, waitFor, type TestBroker } from './support/test-broker';

// Conformance with Apache Kafka's produce validation (LogValidator and the checks before it):
// each malformed batch, sent by a raw producer with a correct CRC-32C unless the CRC is the
// point, gets the error code Kafka answers, and nothing of it is stored: kafkajs and kcat
// reading the partition afterwards see only the good batches written before and after it.

const ErrorCode = {
  UNKNOWN_SERVER_ERROR: -1,
  CORRUPT_MESSAGE: 2,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
} as const;
const PRODUCE = 0;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Recomputes the CRC-32C over attributes..end, so that only the field a case changes is wrong. */
function withCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32cReference(batch.subarray(21)), 17);
  return batch;
}

function changed(batch: Buffer, change: (copy: Buffer) => void): Buffer {
  const copy = Buffer.from(batch);
  change(copy);
  return withCrc(copy);
}

function plainBatch(value = 'refused', baseTimestamp = Date.now()): Buffer {
  return encodeRecordBatch([{ key: null, value: Buffer.from(value), headers: [] }], baseTimestamp);
}

function twoRecordBatch(): Buffer {
  return encodeRecordBatch(
    ['one', 'two'].map((value) => ({ key: null, value: Buffer.from(value), headers: [] })),
  );
}

/** Values kafka-python does compress (it sends small batches uncompressed when that is smaller). */
function compressibleValues(label: string, count = 4): string[] {
  return Array.from({ length: count }, (_, index) => `${label}-${index} ${'switchboard '.repeat(40)}`);
}

interface MalformedCase {
  name: string;
  errorCode: number;
  /** What the broker logs as the reason: the case fails for the reason it is about. */
  reason: RegExp;
  /** The Produce records field for the partition. */
  records: () => Promise<Buffer> | Buffer;
  produceVersion?: number;
}

const CASES: MalformedCase[] = [
  {
    name: 'a CRC-32C that does not match the content',
    reason: /CRC-32C mismatch/,
    errorCode: ErrorCode.CORRUPT_MESSAGE,
    records: () => {
      const batch = plainBatch();
      batch[batch.length - 1] ^= 0x01;
      return batch;
    },
  },
  {
    name: 'codec id 5 in the attributes (kafka-python lz4 batch, crafted)',
    reason: /codec id 5 does not exist/,
    errorCode: ErrorCode.UNKNOWN_SERVER_ERROR,
    records: () => kafkaPythonBatch('lz4', compressibleValues('codec-5'), 'unknown-codec'),
  },
  {
    name: 'the lz4 bit set on records that are not lz4',
    reason: /do not decompress: lz4/,
    errorCode: ErrorCode.UNKNOWN_SERVER_ERROR,
    records: () => changed(plainBatch(), (batch) => batch.writeInt16BE(3, 21)),
  },
  {
    name: 'gzip records with flipped bytes (kafka-python, crafted)',
    reason: /do not decompress: gzip/,
    errorCode: ErrorCode.UNKNOWN_SERVER_ERROR,
    records: () => kafkaPythonBatch('gzip', compressibleValues('gzip-corrupt'), 'corrupt'),
  },
  {
    name: 'a 3 MB record, over the default message.max.bytes',
    reason: /larger than the 1048588 bytes allowed/,
    errorCode: ErrorCode.MESSAGE_TOO_LARGE,
    records: () => plainBatch('x'.repeat(3 * 1024 * 1024)),
  },
  {
    name: 'a timestamp two days in the future, over message.timestamp.after.max.ms',
    reason: /record 0 timestamp \d+ is outside/,
    errorCode: ErrorCode.INVALID_TIMESTAMP,
    records: () => plainBatch('from the future', Date.now() + 2 * DAY_MS),
  },
  {
    name: 'the LogAppendTime type set by the producer, with no timestamp',
    reason: /may not set the LogAppendTime/,
    errorCode: ErrorCode.INVALID_TIMESTAMP,
    records: () =>
      changed(plainBatch(), (batch) => {
        batch.writeInt16BE(0x08, 21);
        batch.writeBigInt64BE(-1n, 27);
        batch.writeBigInt64BE(-1n, 35);
      }),
  },
  {
    name: 'a record count that disagrees with the last offset delta',
    reason: /counts 3 records but its last offset delta is 1/,
    errorCode: ErrorCode.INVALID_RECORD,
    records: () => changed(twoRecordBatch(), (batch) => batch.writeInt32BE(3, 57)),
  },
  {
    name: 'a record whose offset delta is not its index',
    reason: /record 0 has offset delta 1/,
    errorCode: ErrorCode.INVALID_RECORD,
    // Record 0 starts at 61: size varint, attributes, timestamp delta 0, then its offset delta.
    records: () => changed(plainBatch(), (batch) => (batch[64] = 2)), // zig-zag 1
  },
  {
    name: 'a record claiming more bytes than the batch holds',
    reason: /record 0 does not parse/,
    errorCode: ErrorCode.INVALID_RECORD,
    records: () => changed(plainBatch(), (batch) => (batch[61] += 2)), // zig-zag size + 1
  },
  {
    name: 'bytes after the last record the batch counts',
    reason: /3 bytes follow the 1 records/,
    errorCode: ErrorCode.INVALID_RECORD,
    records: () => {
      const batch = Buffer.concat([plainBatch(), Buffer.from([0, 0, 0])]);
      batch.writeInt32BE(batch.length - 12, 8);
      return withCrc(batch);
    },
  },
  {
    name: 'two batches for one partition in one request',
    reason: /exactly one record batch/,
    errorCode: ErrorCode.INVALID_RECORD,
    records: () => Buffer.concat([plainBatch('first'), plainBatch('second')]),
  },
  {
    name: 'magic 1 in a Produce v3+ request',
    reason: /not magic 1/,
    errorCode: ErrorCode.INVALID_RECORD,
    records: () => changed(plainBatch(), (batch) => batch.writeInt8(1, 16)),
  },
  {
    name: 'a base offset other than 0',
    reason: /not 7/,
    errorCode: ErrorCode.INVALID_RECORD,
    records: () => changed(plainBatch(), (batch) => batch.writeBigInt64BE(7n, 0)),
  },
  {
    name: 'a control batch from a client',
    reason: /control batches/,
    errorCode: ErrorCode.INVALID_RECORD,
    records: () => changed(plainBatch(), (batch) => batch.writeInt16BE(0x20, 21)),
  },
  {
    name: 'a producer id with a negative base sequence',
    reason: /base sequence -1 with producer id 42/,
    errorCode: ErrorCode.INVALID_RECORD,
    records: () =>
      changed(plainBatch(), (batch) => {
        batch.writeBigInt64BE(42n, 43);
        batch.writeInt16BE(0, 51);
        batch.writeInt32BE(-1, 53);
      }),
  },
  {
    name: 'no record batch at all',
    reason: /one record batch per partition/,
    errorCode: ErrorCode.INVALID_RECORD,
    records: () => Buffer.alloc(0),
  },
  {
    name: 'zstd in Produce v3, before zstd existed (kafka-python zstd batch)',
    reason: /zstd needs Produce v7/,
    errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    records: () => kafkaPythonBatch('zstd', compressibleValues('zstd-v3')),
    produceVersion: 3,
  },
];

describe('Produce refuses what Apache Kafka refuses, with its error codes, and stores none of it', () => {
  let harness: TestBroker;
  let topic: string;
  let client: RawClient;

  beforeAll(async () => {
    installKafkajsCodecs();
    harness = await createTestBroker();
    topic = await createTopic(uniqueName('refused'), CASES.length);
    client = await RawClient.connect(harness.broker.address);
  });
  afterAll(async () => {
    client?.destroy();
    await harness?.stop();
  });

  async function createTopic(name: string, partitions: number, configs: Record<string, string> = {}) {
    const admin = harness.kafka().admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          {
            topic: name,
            numPartitions: partitions,
            configEntries: Object.entries(configs).map(([key, value]) => ({ name: key, value })),
          },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    return name;
  }

  async function produce(
    to: string,
    partition: number,
    records: Buffer,
    apiVersion = 7,
  ): Promise<{ errorCode: number; baseOffset: bigint }> {
    const body = produceBody(to, partition, records);
    const response = new WireReader(await client.request({ apiKey: PRODUCE, apiVersion, body }, 15_000));
    const [answer] = response.array(() => ({
      topic: response.string(),
      partitions: response.array(() => {
        const outcome = {
          partition: response.int32(),
          errorCode: response.int16(),
          baseOffset: response.int64(),
        };
        response.int64(); // log append time
        if (apiVersion >= 5) response.int64(); // log start offset
        return outcome;
      }),
    }));
    const [{ partition: answered, errorCode, baseOffset }] = answer.partitions;
    expect(answered).toBe(partition);
    return { errorCode, baseOffset };
  }

  it.each(CASES.map((malformed, partition) => ({ ...malformed, partition })))(
    'refuses $name with error $errorCode, between two good batches that are stored',
    async ({ partition, records, errorCode, reason, produceVersion }) => {
      expect(await produce(topic, partition, plainBatch(`before-${partition}`))).toEqual({
        errorCode: 0,
        baseOffset: 0n,
      });
      const refused = await produce(topic, partition, await records(), produceVersion);
      expect(refused).toEqual({ errorCode, baseOffset: -1n });
      const about = harness.logLines.filter((line) => line.includes(`produce to ${topic}-${partition} `));
      expect(about).toEqual([expect.stringMatching(reason)]);
      expect(await produce(topic, partition, plainBatch(`after-${partition}`))).toEqual({
        errorCode: 0,
        baseOffset: 1n,
      });
      expect(client.isClosed).toBe(false);
    },
  );

  it('leaves every partition holding only the good batches, as kafkajs and kcat read them', async () => {
    const expected = CASES.flatMap((_, partition) => [
      `${partition} 0 before-${partition}`,
      `${partition} 1 after-${partition}`,
    ]).sort();

    const received: KafkaMessage[] = [];
    const seen: string[] = [];
    const consumer = harness.kafka().consumer({ groupId: uniqueName('refused-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received.push(message);
        seen.push(`${partition} ${message.offset} ${message.value?.toString()}`);
      },
    });
    try {
      await waitFor(
        `${expected.length} messages read back by kafkajs`,
        () => seen.length >= expected.length,
        15_000,
      );
    } finally {
      await consumer.disconnect();
    }
    expect(seen.sort()).toEqual(expected);

    const kcat = await runKcat(
      ['-b', harness.broker.address, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%p %o %s\n'],
      undefined,
      20_000,
    );
    await explainFailure(kcat, () => {
      expect(kcat.code).toBe(0);
      expect(kcat.stdout.toString('utf8').split('\n').filter(Boolean).sort()).toEqual(expected);
    });
  });

  it('holds a topic to its own max.message.bytes and message.timestamp limits, given at CreateTopics', async () => {
    const limited = await createTopic(uniqueName('limited'), 1, {
      'max.message.bytes': '2000',
      'message.timestamp.before.max.ms': String(60_000),
    });
    const unlimited = await createTopic(uniqueName('unlimited'), 1);
    expect((await produce(limited, 0, plainBatch('x'.repeat(5000)))).errorCode).toBe(
      ErrorCode.MESSAGE_TOO_LARGE,
    );
    expect((await produce(limited, 0, plainBatch('old', Date.now() - 2 * 60_000))).errorCode).toBe(
      ErrorCode.INVALID_TIMESTAMP,
    );
    // The broker's defaults take both: no limit on the past, and 1 MiB.
    expect((await produce(unlimited, 0, plainBatch('x'.repeat(5000)))).errorCode).toBe(0);
    expect((await produce(unlimited, 0, plainBatch('old', Date.now() - 2 * DAY_MS))).errorCode).toBe(0);
    expect(await produce(limited, 0, plainBatch('fits'))).toEqual({ errorCode: 0, baseOffset: 0n });
  });

  it('refuses to create a topic whose max.message.bytes is negative, as Kafka does', async () => {
    const name = uniqueName('bad-limit');
    const admin = harness.kafka().admin();
    await admin.connect();
    try {
      await expect(
        admin.createTopics({
          topics: [{ topic: name, configEntries: [{ name: 'max.message.bytes', value: '-1' }] }],
        }),
      ).rejects.toMatchObject({ errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })] });
      expect(await admin.listTopics()).not.toContain(name);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('kafka-python, an independent client, producing valid batches in every codec', () => {
  let harness: TestBroker;

  beforeAll(async () => {
    installKafkajsCodecs();
    harness = await createTestBroker();
  });
  afterAll(() => harness?.stop());

  /** The codec ids (0 none ... 4 zstd) of the batches stored for a topic's partition 0. */
  function storedCodecs(topic: string): number[] {
    const directory = join(harness.dataDir, 'topics', topic, '0');
    const codecs: number[] = [];
    for (const file of readdirSync(directory).filter((name) => name.endsWith('.log'))) {
      const bytes = readFileSync(join(directory, file));
      for (let at = 0; at + 61 <= bytes.length; at += 12 + bytes.readInt32BE(at + 8)) {
        codecs.push(bytes.readInt16BE(at + 21) & 0x07);
      }
    }
    return codecs;
  }

  it('stores each as sent, and kafkajs and kcat read back every record', async () => {
    const topic = uniqueName('python-codecs');
    const admin = harness.kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();

    const codecs: KafkaPythonCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
    const sent: string[] = [];
    for (const codec of codecs) {
      const values = compressibleValues(codec);
      await kafkaPythonProduce(harness.broker.address, topic, codec, values);
      sent.push(...values);
    }
    expect(new Set(storedCodecs(topic))).toEqual(new Set([0, 1, 2, 3, 4]));

    const read: string[] = [];
    const consumer = harness.kafka().consumer({ groupId: uniqueName('python-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void read.push(message.value?.toString() ?? ''),
    });
    try {
      await waitFor(`${sent.length} records read back by kafkajs`, () => read.length >= sent.length, 15_000);
    } finally {
      await consumer.disconnect();
    }
    expect(read).toEqual(sent);

    const kcat = await runKcat(
      ['-b', harness.broker.address, '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%s\n'],
      undefined,
      20_000,
    );
    await explainFailure(kcat, () => {
      expect(kcat.code).toBe(0);
      expect(kcat.stdout.toString('utf8').split('\n').filter(Boolean)).toEqual(sent);
    });
  });
});
