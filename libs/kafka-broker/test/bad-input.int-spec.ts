import type { KafkaMessage } from 'kafkajs';
import {
  crc32cReference,
  encodeRecordBatch,
  frameRequest,
  produceBody,
  RawClient,
  WireReader,
  WireWriter,
  type RawRecord,
} from './support/raw-client';
import { createTestBroker, uniqueName, waitFor, type TestBroker } from './support/test-broker';

// Hand-built frames over plain sockets: what a buggy client, a port scanner or a confused
// HTTP client sends. Each case checks what the offender sees, what the operator reads in the
// log, and that everyone else is still served.

const API = { Produce: 0, Fetch: 1, Metadata: 3, ApiVersions: 18 } as const;
const CORRUPT_MESSAGE = 2;
const UNSUPPORTED_VERSION = 35;
const MB = 1024 * 1024;

describe('the broker under malformed and hostile input', () => {
  let harness: TestBroker;
  let aliveTopic: string;

  beforeAll(async () => {
    harness = await createTestBroker();
    aliveTopic = await createTopic(1);
  });
  afterAll(() => harness.stop());

  async function createTopic(partitions: number): Promise<string> {
    const admin = harness.kafka().admin();
    await admin.connect();
    const topic = uniqueName('bad-input');
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    await admin.disconnect();
    return topic;
  }

  function connect(): Promise<RawClient> {
    return RawClient.connect(harness.broker.address);
  }

  /** The broker's log lines about one client connection, recognised by its port. */
  function logLinesAbout(client: RawClient): string[] {
    const port = new RegExp(`:${client.localPort}(?!\\d)`);
    return harness.logLines.filter((line) => port.test(line));
  }

  async function expectClosedWithLog(client: RawClient, reason: RegExp): Promise<string> {
    await waitFor('the broker to close the offending connection', () => client.isClosed, 5000);
    let line: string | undefined;
    await waitFor(
      `a log line about port ${client.localPort} matching ${reason}; log so far:\n${harness.logLines.slice(-10).join('\n')}`,
      () => (line = logLinesAbout(client).find((candidate) => reason.test(candidate))) !== undefined,
      2000,
    );
    return line!;
  }

  async function expectBrokerStillServes(): Promise<void> {
    const client = await connect();
    try {
      const body = await client.request({ apiKey: API.ApiVersions, apiVersion: 0 });
      expect(body.readInt16BE(0)).toBe(0);
    } finally {
      client.destroy();
    }
    const producer = harness.kafka().producer();
    await producer.connect();
    try {
      const [result] = await producer.send({
        topic: aliveTopic,
        acks: -1,
        messages: [{ value: 'still serving' }],
      });
      expect(result.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
  }

  async function highWatermark(topic: string): Promise<string> {
    const admin = harness.kafka().admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topic))[0].high;
    } finally {
      await admin.disconnect();
    }
  }

  it('closes a connection whose frame claims 2 GB without allocating it, and logs the size', async () => {
    const rssBefore = process.memoryUsage().rss;
    const client = await connect();
    // Only the size and a few bytes of what would follow: the broker must not wait for the rest.
    await client.write(
      Buffer.concat([new WireWriter().int32(0x7fffffff).toBuffer(), Buffer.alloc(64 * 1024, 0x41)]),
    );

    const line = await expectClosedWithLog(client, /2147483647/);
    expect(line).toMatch(/size/i);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MB);
    await expectBrokerStillServes();
  });

  it.each([
    ['a negative size', -1],
    ['the most negative size', -0x80000000],
    ['a size of zero', 0],
    ['a size below the 8-byte request header', 7],
  ])('closes a connection whose frame has %s', async (_case, size) => {
    const client = await connect();
    await client.write(Buffer.concat([new WireWriter().int32(size).toBuffer(), Buffer.alloc(16)]));
    await expectClosedWithLog(client, new RegExp(`size ${size}(?!\\d)`));
    await expectBrokerStillServes();
  });

  it('closes a connection on a Metadata request whose topic array claims 1000 entries but ends early', async () => {
    const client = await connect();
    const body = new WireWriter().int32(1000).string('first-topic').string('second-topic').toBuffer();
    await client.write(frameRequest({ apiKey: API.Metadata, apiVersion: 1, correlationId: 7, body }));

    const line = await expectClosedWithLog(client, /malformed/i);
    expect(line).toMatch(/Metadata/);
    expect(client.pendingBytes).toBe(0); // no half-parsed answer was sent
    await expectBrokerStillServes();
  });

  it('closes a connection on a request header cut short inside the client id', async () => {
    const client = await connect();
    // Size 10 covers api key, version, correlation id and a client id length of 50, but no id.
    const frame = new WireWriter().int32(10).int16(API.Metadata).int16(1).int32(3).int16(50).toBuffer();
    await client.write(frame);
    await expectClosedWithLog(client, /malformed/i);
    await expectBrokerStillServes();
  });

  it('closes a connection on an unknown API key and logs the key', async () => {
    const client = await connect();
    await client.write(
      frameRequest({ apiKey: 9999, apiVersion: 0, correlationId: 1, body: Buffer.alloc(8) }),
    );
    await expectClosedWithLog(client, /9999/);
    await expectBrokerStillServes();
  });

  it.each([
    ['Produce', API.Produce, 1],
    ['Fetch', API.Fetch, 2],
    ['Metadata', API.Metadata, 99],
  ])('closes a connection on unsupported %s v%s and logs the version', async (name, apiKey, apiVersion) => {
    const client = await connect();
    await client.write(frameRequest({ apiKey, apiVersion, correlationId: 1, body: Buffer.alloc(32) }));
    const line = await expectClosedWithLog(client, new RegExp(`${name} v${apiVersion}(?!\\d)`));
    expect(line).toMatch(/not supported|unsupported/i);
    await expectBrokerStillServes();
  });

  describe('produce through a raw connection', () => {
    const records: RawRecord[] = [
      {
        key: Buffer.from('order-1'),
        value: Buffer.from('{"total":42}'),
        headers: [['trace', Buffer.from('abc')]],
      },
      { key: null, value: Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]), headers: [] },
    ];

    async function produce(client: RawClient, topic: string, batch: Buffer) {
      const response = new WireReader(
        await client.request({ apiKey: API.Produce, apiVersion: 7, body: produceBody(topic, 0, batch) }),
      );
      const [answer] = response.array(() => ({
        topic: response.string(),
        partitions: response.array(() => ({
          partition: response.int32(),
          errorCode: response.int16(),
          baseOffset: response.int64(),
          logAppendTime: response.int64(),
          logStartOffset: response.int64(),
        })),
      }));
      response.int32(); // throttle time
      expect(response.remaining).toBe(0);
      expect(answer.topic).toBe(topic);
      return answer.partitions[0];
    }

    it('the reference CRC-32C used to build batches matches the published check value', () => {
      expect(crc32cReference(Buffer.from('123456789'))).toBe(0xe3069283);
    });

    it('appends a sound hand-built batch, refuses one with a flipped byte as CORRUPT_MESSAGE and appends nothing', async () => {
      const topic = await createTopic(1);
      const client = await connect();
      try {
        const sound = encodeRecordBatch(records);
        const accepted = await produce(client, topic, sound);
        expect(accepted).toMatchObject({ partition: 0, errorCode: 0, baseOffset: 0n });
        expect(await highWatermark(topic)).toBe('2');

        const corrupted = Buffer.from(sound);
        const valueAt = corrupted.indexOf('{"total":42}');
        corrupted[valueAt + 2] ^= 0x01; // "total" -> "uotal": a record byte, covered by the CRC only
        const refused = await produce(client, topic, corrupted);
        expect(refused).toMatchObject({ partition: 0, errorCode: CORRUPT_MESSAGE, baseOffset: -1n });

        await waitFor(
          'a log line naming the CRC',
          () => logLinesAbout(client).some((line) => /CRC/.test(line) && line.includes(topic)),
          2000,
        );
        expect(await highWatermark(topic)).toBe('2');

        // A refused batch is an answer, not a reason to hang up: the same connection goes on.
        expect(client.isClosed).toBe(false);
        const next = await produce(
          client,
          topic,
          encodeRecordBatch([{ key: null, value: Buffer.from('after'), headers: [] }]),
        );
        expect(next).toMatchObject({ errorCode: 0, baseOffset: 2n });
      } finally {
        client.destroy();
      }

      // What a real consumer reads back is exactly what was put in, and nothing of the corrupt batch.
      const received: KafkaMessage[] = [];
      const consumer = harness.kafka().consumer({ groupId: uniqueName('raw-readback') });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
      await waitFor('three messages read back', () => received.length >= 3, 8000);
      await consumer.disconnect();
      expect(received.map((message) => message.offset)).toEqual(['0', '1', '2']);
      expect(received[0].key).toEqual(Buffer.from('order-1'));
      expect(received[0].value).toEqual(Buffer.from('{"total":42}'));
      expect(received[0].headers).toEqual({ trace: Buffer.from('abc') });
      expect(received[1].key).toBeNull();
      expect(received[1].value).toEqual(Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f]));
      expect(received[2].value).toEqual(Buffer.from('after'));
    });

    it('refuses a batch whose record count disagrees with its last offset delta, appending nothing', async () => {
      const topic = await createTopic(1);
      const client = await connect();
      try {
        const batch = encodeRecordBatch(records);
        batch.writeInt32BE(5, 57); // records count, covered by the CRC: recompute it so only the count lies
        batch.writeUInt32BE(crc32cReference(batch.subarray(21)), 17);
        const refused = await produce(client, topic, batch);
        expect(refused.errorCode).not.toBe(0);
        expect(await highWatermark(topic)).toBe('0');
      } finally {
        client.destroy();
      }
    });
  });

  it('answers ApiVersions v3 with a flexible header by a v0 body: UNSUPPORTED_VERSION and the supported ranges', async () => {
    const client = await connect();
    try {
      const body = new WireWriter()
        .compactString('raw-client')
        .compactString('1.0.0')
        .unsignedVarint(0)
        .toBuffer();
      const response = new WireReader(
        await client.request({
          apiKey: API.ApiVersions,
          apiVersion: 3,
          body,
          flexibleHeader: true,
          clientId: 'rdkafka',
        }),
      );
      expect(response.int16()).toBe(UNSUPPORTED_VERSION);
      const ranges = new Map(
        response.array(() => [response.int16(), { min: response.int16(), max: response.int16() }] as const),
      );
      expect(response.remaining).toBe(0);

      const includes = (apiKey: number, version: number) =>
        ranges.has(apiKey) && ranges.get(apiKey)!.min <= version && version <= ranges.get(apiKey)!.max;
      expect(includes(API.Produce, 3)).toBe(true);
      expect(includes(API.Fetch, 4)).toBe(true);
      expect(ranges.get(10)?.min).toBe(0); // FindCoordinator
      expect(includes(API.ApiVersions, 0)).toBe(true);

      // librdkafka then retries with v0 on the same connection.
      const retry = await client.request({ apiKey: API.ApiVersions, apiVersion: 0 });
      expect(retry.readInt16BE(0)).toBe(0);
    } finally {
      client.destroy();
    }
  });

  it('answers a request written one byte at a time', async () => {
    const client = await connect();
    try {
      const frame = frameRequest({ apiKey: API.ApiVersions, apiVersion: 2, correlationId: 42 });
      for (const byte of frame) await client.write(Buffer.from([byte]));
      const body = await client.response(42);
      expect(body.readInt16BE(0)).toBe(0);
    } finally {
      client.destroy();
    }
  });

  it('closes a connection sending 64 KB of random bytes and keeps serving', async () => {
    const client = await connect();
    // Seeded, so a failure replays. Like most random data its first four bytes are no plausible
    // frame size; one that were would rightly be waited for until the idle timeout.
    await client.write(seededRandomBytes(64 * 1024, 0x5eed));
    await expectClosedWithLog(client, /closing connection/);
    expect(client.pendingBytes).toBe(0);
    await expectBrokerStillServes();
  });

  it('answers or closes, but survives, random bodies behind valid headers for every API and version', async () => {
    const apiVersions = await (async () => {
      const client = await connect();
      const response = new WireReader(await client.request({ apiKey: API.ApiVersions, apiVersion: 0 }));
      client.destroy();
      response.int16();
      return response.array(() => ({
        apiKey: response.int16(),
        min: response.int16(),
        max: response.int16(),
      }));
    })();
    // Requests that may legitimately be held for as long as the (random) timeouts they carry.
    const parking = new Set<number>([API.Fetch, 11 /* JoinGroup */, 14 /* SyncGroup */]);
    const random = seededRandom(0xfeed);
    const probes = apiVersions
      .filter(({ apiKey }) => !parking.has(apiKey))
      .flatMap(({ apiKey, min, max }) =>
        Array.from({ length: max - min + 1 }, (_, index) => ({ apiKey, apiVersion: min + index })),
      )
      .flatMap((probe) =>
        [16, 200].map((length) => ({
          ...probe,
          body: seededRandomBytes(Math.floor(random() * length), random() * 2 ** 32),
        })),
      );

    const outcomes = await Promise.all(
      probes.map(async ({ apiKey, apiVersion, body }) => {
        const client = await connect();
        try {
          await client.request({ apiKey, apiVersion, body, correlationId: 99 }, 5000);
          return 'answered';
        } catch (error) {
          if (client.isClosed) return 'closed';
          return `API ${apiKey} v${apiVersion} with body ${body.toString('hex')}: ${(error as Error).message}`;
        } finally {
          client.destroy();
        }
      }),
    );
    expect(outcomes.filter((outcome) => outcome !== 'answered' && outcome !== 'closed')).toEqual([]);
    expect(outcomes).toContain('closed');
    expect(harness.logLines.filter((line) => /failed to handle/.test(line))).toEqual([]);
    await expectBrokerStillServes();
  });

  it('keeps serving others while a client sits on half a frame', async () => {
    const silent = await connect();
    try {
      const frame = frameRequest({ apiKey: API.ApiVersions, apiVersion: 2, correlationId: 1 });
      await silent.write(frame.subarray(0, Math.floor(frame.length / 2)));

      await expectBrokerStillServes();
      const topic = await createTopic(1);
      const producer = harness.kafka().producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k', value: 'while someone is silent' }] });
      await producer.disconnect();
      const received: string[] = [];
      const consumer = harness.kafka().consumer({ groupId: uniqueName('beside-silent') });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => void received.push(message.value!.toString()),
      });
      await waitFor('the message consumed', () => received.length >= 1, 8000);
      await consumer.disconnect();
      expect(received).toEqual(['while someone is silent']);

      // Its half frame is still pending, not dropped: completing it gets an answer.
      expect(silent.isClosed).toBe(false);
      await silent.write(frame.subarray(Math.floor(frame.length / 2)));
      expect((await silent.response(1)).readInt16BE(0)).toBe(0);
    } finally {
      silent.destroy();
    }
  });

  it('closes 200 connections sending junk at once, with bounded memory, and keeps serving', async () => {
    const rssBefore = process.memoryUsage().rss;
    const junk = [
      Buffer.from('GET / HTTP/1.1\r\nHost: localhost:9092\r\nUser-Agent: curl/8.0\r\n\r\n'),
      // The start of a TLS ClientHello, as from a client configured for SSL.
      Buffer.from('16030100f5010000f10303' + 'ab'.repeat(32) + '000000', 'hex'),
      Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'),
      Buffer.concat([new WireWriter().int32(-42).toBuffer(), seededRandomBytes(1024, 7)]),
      Buffer.concat([new WireWriter().int32(0x7fffffff).toBuffer(), seededRandomBytes(1024, 8)]),
    ];
    const clients = await Promise.all(Array.from({ length: 200 }, () => connect()));
    await Promise.all(clients.map((client, index) => client.write(junk[index % junk.length])));

    await waitFor('all 200 connections closed', () => clients.every((client) => client.isClosed), 8000);
    const unexplained = clients.filter(
      (client) => !logLinesAbout(client).some((line) => /frame size/.test(line)),
    );
    expect(unexplained.map((client) => client.localPort)).toEqual([]);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MB);
    await expectBrokerStillServes();
  });

  it('refuses connections beyond maxConnections with a log line, and serves again once they close', async () => {
    const small = await createTestBroker({ maxConnections: 3 });
    const clients: RawClient[] = [];
    try {
      for (let index = 0; index < 3; index++) {
        const client = await RawClient.connect(small.broker.address);
        clients.push(client);
        // Answered: these three count as open connections.
        expect((await client.request({ apiKey: API.ApiVersions, apiVersion: 0 })).readInt16BE(0)).toBe(0);
      }
      const fourth = await RawClient.connect(small.broker.address);
      clients.push(fourth);
      await waitFor('the fourth connection refused', () => fourth.isClosed, 5000);
      expect(
        small.logLines.some(
          (line) => /refusing connection/.test(line) && line.includes(`:${fourth.localPort}`),
        ),
      ).toBe(true);

      clients[0].destroy();
      await waitFor(
        'a slot to free up',
        async () => {
          const again = await RawClient.connect(small.broker.address);
          clients.push(again);
          try {
            return (
              (await again.request({ apiKey: API.ApiVersions, apiVersion: 0 }, 500)).readInt16BE(0) === 0
            );
          } catch {
            return false;
          }
        },
        5000,
      );
    } finally {
      for (const client of clients) client.destroy();
      await small.stop();
    }
  });
});

/** mulberry32: deterministic "random" input, so a failure can be replayed byte for byte. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function seededRandomBytes(length: number, seed: number): Buffer {
  const random = seededRandom(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}
