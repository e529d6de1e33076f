import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { createTestBroker, freePort, kcatAvailable, kcatProduce, waitFor, type TestBroker } from '../src';

describe('kcatProduce into createTestBroker', () => {
  let broker: TestBroker;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    broker = await createTestBroker();
  });
  afterEach(async () => {
    await consumer?.disconnect();
    consumer = undefined;
  });
  afterAll(() => broker.stop());

  async function readTopic(topic: string, count: number): Promise<KafkaMessage[]> {
    const kafka = new Kafka({ clientId: 'testing-lib', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    // A short long-poll lets disconnect() return at once instead of waiting out a parked fetch.
    consumer = kafka.consumer({ groupId: `reader-${topic}`, maxWaitTimeInMs: 100 });
    const received: KafkaMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message) });
    return waitFor(`${count} records on ${topic}`, () => (received.length >= count ? received : undefined));
  }

  it('finds kcat on this machine', () => {
    expect(kcatAvailable()).toBe(true);
  });

  it('produces one record with key, headers and a multi-line value that kafkajs reads back', async () => {
    await kcatProduce({
      brokers: broker.address,
      topic: 'sb.testing.kcat.v1',
      key: 'tenant-1:ada',
      value: '{"line":1}\n{"line":2}',
      headers: { 'sb-schema': 'example@1', 'sb-tenant': 'tenant-1' },
    });

    const [record] = await readTopic('sb.testing.kcat.v1', 1);

    expect(record.key?.toString()).toBe('tenant-1:ada');
    expect(record.value?.toString()).toBe('{"line":1}\n{"line":2}');
    expect(
      Object.fromEntries(Object.entries(record.headers ?? {}).map(([name, value]) => [name, String(value)])),
    ).toEqual({
      'sb-schema': 'example@1',
      'sb-tenant': 'tenant-1',
    });
  });

  it('keeps records across a broker restart on the same address', async () => {
    await kcatProduce({ brokers: broker.address, topic: 'sb.testing.restart.v1', value: 'before restart' });
    const addressBefore = broker.address;

    await broker.restart();
    await kcatProduce({ brokers: broker.address, topic: 'sb.testing.restart.v1', value: 'after restart' });

    expect(broker.address).toBe(addressBefore);
    const records = await readTopic('sb.testing.restart.v1', 2);
    expect(records.map((record) => record.value?.toString())).toEqual(['before restart', 'after restart']);
    expect(broker.logLines.some((line) => /listening on/.test(line))).toBe(true);
  });

  it("rejects with kcat's reason when no broker answers", async () => {
    const port = await freePort();

    await expect(kcatProduce({ brokers: `127.0.0.1:${port}`, topic: 'nowhere', value: 'x' })).rejects.toThrow(
      new RegExp(`kcat producing to nowhere on 127\\.0\\.0\\.1:${port} exited with code 1: .*ERROR`, 's'),
    );
  });

  it('refuses an empty value, which kcat would silently drop', async () => {
    await expect(
      kcatProduce({ brokers: broker.address, topic: 'sb.testing.kcat.v1', value: '' }),
    ).rejects.toThrow('kcatProduce value must not be empty');
  });
});
