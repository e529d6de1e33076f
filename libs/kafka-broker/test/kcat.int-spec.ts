import type { KafkaMessage } from 'kafkajs';
import { explainFailure, kcatVersion, runKcat, startKcat } from './support/kcat';
import { createTestBroker, uniqueName, waitFor, type TestBroker } from './support/test-broker';

// kcat is librdkafka 2.0.2: a second, independent client implementation. It negotiates
// versions its own way (ApiVersions v3 first, then v0), so these tests catch what kafkajs
// alone would let through.

const version = kcatVersion();
if (!version)
  console.warn('kcat is not on PATH (apt-get install -y kcat): skipping the librdkafka conformance tests');
const describeIfKcat = version ? describe : describe.skip;

describeIfKcat(`kcat (${version}) against the embedded broker`, () => {
  let harness: TestBroker;

  beforeAll(async () => {
    harness = await createTestBroker();
  });
  afterAll(() => harness.stop());

  const brokerArgs = () => ['-b', harness.broker.address];

  async function createTopic(partitions: number): Promise<string> {
    const admin = harness.kafka().admin();
    await admin.connect();
    const topic = uniqueName('kcat');
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
    await admin.disconnect();
    return topic;
  }

  async function consumeWithKafkajs(topic: string, count: number): Promise<KafkaMessage[]> {
    const received: KafkaMessage[] = [];
    const consumer = harness.kafka().consumer({ groupId: uniqueName('kafkajs-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    try {
      await waitFor(`${count} messages read back by kafkajs`, () => received.length >= count, 8000);
    } finally {
      await consumer.disconnect();
    }
    return received;
  }

  it('lists a topic with its partitions and the broker id, host and port (-L -J)', async () => {
    const topic = await createTopic(3);
    const result = await runKcat([...brokerArgs(), '-L', '-J']);
    await explainFailure(result, () => {
      expect(result.code).toBe(0);
      const metadata = JSON.parse(result.stdout.toString('utf8'));
      expect(metadata.brokers).toEqual([{ id: 1, name: harness.broker.address }]);
      expect(metadata.controllerid).toBe(1);
      const listed = metadata.topics.find((entry: { topic: string }) => entry.topic === topic);
      expect(listed).toBeDefined();
      expect(listed.error).toBeUndefined();
      expect(listed.partitions.map((partition: { partition: number }) => partition.partition).sort()).toEqual(
        [0, 1, 2],
      );
      for (const partition of listed.partitions) {
        expect(partition).toMatchObject({ leader: 1, replicas: [{ id: 1 }], isrs: [{ id: 1 }] });
      }
    });
  });

  it('produces keys, values and headers that kafkajs reads back byte for byte (-P -K: -H)', async () => {
    const topic = await createTopic(1);
    const lines = [
      Buffer.from('order-1:plain value'),
      Buffer.from('ключ-2:значение ✓ 日本語 🚀'),
      Buffer.from('k3:colons:inside:the:value'),
      // Bytes that are not text: NUL, controls, a lone continuation byte, 0xff.
      Buffer.concat([
        Buffer.from('bin:'),
        Buffer.from([0x00, 0x01, 0x09, 0x7f, 0x80, 0xfe, 0xff, 0x0d]),
        Buffer.from('end'),
      ]),
    ];
    const headers = { h1: 'v1', h2: 'grüße ✓' };
    const result = await runKcat(
      [
        ...brokerArgs(),
        '-P',
        '-t',
        topic,
        '-K:',
        ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]),
      ],
      Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])),
    );
    expect(result.code).toBe(0);

    const received = await explainFailure(result, () => consumeWithKafkajs(topic, lines.length));
    await explainFailure(result, () => {
      expect(received).toHaveLength(lines.length);
      received.forEach((message, index) => {
        const at = lines[index].indexOf(':');
        expect(message.offset).toBe(String(index));
        expect(message.key).toEqual(lines[index].subarray(0, at));
        expect(message.value).toEqual(lines[index].subarray(at + 1));
        expect(message.headers).toEqual({ h1: Buffer.from('v1'), h2: Buffer.from('grüße ✓') });
      });
    });
  });

  it('consumes what kafkajs produced, with keys, payloads, headers and timestamps intact (-C -J -e)', async () => {
    const topic = await createTopic(1);
    const timestamp = Date.now() - 60_000;
    const messages = [
      { key: 'recipient-1', value: '{"text":"hello"}', headers: { 'x-trace': 'abc', 'x-tenant': 'acme' } },
      { key: 'ключ ✓', value: 'line one\nline "two"\t\\ 🚀', headers: { 'x-emoji': '✓✓' } },
      { key: null, value: 'no key, no headers', headers: undefined },
      { key: 'empty-value', value: '', headers: { 'x-empty': '' } },
    ];
    const producer = harness.kafka().producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((message, index) => ({ ...message, timestamp: String(timestamp + index) })),
    });
    await producer.disconnect();

    const result = await runKcat([...brokerArgs(), '-C', '-t', topic, '-o', 'beginning', '-e', '-J']);
    await explainFailure(result, () => {
      expect(result.code).toBe(0);
      const consumed = result.stdout
        .toString('utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      expect(consumed).toHaveLength(messages.length);
      consumed.forEach((record, index) => {
        const sent = messages[index];
        expect(record).toMatchObject({
          topic,
          partition: 0,
          offset: index,
          tstype: 'create',
          ts: timestamp + index,
          broker: 1,
          key: sent.key,
          payload: sent.value,
        });
        // kcat lists headers as alternating names and values.
        const expectedHeaders = Object.entries(sent.headers ?? {}).flat();
        expect(record.headers ?? []).toEqual(expectedHeaders);
      });
    });
  });

  it('consumes binary payloads from kafkajs byte for byte (-f %R%s: length-prefixed raw output)', async () => {
    const topic = await createTopic(1);
    const payloads = [
      Buffer.from([0x00, 0x0a, 0x0d, 0xff, 0xfe, 0x80, 0x7f, 0x01]),
      Buffer.from('ascii, then a newline\nand a NUL\u0000', 'utf8'),
      Buffer.from(Array.from({ length: 256 }, (_, index) => index)),
      Buffer.alloc(0),
    ];
    const producer = harness.kafka().producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: payloads.map((value) => ({ value })) });
    await producer.disconnect();

    const result = await runKcat([...brokerArgs(), '-C', '-t', topic, '-o', 'beginning', '-e', '-f', '%R%s']);
    await explainFailure(result, () => {
      expect(result.code).toBe(0);
      const consumed: Buffer[] = [];
      for (let at = 0; at < result.stdout.length;) {
        const length = result.stdout.readInt32BE(at);
        consumed.push(result.stdout.subarray(at + 4, at + 4 + length));
        at += 4 + Math.max(length, 0);
      }
      expect(consumed).toEqual(payloads);
    });
  });

  it('consumes as a group member, commits offsets, and shows up in the group while it runs (-G)', async () => {
    const topic = await createTopic(2);
    const groupId = uniqueName('kcat-group');
    const expected = Array.from({ length: 20 }, (_, index) => `key-${index}=value-${index}`);
    const producer = harness.kafka().producer();
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: expected.map((line) => ({ key: line.split('=')[0], value: line.split('=')[1] })),
    });
    await producer.disconnect();

    const kcat = startKcat([
      ...brokerArgs(),
      '-G',
      groupId,
      '-X',
      'auto.offset.reset=earliest',
      '-X',
      'auto.commit.interval.ms=100',
      '-u',
      '-f',
      '%k=%s\n',
      topic,
    ]);
    const admin = harness.kafka().admin();
    await admin.connect();
    try {
      await explainFailure(kcat, async () => {
        const lines = () => kcat.stdout().toString('utf8').split('\n').filter(Boolean);
        await waitFor('kcat to print 20 messages', () => lines().length >= expected.length, 8000);
        expect([...lines()].sort()).toEqual([...expected].sort());

        const committedTotal = async () =>
          (await admin.fetchOffsets({ groupId, topics: [topic] }))[0].partitions.reduce(
            (sum, { offset }) => sum + Number(offset),
            0,
          );
        await waitFor(
          'kcat to auto-commit offsets for all 20 messages',
          async () => (await committedTotal()) === 20,
          5000,
        );

        const { groups } = await admin.listGroups();
        expect(groups).toContainEqual({ groupId, protocolType: 'consumer' });
        const [group] = (await admin.describeGroups([groupId])).groups;
        expect(group).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', errorCode: 0 });
        expect(group.members).toHaveLength(1);
        expect(group.members[0].clientId).toBe('rdkafka');
        expect(group.protocol).toBe('range'); // librdkafka's default assignor, chosen by the coordinator

        expect(await kcat.stop()).toBe(0);
        // On SIGTERM kcat closes its consumer, which leaves the group.
        await waitFor(
          'the group to be empty after kcat left',
          async () => {
            const [afterwards] = (await admin.describeGroups([groupId])).groups;
            return afterwards.state === 'Empty' && afterwards.members.length === 0;
          },
          5000,
        );
        expect(await committedTotal()).toBe(20);
      });
    } finally {
      await kcat.stop();
      await admin.disconnect();
    }
  });

  it('delivers each message of an idempotent producer exactly once (-X enable.idempotence=true)', async () => {
    const topic = await createTopic(1);
    const values = Array.from({ length: 50 }, (_, index) => `idempotent-${index}`);
    const result = await runKcat(
      [
        ...brokerArgs(),
        '-P',
        '-t',
        topic,
        '-X',
        'enable.idempotence=true',
        '-X',
        'linger.ms=5',
        '-d',
        'eos,broker,protocol',
      ],
      values.join('\n') + '\n',
    );
    await explainFailure(result, async () => {
      expect(result.code).toBe(0);
      // librdkafka refuses to produce at all without a producer id, so this proves idempotence was on.
      expect(result.stderr).toMatch(/InitProducerId/);
      expect(result.stderr).not.toMatch(/fatal/i);

      const admin = harness.kafka().admin();
      await admin.connect();
      const [offsets] = await admin.fetchTopicOffsets(topic);
      await admin.disconnect();
      expect(offsets.high).toBe(String(values.length));

      const received = await consumeWithKafkajs(topic, values.length);
      expect(received.map((message) => message.value!.toString())).toEqual(values);
    });
  });

  it('reads offsets back with the query mode (-Q) at a timestamp', async () => {
    const topic = await createTopic(1);
    const base = Date.now() - 120_000;
    const producer = harness.kafka().producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [0, 1, 2, 3].map((index) => ({ value: `m${index}`, timestamp: String(base + index * 1000) })),
    });
    await producer.disconnect();

    const result = await runKcat([...brokerArgs(), '-Q', '-t', `${topic}:0:${base + 1500}`]);
    await explainFailure(result, () => {
      expect(result.code).toBe(0);
      // "<topic> [0] offset 2": the first message at or after the timestamp.
      expect(result.stdout.toString('utf8')).toMatch(new RegExp(`${topic} \\[0\\] +offset 2\\b`));
    });
  });
});
