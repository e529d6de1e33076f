import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type BrokerOptions, type RunningBroker } from '@switchboard/kafka-broker';

export interface TestBroker {
  /** "host:port" of the running broker. */
  readonly address: string;
  /** The same address as a client's broker list. */
  readonly brokers: string[];
  readonly dataDir: string;
  /** Every line the broker logged, across restarts. Set BROKER_LOG=1 to also print them. */
  readonly logLines: string[];
  /** Closes the broker and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Closes the broker and deletes its data directory. */
  stop(): Promise<void>;
}

/** Starts the embedded broker in-process on a free port with a fresh temporary data directory. */
export async function createTestBroker(options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'switchboard-test-broker-')));
  const logLines: string[] = [];
  const echo = process.env.BROKER_LOG === '1';
  const start = (port: number) =>
    startBroker({
      fsync: 'never',
      autoCreateTopics: true,
      ...options,
      dataDir,
      port,
      log: (line) => {
        logLines.push(line);
        if (echo) console.log(`[broker] ${line}`);
        options.log?.(line);
      },
    });
  let broker: RunningBroker = await start(options.port ?? 0);
  let stopped = false;
  return {
    get address() {
      return broker.address;
    },
    get brokers() {
      return [broker.address];
    },
    dataDir,
    logLines,
    restart: async () => {
      await broker.close();
      broker = await start(broker.port);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await broker.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
