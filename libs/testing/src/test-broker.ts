import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startBroker,
  type BrokerListenerOptions,
  type BrokerOptions,
  type RequestCount,
  type RunningBroker,
} from '@switchboard/kafka-broker';
import { startTcpFaultProxy, type TcpFaultProxy } from './tcp-fault-proxy';

export interface TestBrokerOptions extends Partial<BrokerOptions> {
  /**
   * Also start a TCP fault proxy in front of a listener of its own that advertises the proxy:
   * clients given `faultProxy.address` make every connection through it, while clients given
   * `address` keep going direct.
   */
  faultProxy?: boolean;
}

export interface TestBroker {
  /** "host:port" of the running broker, direct. */
  readonly address: string;
  /** The same address as a client's broker list. */
  readonly brokers: string[];
  /**
   * What a service under test reaches this broker with: KAFKA_BROKERS, and consumer timings short
   * enough that stopping the service (or fetching a topic resumed after a pause) waits a quarter of
   * a second rather than the production default's three.
   */
  readonly serviceVariables: Readonly<Record<string, string>>;
  readonly dataDir: string;
  /** With `faultProxy: true`: the proxy in front of the broker; give its `address` to the clients to cut. */
  readonly faultProxy: TcpFaultProxy | undefined;
  /** Every line the broker logged, across restarts. Set BROKER_LOG=1 to also print them. */
  readonly logLines: string[];
  /** Requests by client id and API since the broker (re)started. */
  requestCounts(): RequestCount[];
  /** Closes the broker and starts it again on the same ports and data directory. */
  restart(): Promise<void>;
  /** Closes the broker (and its proxy) and deletes its data directory. */
  stop(): Promise<void>;
}

const FAULT_PROXY_LISTENER = 'fault-proxy';

/**
 * Consumer timings for services under test. The production defaults (3 s fetch wait, 2 s heartbeat)
 * keep an idle platform cheap, but every stop waits out the fetch under way, and a suite starts
 * and stops services hundreds of times.
 */
export const TEST_CONSUMER_TIMINGS = {
  KAFKA_FETCH_MAX_WAIT_MS: '250',
  KAFKA_HEARTBEAT_INTERVAL_MS: '500',
} as const;

/** Starts the embedded broker in-process on a free port with a fresh temporary data directory. */
export async function createTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const { faultProxy: withFaultProxy = false, ...brokerOptions } = options;
  const dataDir = brokerOptions.dataDir ?? (await mkdtemp(join(tmpdir(), 'switchboard-test-broker-')));
  const logLines: string[] = [];
  const echo = process.env.BROKER_LOG === '1';
  /** "host:port" of the broker's listener behind the proxy, once it listens. */
  let proxiedListener: string | undefined;
  const start = async (port: number, listeners: BrokerListenerOptions[]) => {
    const started = await startBroker({
      fsync: 'never',
      autoCreateTopics: true,
      ...brokerOptions,
      listeners,
      dataDir,
      port,
      log: (line) => {
        logLines.push(line);
        if (echo) console.log(`[broker] ${line}`);
        brokerOptions.log?.(line);
      },
    });
    const listener = started.listeners.find(({ name }) => name === FAULT_PROXY_LISTENER);
    proxiedListener = listener && `${listener.host}:${listener.port}`;
    return started;
  };
  // The proxy listens first, so that the broker can advertise its port.
  const faultProxy = withFaultProxy
    ? await startTcpFaultProxy({
        target: () => {
          if (!proxiedListener) throw new Error('the broker behind the fault proxy is not running');
          return proxiedListener;
        },
      })
    : undefined;
  const listeners: BrokerListenerOptions[] = [
    ...(brokerOptions.listeners ?? []),
    ...(faultProxy
      ? [{ name: FAULT_PROXY_LISTENER, advertisedHost: faultProxy.host, advertisedPort: faultProxy.port }]
      : []),
  ];
  let broker: RunningBroker;
  try {
    broker = await start(brokerOptions.port ?? 0, listeners);
  } catch (error) {
    await faultProxy?.stop();
    throw error;
  }
  let stopped = false;
  return {
    get address() {
      return broker.address;
    },
    get brokers() {
      return [broker.address];
    },
    get serviceVariables() {
      return { KAFKA_BROKERS: broker.address, ...TEST_CONSUMER_TIMINGS };
    },
    dataDir,
    faultProxy,
    logLines,
    requestCounts: () => broker.requestCounts(),
    restart: async () => {
      const previous = broker;
      await previous.close();
      const samePorts = listeners.map((listener) => ({
        ...listener,
        port: previous.listeners.find(({ name }) => name === listener.name)?.port ?? listener.port,
      }));
      broker = await start(previous.port, samePorts);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await faultProxy?.stop();
      await broker.close();
      if (!brokerOptions.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
