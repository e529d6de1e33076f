import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerConfigError, startBroker } from '../src';
import { RawClient, WireReader, WireWriter } from './support/raw-client';
import { createTestBroker, uniqueName, waitFor, type TestBroker } from './support/test-broker';

// A client connects to the address the broker advertises, not the one it dialled first: a proxy
// (or a port forward) in front of the broker is bypassed unless the broker advertises it. Each
// listener advertises its own address, so clients behind a proxy and clients going direct can
// share one broker.

const API = { Metadata: 3, FindCoordinator: 10 } as const;

interface AdvertisedNode {
  nodeId: number;
  host: string;
  port: number;
}

async function metadataBrokers(address: string): Promise<AdvertisedNode[]> {
  const client = await RawClient.connect(address);
  try {
    // Metadata v0 with an empty topic list (every topic); the answer starts with the brokers.
    const body = await client.request({
      apiKey: API.Metadata,
      apiVersion: 0,
      body: new WireWriter().int32(0).toBuffer(),
    });
    const reader = new WireReader(body);
    return reader.array(() => ({ nodeId: reader.int32(), host: reader.string(), port: reader.int32() }));
  } finally {
    client.destroy();
  }
}

async function groupCoordinator(address: string): Promise<AdvertisedNode> {
  const client = await RawClient.connect(address);
  try {
    const body = await client.request({
      apiKey: API.FindCoordinator,
      apiVersion: 0,
      body: new WireWriter().string('a-group').toBuffer(),
    });
    const reader = new WireReader(body);
    expect(reader.int16()).toBe(0);
    return { nodeId: reader.int32(), host: reader.string(), port: reader.int32() };
  } finally {
    client.destroy();
  }
}

describe('the addresses the broker advertises', () => {
  let harness: TestBroker | undefined;

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  it('advertises the configured port instead of the one it listens on', async () => {
    harness = await createTestBroker({ advertisedHost: 'localhost', advertisedPort: 19_092 });
    const direct = `127.0.0.1:${harness.broker.port}`;

    expect(harness.broker.address).toBe('localhost:19092');
    expect(await metadataBrokers(direct)).toEqual([{ nodeId: 1, host: 'localhost', port: 19_092 }]);
    expect(await groupCoordinator(direct)).toEqual({ nodeId: 1, host: 'localhost', port: 19_092 });
  });

  it('answers each listener with its own advertised address, and the main one with its own', async () => {
    harness = await createTestBroker({
      listeners: [
        { name: 'behind-proxy', advertisedHost: 'proxy.internal', advertisedPort: 15_432 },
        { name: 'plain' },
      ],
    });
    const [behindProxy, plain] = harness.broker.listeners;
    expect(behindProxy).toEqual({
      name: 'behind-proxy',
      host: '127.0.0.1',
      port: expect.any(Number),
      address: 'proxy.internal:15432',
    });
    expect(plain.address).toBe(`127.0.0.1:${plain.port}`);
    expect(new Set([harness.broker.port, behindProxy.port, plain.port]).size).toBe(3);

    const main = { nodeId: 1, host: '127.0.0.1', port: harness.broker.port };
    expect(await metadataBrokers(harness.broker.address)).toEqual([main]);
    expect(await groupCoordinator(harness.broker.address)).toEqual(main);

    const proxied = { nodeId: 1, host: 'proxy.internal', port: 15_432 };
    expect(await metadataBrokers(`127.0.0.1:${behindProxy.port}`)).toEqual([proxied]);
    expect(await groupCoordinator(`127.0.0.1:${behindProxy.port}`)).toEqual(proxied);

    expect(await metadataBrokers(plain.address)).toEqual([
      { nodeId: 1, host: '127.0.0.1', port: plain.port },
    ]);
    expect(harness.logLines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `listener behind-proxy listening on 127\\.0\\.0\\.1:${behindProxy.port} \\(advertised proxy\\.internal:15432\\)`,
        ),
      ),
    );
  });

  it('serves one log and one consumer group to the clients of every listener', async () => {
    harness = await createTestBroker({ listeners: [{ name: 'second' }] });
    const [second] = harness.broker.listeners;
    const topic = uniqueName('listeners');
    const producer = harness.kafka({ brokers: [second.address] }).producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'through the second listener' }] });
    await producer.disconnect();

    const received: string[] = [];
    const consumer = harness.kafka().consumer({ groupId: uniqueName('listeners'), heartbeatInterval: 300 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
    await waitFor('the record to reach the consumer on the main listener', () => received.length > 0);
    await consumer.disconnect();
    expect(received).toEqual(['through the second listener']);
  });

  it('refuses listeners with a repeated name or a port out of range, naming each problem', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-broker-listeners-'));
    try {
      const starting = startBroker({
        dataDir,
        port: 0,
        advertisedPort: 0,
        listeners: [{ name: 'proxy' }, { name: 'proxy', port: 70_000, advertisedPort: 1.5 }],
        log: () => undefined,
      });
      await expect(starting).rejects.toThrow(BrokerConfigError);
      await expect(starting).rejects.toMatchObject({
        problems: [
          'advertisedPort must be an integer from 1 to 65535, got 0',
          'listeners[1].name "proxy" is used by another listener',
          'listeners[1].port must be an integer from 0 to 65535, got 70000',
          'listeners[1].advertisedPort must be an integer from 1 to 65535, got 1.5',
        ],
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
