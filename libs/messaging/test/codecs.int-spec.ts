import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEAD_LETTER_TOPIC, DeliveryEventTopic, HeaderName } from '@switchboard/contracts';
import { CODEC_IDS, type CodecName } from '@switchboard/kafka-codecs';
import { kafkaPythonProduce, kcatProduce, waitFor } from '@switchboard/testing';
import { z } from 'zod';
import { createKafka, EventPublisher } from '../src';
import { deliveryEvent, startMessagingHarness, type MessagingHarness } from './support/messaging-harness';

const UpstreamValue = z.object({ n: z.number() });

/** The codec of every record batch stored for a topic's partition 0, as the broker keeps them. */
function storedCodecs(dataDir: string, topic: string): number[] {
  const directory = join(dataDir, 'topics', topic, '0');
  const codecs: number[] = [];
  for (const file of readdirSync(directory)
    .filter((name) => name.endsWith('.log'))
    .sort()) {
    const bytes = readFileSync(join(directory, file));
    for (let at = 0; at + 61 <= bytes.length; at += 12 + bytes.readInt32BE(at + 8)) {
      codecs.push(bytes.readInt16BE(at + 21) & 0x07);
    }
  }
  return codecs;
}

/** Every value of a topic, read by kcat (librdkafka), a consumer we did not write. */
function kcatConsumeAll(brokers: string, topic: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', [
      '-C',
      '-b',
      brokers,
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%s\\n',
    ]);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve(stdout.split('\n').filter(Boolean))
        : reject(new Error(`kcat exited with ${code}`)),
    );
  });
}

describe('record batch codecs', () => {
  let harness: MessagingHarness;

  beforeEach(async () => {
    harness = await startMessagingHarness();
  });
  afterEach(() => harness.close());

  it('reads what kafka-python writes with every codec, and what kcat writes with zstd', async () => {
    const topic = 'upstream.codecs';
    await harness.provision([{ topic, partitions: 1 }]);
    const handled: number[] = [];
    await harness
      .runner('codecs')
      .onExternal(topic, UpstreamValue, async (event) => {
        handled.push(event.payload.n);
        return { outcome: 'done' };
      })
      .start();

    const codecs = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
    for (const [index, codec] of codecs.entries()) {
      // Enough alike values that every codec really compresses the batch.
      const values = Array.from({ length: 20 }, (_, item) => JSON.stringify({ n: index * 100 + item }));
      await kafkaPythonProduce({ brokers: harness.broker.address, topic, codec, values });
    }
    await kcatProduce({
      brokers: harness.broker.address,
      topic,
      compression: 'zstd',
      value: JSON.stringify({
        n: 999,
        padding: 'librdkafka compresses only when it saves space '.repeat(20),
      }),
    });

    await waitFor('every event handled', () => handled.length === 101);
    expect(storedCodecs(harness.broker.dataDir, topic)).toEqual([0, 1, 2, 3, 4, 4]);
    expect(handled).toContain(999);
    expect(await harness.endOffset(DEAD_LETTER_TOPIC)).toBe(0);
  });

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)(
    'publishes batches compressed with %s that the consumers and kcat read',
    async (codec: CodecName) => {
      const topic = DeliveryEventTopic.topic;
      await harness.provision([{ topic, partitions: 1 }]);
      const kafka = createKafka(
        { brokers: harness.broker.brokers, clientId: `compressing-${codec}` },
        () => undefined,
      );
      const publisher = new EventPublisher(kafka, { compression: codec });
      await publisher.connect();
      const events = Array.from({ length: 30 }, () => deliveryEvent());
      try {
        await publisher.publishMany(topic, events);
      } finally {
        await publisher.disconnect();
      }
      const handled: string[] = [];
      await harness
        .runner(`read-${codec}`)
        .onBatch(topic, async (batch) => {
          handled.push(...batch.map((event) => event.payload.messageId));
        })
        .start();

      await waitFor('every event handled', () => handled.length === events.length);
      expect(storedCodecs(harness.broker.dataDir, topic)).toEqual([CODEC_IDS[codec]]);
      const readByKcat = await kcatConsumeAll(harness.broker.address, topic);
      expect(readByKcat.map((value) => JSON.parse(value).messageId)).toEqual(
        events.map((event) => event.messageId),
      );
    },
  );

  // The broker refuses what Kafka refuses (unknown codec ids, corrupt compressed records), so a
  // stored batch is always valid, as on Apache Kafka; what a consumer still cannot decode is a
  // batch in a codec it was set up without (KAFKA_CODECS), which must stop nothing.
  it('parks a batch in a codec this consumer is set up without, by position with its bytes, and the partition goes on', async () => {
    const topic = 'upstream.unreadable';
    await harness.provision([{ topic, partitions: 1 }]);
    const handled: number[] = [];
    // kafkajs holds codecs per process: the last client created decides, here one without lz4.
    createKafka({
      brokers: harness.broker.brokers,
      clientId: 'without-lz4',
      codecs: ['gzip', 'snappy', 'zstd'],
    });
    try {
      const lz4Values = Array.from({ length: 20 }, (_, n) => JSON.stringify({ n }));
      await kafkaPythonProduce({ brokers: harness.broker.address, topic, codec: 'lz4', values: lz4Values });
      await kafkaPythonProduce({
        brokers: harness.broker.address,
        topic,
        codec: 'none',
        values: [JSON.stringify({ n: 42 })],
      });
      expect(storedCodecs(harness.broker.dataDir, topic)).toEqual([CODEC_IDS.lz4, CODEC_IDS.none]);
      await harness
        .runner('unreadable')
        .onExternal(topic, UpstreamValue, async (event) => {
          handled.push(event.payload.n);
          return { outcome: 'done' };
        })
        .start();

      await waitFor('the event after the lz4 batch handled', () => handled.includes(42));
      expect(handled).toEqual([42]);
      const [letter] = await harness.readRecords(DEAD_LETTER_TOPIC, 1);
      expect(letter.headers).toMatchObject({
        [HeaderName.originalTopic]: topic,
        [HeaderName.originalPartition]: '0',
        [HeaderName.originalOffset]: '0',
        [HeaderName.attempts]: '0',
      });
      expect(letter.headers[HeaderName.error]).toMatch(
        /cannot decode the record batch: .*compressed with lz4, which this client is set up without.*\(offsets 0 to 19\)/,
      );
      await waitFor('the offsets past both batches committed', async () => {
        return (await harness.committedOffset('unreadable', topic)) === 21;
      });
      expect(harness.logLines.join('\n')).toMatch(
        /record batch cannot be decoded.*"offset":"0".*"lastOffset":"19"/,
      );
    } finally {
      createKafka({ brokers: harness.broker.brokers, clientId: 'every-codec' });
    }
  });
});
