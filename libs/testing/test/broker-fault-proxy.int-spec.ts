import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { createTestBroker, startTcpFaultProxy, waitFor, type TestBroker } from '../src';

// Kafka clients connect to the address the broker advertises, not to the one they were given:
// a proxy is only in the way if the broker advertises it.

function quickKafka(brokers: string[]): Kafka {
  return new Kafka({
    brokers,
    clientId: `fault-proxy-${randomUUID()}`,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { initialRetryTime: 100, maxRetryTime: 500, retries: 2 },
  });
}

describe('createTestBroker({ faultProxy: true })', () => {
  let broker: TestBroker | undefined;
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];

  async function producerOn(address: string): Promise<Producer> {
    const producer = quickKafka([address]).producer({ allowAutoTopicCreation: true });
    await producer.connect();
    producers.push(producer);
    return producer;
  }

  afterEach(async () => {
    broker?.faultProxy?.restore();
    await Promise.allSettled(
      [...producers.splice(0), ...consumers.splice(0)].map((client) => client.disconnect()),
    );
    await broker?.stop();
    broker = undefined;
  });

  it('carries every connection of a client given the proxy address, while direct clients go on through a cut', async () => {
    broker = await createTestBroker({ faultProxy: true });
    const proxy = broker.faultProxy!;
    expect(proxy.address).not.toBe(broker.address);
    const topic = `sb.testing.proxied.${randomUUID()}.v1`;
    const proxied = await producerOn(proxy.address);
    await proxied.send({ topic, acks: -1, messages: [{ value: 'before the cut' }] });

    const received: string[] = [];
    const consumer = quickKafka([proxy.address]).consumer({
      groupId: `proxied-${randomUUID()}`,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 100,
    });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
    await waitFor(
      'the consumer behind the proxy to read the first record',
      () => received.length === 1,
      20_000,
    );

    proxy.cut({ mode: 'refuse' });
    // A connection to the advertised address of a broker not behind the proxy would still send.
    await expect(
      proxied.send({ topic, acks: -1, messages: [{ value: 'lost in the cut' }] }),
    ).rejects.toThrow();
    const direct = await producerOn(broker.address);
    await direct.send({ topic, acks: -1, messages: [{ value: 'direct during the cut' }] });

    const acceptedBeforeRestore = proxy.connections().accepted;
    proxy.restore();
    await proxied.send({ topic, acks: -1, messages: [{ value: 'after the cut' }] });
    await waitFor('the consumer to catch up after the restore', () => received.length === 3, 20_000);
    expect(received).toEqual(['before the cut', 'direct during the cut', 'after the cut']);
    expect(proxy.connections().accepted).toBeGreaterThan(acceptedBeforeRestore);
    expect(proxy.connections().refused + proxy.connections().reset).toBeGreaterThan(0);
  });

  it('keeps the ports of the broker and of its proxy listener across a restart', async () => {
    broker = await createTestBroker({ faultProxy: true });
    const topic = `sb.testing.restart.${randomUUID()}.v1`;
    const address = broker.address;
    await (await producerOn(broker.faultProxy!.address)).send({ topic, messages: [{ value: 'before' }] });

    await broker.restart();
    expect(broker.address).toBe(address);
    const afterRestart = await producerOn(broker.faultProxy!.address);
    await afterRestart.send({ topic, acks: -1, messages: [{ value: 'after' }] });
    broker.faultProxy!.cut({ mode: 'refuse' });
    await expect(afterRestart.send({ topic, messages: [{ value: 'cut' }] })).rejects.toThrow();
  });

  it('is bypassed when the broker does not advertise it, which is why the broker needs a listener for it', async () => {
    broker = await createTestBroker();
    const bypassed = await startTcpFaultProxy({ target: broker.address });
    try {
      const topic = `sb.testing.bypassed.${randomUUID()}.v1`;
      const producer = await producerOn(bypassed.address);
      await producer.send({ topic, acks: -1, messages: [{ value: 'before the cut' }] });
      bypassed.cut({ mode: 'refuse' });
      const results = await producer.send({ topic, acks: -1, messages: [{ value: 'through the cut' }] });
      expect(results[0].errorCode).toBe(0);
    } finally {
      await bypassed.stop();
    }
  });
});
