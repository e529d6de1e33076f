import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { startBroker, type BrokerOptions, type RunningBroker } from '../../src';

export interface TestBroker {
  broker: RunningBroker;
  dataDir: string;
  /** Lines the broker logged, for assertions on refused input. */
  logLines: string[];
  kafka(config?: Partial<KafkaConfig>): Kafka;
  /** Stops the broker and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a broker on a free port in a fresh data directory; stop() removes it. */
export async function createTestBroker(options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-broker-'));
  const logLines: string[] = [];
  const start = (port: number) =>
    startBroker({
      dataDir,
      port,
      fsync: 'never',
      log: (line) => {
        logLines.push(line);
        if (process.env.BROKER_LOG) console.log(line);
      },
      ...options,
    });
  const harness: TestBroker = {
    broker: await start(0),
    dataDir,
    logLines,
    kafka: (config = {}) =>
      new Kafka({
        clientId: 'conformance-test',
        brokers: [harness.broker.address],
        logLevel: process.env.KAFKAJS_LOG === 'debug' ? logLevel.DEBUG : logLevel.NOTHING,
        retry: { initialRetryTime: 100, retries: 8 },
        ...config,
      }),
    restart: async () => {
      const port = harness.broker.port;
      await harness.broker.close();
      harness.broker = await start(port);
    },
    stop: async () => {
      await harness.broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Polls a condition until it holds, failing with the description after the deadline. */
export async function waitFor(
  description: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  intervalMs = 25,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
