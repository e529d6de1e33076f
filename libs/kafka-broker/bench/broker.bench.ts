// `npm run bench:broker`: throughput, latency and memory of the embedded broker, then of
// librdkafka's mock cluster under the same kafkajs workloads, and a summary against the targets.
// Options (after `--`): --cpu-prof[=directory] profiles the embedded broker and prints its hot
// functions; --skip-mock measures the embedded broker only.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CompressionTypes, Kafka, logLevel, type Admin, type logCreator } from 'kafkajs';
import { installKafkajsCodecs } from '../test/support/kafkajs-codecs';
import {
  startEmbeddedBroker,
  startMockCluster,
  stopAllBrokers,
  type BrokerUnderTest,
} from './broker-processes';
import { summariseCpuProfiles } from './cpu-profile';
import {
  formatDecimal,
  formatInteger,
  formatMebibytes,
  formatMilliseconds,
  MEGABYTE,
  measured,
  notMeasured,
  percentile,
  renderSummary,
  type Figure,
  type SummaryRow,
} from './report';
import { consumeFromBeginning, produceAsFastAsPossible, produceAtSteadyRate } from './workloads';

const WORKLOAD = {
  // librdkafka 2.0.2's mock cluster auto-creates topics with 4 partitions and cannot be told
  // otherwise, so both brokers get 4.
  partitions: 4,
  messageBytes: 1024,
  messagesPerSend: 100,
  // One producer, as one service instance has, with 8 sends pipelined on its connection, as
  // concurrent request handlers would do.
  concurrentSends: 8,
  messages: 200_000,
  // Sent to another topic first, untimed, so that the JIT and connections are warm.
  warmUpMessages: 20_000,
  consumer: {
    maxBytesPerPartition: 1024 * 1024,
    maxBytes: 10 * 1024 * 1024,
    minBytes: 1,
    maxWaitTimeInMs: 100,
  },
  consumeTimeoutMs: 60_000,
  latency: { messagesPerSecond: 1_000, warmUpSeconds: 1, seconds: 10 },
};

const TARGETS = { produceMessagesPerSecond: 30_000, consumeMessagesPerSecond: 60_000, p99LatencyMs: 10 };

// The broker decompresses and parses every compressed batch on produce, as Kafka does.
const COMPRESSED_RUNS = [
  { name: 'lz4', type: CompressionTypes.LZ4 },
  { name: 'zstd', type: CompressionTypes.ZSTD },
] as const;

interface BrokerFigures {
  produceMessagesPerSecond: Figure;
  produceMegabytesPerSecond: Figure;
  produceLz4MessagesPerSecond: Figure;
  produceZstdMessagesPerSecond: Figure;
  consumeMessagesPerSecond: Figure;
  consumeMegabytesPerSecond: Figure;
  latencyP50Ms: Figure;
  latencyP99Ms: Figure;
  latencyMaxMs: Figure;
  rssAfterStart: Figure;
  rssAfterProduce: Figure;
  rssAfterConsume: Figure;
  rssAfterLatency: Figure;
  peakRss: Figure;
}

function allNotMeasured(reason: string): BrokerFigures {
  const figure = notMeasured(reason);
  return {
    produceMessagesPerSecond: figure,
    produceMegabytesPerSecond: figure,
    produceLz4MessagesPerSecond: figure,
    produceZstdMessagesPerSecond: figure,
    consumeMessagesPerSecond: figure,
    consumeMegabytesPerSecond: figure,
    latencyP50Ms: figure,
    latencyP99Ms: figure,
    latencyMaxMs: figure,
    rssAfterStart: figure,
    rssAfterProduce: figure,
    rssAfterConsume: figure,
    rssAfterLatency: figure,
    peakRss: figure,
  };
}

/**
 * Runs the three workloads against one broker. With tolerateFailures (the mock cluster) a
 * workload kafkajs cannot run is reported as not measured; otherwise it fails the bench.
 */
async function measureBroker(broker: BrokerUnderTest, tolerateFailures: boolean): Promise<BrokerFigures> {
  const say = (line: string) => console.log(`[${broker.name}] ${line}`);
  const clientErrors: string[] = [];
  const kafka = new Kafka({
    clientId: 'broker-bench',
    brokers: [broker.address],
    logLevel: logLevel.ERROR,
    logCreator: rememberErrors(clientErrors),
    retry: { retries: 3 },
  });
  const figures = allNotMeasured('not reached');
  const memory = () => broker.memory();

  const attempt = async <T>(what: string, action: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await action();
    } catch (error) {
      const reason = `${what}: ${error instanceof Error ? error.message : String(error)}`;
      const detail =
        clientErrors.length > 0 ? `\n  kafkajs errors:\n    ${clientErrors.slice(-10).join('\n    ')}` : '';
      if (!tolerateFailures) throw new Error(`${broker.name}: ${reason}${detail}`, { cause: error });
      console.log(`mock cluster: not measured (${reason})${detail}`);
      clientErrors.length = 0;
      return undefined;
    }
  };

  // CPU of both sides around a workload shows which one was the bottleneck.
  const withCpu = async <T>(what: string, action: () => Promise<T>): Promise<T> => {
    const brokerBefore = broker.cpuSeconds();
    const clientBefore = process.cpuUsage();
    const startedAt = performance.now();
    const result = await action();
    const wallSeconds = (performance.now() - startedAt) / 1000;
    const brokerSeconds = broker.cpuSeconds() - brokerBefore;
    const clientUsage = process.cpuUsage(clientBefore);
    const clientSeconds = (clientUsage.user + clientUsage.system) / 1e6;
    const share = (seconds: number) => `${Math.round((100 * seconds) / wallSeconds)}% of a core`;
    say(
      `CPU during ${what} (${wallSeconds.toFixed(1)} s): broker ${brokerSeconds.toFixed(1)} s (${share(brokerSeconds)}), ` +
        `kafkajs client ${clientSeconds.toFixed(1)} s (${share(clientSeconds)})`,
    );
    return result;
  };

  figures.rssAfterStart = measured(memory().rssBytes);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = {
      warmUp: 'bench-warm-up',
      throughput: 'bench-throughput',
      latency: 'bench-latency',
      lz4: 'bench-lz4',
      zstd: 'bench-zstd',
    };
    for (const topic of Object.values(topics)) {
      const partitions = await attempt(`creating ${topic}`, () =>
        broker.createTopic(admin, topic, WORKLOAD.partitions),
      );
      if (partitions !== undefined && partitions !== WORKLOAD.partitions) {
        say(`${topic} has ${partitions} partitions, not ${WORKLOAD.partitions}`);
      }
    }

    const produceWorkload = {
      messagesPerSend: WORKLOAD.messagesPerSend,
      messageBytes: WORKLOAD.messageBytes,
      concurrentSends: WORKLOAD.concurrentSends,
    };
    const produced = await attempt('produce', async () => {
      await produceAsFastAsPossible(kafka, {
        ...produceWorkload,
        topic: topics.warmUp,
        messages: WORKLOAD.warmUpMessages,
      });
      return withCpu('produce', () =>
        produceAsFastAsPossible(kafka, {
          ...produceWorkload,
          topic: topics.throughput,
          messages: WORKLOAD.messages,
        }),
      );
    });
    if (produced) {
      figures.produceMessagesPerSecond = measured(produced.messages / produced.seconds);
      figures.produceMegabytesPerSecond = measured(produced.valueBytes / MEGABYTE / produced.seconds);
      say(
        `produce: ${formatInteger(produced.messages)} messages in ${produced.seconds.toFixed(2)} s = ` +
          `${formatInteger(produced.messages / produced.seconds)} msgs/s, ` +
          `${formatDecimal(produced.valueBytes / MEGABYTE / produced.seconds)} MB/s`,
      );
    } else {
      figures.produceMessagesPerSecond = figures.produceMegabytesPerSecond = notMeasured('produce failed');
    }
    figures.rssAfterProduce = measured(memory().rssBytes);

    const consumed = produced
      ? await attempt('consume', async () => {
          // librdkafka's mock keeps only the newest few MB of each partition, so the consumer
          // reads what the broker retains (all of it for the embedded broker).
          const retained = await retainedMessages(admin, topics.throughput);
          if (retained < produced.messages) {
            say(
              `retains ${formatInteger(retained)} of the ${formatInteger(produced.messages)} messages produced; consuming those`,
            );
          }
          return withCpu('consume, group join included', () =>
            consumeFromBeginning(kafka, {
              topic: topics.throughput,
              groupId: 'bench-consumer',
              messages: retained,
              consumerConfig: WORKLOAD.consumer,
              timeoutMs: WORKLOAD.consumeTimeoutMs,
            }),
          );
        })
      : undefined;
    if (consumed) {
      figures.consumeMessagesPerSecond = measured(consumed.messages / consumed.seconds);
      figures.consumeMegabytesPerSecond = measured(consumed.valueBytes / MEGABYTE / consumed.seconds);
      say(
        `consume: ${formatInteger(consumed.messages)} messages in ${consumed.seconds.toFixed(2)} s = ` +
          `${formatInteger(consumed.messages / consumed.seconds)} msgs/s, ` +
          `${formatDecimal(consumed.valueBytes / MEGABYTE / consumed.seconds)} MB/s ` +
          `(group join before the first fetch: ${consumed.joinSeconds.toFixed(2)} s, not counted)`,
      );
    } else {
      figures.consumeMessagesPerSecond = figures.consumeMegabytesPerSecond = notMeasured(
        produced ? 'consume failed' : 'nothing produced',
      );
    }
    figures.rssAfterConsume = measured(memory().rssBytes);

    const latency = await attempt('steady-rate produce', () =>
      withCpu('steady-rate produce', () =>
        produceAtSteadyRate(kafka, {
          ...WORKLOAD.latency,
          topic: topics.latency,
          messageBytes: WORKLOAD.messageBytes,
        }),
      ),
    );
    if (latency) {
      figures.latencyP50Ms = measured(percentile(latency.latenciesMs, 50));
      figures.latencyP99Ms = measured(percentile(latency.latenciesMs, 99));
      figures.latencyMaxMs = measured(Math.max(...latency.latenciesMs));
      say(
        `latency at ${formatInteger(WORKLOAD.latency.messagesPerSecond)} msgs/s over ${formatInteger(latency.latenciesMs.length)} sends: ` +
          `p50 ${formatMilliseconds(percentile(latency.latenciesMs, 50))} ms, ` +
          `p99 ${formatMilliseconds(percentile(latency.latenciesMs, 99))} ms, ` +
          `max ${formatMilliseconds(Math.max(...latency.latenciesMs))} ms ` +
          `(the bench's own timer lateness: p99 ${formatMilliseconds(percentile(latency.startDelaysMs, 99))} ms)`,
      );
    } else {
      figures.latencyP50Ms =
        figures.latencyP99Ms =
        figures.latencyMaxMs =
          notMeasured('steady-rate produce failed');
    }

    for (const run of COMPRESSED_RUNS) {
      const compressed = await attempt(`${run.name} produce`, () =>
        withCpu(`${run.name} produce`, () =>
          produceAsFastAsPossible(kafka, {
            ...produceWorkload,
            topic: topics[run.name],
            messages: WORKLOAD.messages,
            compression: run.type,
          }),
        ),
      );
      const key = run.name === 'lz4' ? 'produceLz4MessagesPerSecond' : 'produceZstdMessagesPerSecond';
      figures[key] = compressed
        ? measured(compressed.messages / compressed.seconds)
        : notMeasured(`${run.name} produce failed`);
      if (compressed) {
        say(
          `${run.name} produce: ${formatInteger(compressed.messages)} messages in ${compressed.seconds.toFixed(2)} s = ` +
            `${formatInteger(compressed.messages / compressed.seconds)} msgs/s`,
        );
      }
    }
  } finally {
    await admin.disconnect();
  }
  const end = memory();
  figures.rssAfterLatency = measured(end.rssBytes);
  figures.peakRss = measured(end.peakRssBytes);
  say(
    `memory (MiB): RSS after start ${formatMebibytes(valueOrZero(figures.rssAfterStart))}, ` +
      `after produce ${formatMebibytes(valueOrZero(figures.rssAfterProduce))}, ` +
      `after consume ${formatMebibytes(valueOrZero(figures.rssAfterConsume))}, ` +
      `after latency run ${formatMebibytes(end.rssBytes)}, peak (VmHWM) ${formatMebibytes(end.peakRssBytes)}`,
  );
  return figures;
}

async function retainedMessages(admin: Admin, topic: string): Promise<number> {
  const partitions = await admin.fetchTopicOffsets(topic);
  return partitions.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
}

function valueOrZero(figure: Figure): number {
  return 'value' in figure ? figure.value : 0;
}

function rememberErrors(lines: string[]): logCreator {
  return () =>
    ({ namespace, label, log }) => {
      if (label !== 'ERROR') return;
      lines.push(`${namespace}: ${log.message}${log.error ? ` (${String(log.error)})` : ''}`);
      if (lines.length > 50) lines.shift();
    };
}

function summaryRows(embedded: BrokerFigures, mock: BrokerFigures): SummaryRow[] {
  const row = (
    label: string,
    key: keyof BrokerFigures,
    format: SummaryRow['format'],
    extra: Partial<SummaryRow> = {},
  ) => ({
    label,
    embedded: embedded[key],
    mock: mock[key],
    format,
    ...extra,
  });
  return [
    row('produce (msgs/s)', 'produceMessagesPerSecond', formatInteger, {
      better: 'higher',
      target: { comparison: '>=', value: TARGETS.produceMessagesPerSecond },
    }),
    row('produce (MB/s)', 'produceMegabytesPerSecond', formatDecimal, { better: 'higher' }),
    row('produce lz4 (msgs/s)', 'produceLz4MessagesPerSecond', formatInteger, { better: 'higher' }),
    row('produce zstd (msgs/s)', 'produceZstdMessagesPerSecond', formatInteger, { better: 'higher' }),
    row('consume (msgs/s)', 'consumeMessagesPerSecond', formatInteger, {
      better: 'higher',
      target: { comparison: '>=', value: TARGETS.consumeMessagesPerSecond },
    }),
    row('consume (MB/s)', 'consumeMegabytesPerSecond', formatDecimal, { better: 'higher' }),
    row('latency p50 at 1,000 msgs/s (ms)', 'latencyP50Ms', formatMilliseconds, { better: 'lower' }),
    row('latency p99 at 1,000 msgs/s (ms)', 'latencyP99Ms', formatMilliseconds, {
      better: 'lower',
      target: { comparison: '<=', value: TARGETS.p99LatencyMs },
    }),
    row('latency max at 1,000 msgs/s (ms)', 'latencyMaxMs', formatMilliseconds, { better: 'lower' }),
    row('RSS after start (MiB)', 'rssAfterStart', formatMebibytes),
    row('RSS after produce (MiB)', 'rssAfterProduce', formatMebibytes),
    row('RSS after consume (MiB)', 'rssAfterConsume', formatMebibytes),
    row('RSS after latency run (MiB)', 'rssAfterLatency', formatMebibytes),
    row('peak RSS, VmHWM (MiB)', 'peakRss', formatMebibytes),
  ];
}

function describeWorkload(): string {
  const { consumer, latency } = WORKLOAD;
  return [
    'Workload (kafkajs 2.2.4 clients in this process; each broker in its own process, measured one after the other):',
    `  topics: ${WORKLOAD.partitions} partitions; values of ${WORKLOAD.messageBytes} random bytes, no key, no compression; 1 MB = 10^6 bytes of values`,
    `  produce: one producer, acks all, ${WORKLOAD.messagesPerSend} messages per send(), ${WORKLOAD.concurrentSends} sends in flight, ` +
      `${formatInteger(WORKLOAD.messages)} messages timed after ${formatInteger(WORKLOAD.warmUpMessages)} untimed to another topic`,
    `  consume: one group member, eachBatch with offsets auto-resolved and auto-committed after each batch, from the beginning; ` +
      `maxBytesPerPartition ${consumer.maxBytesPerPartition / 1024 / 1024} MiB, maxBytes ${consumer.maxBytes / 1024 / 1024} MiB, ` +
      `minBytes ${consumer.minBytes}, maxWaitTimeInMs ${consumer.maxWaitTimeInMs}; timed from the first fetch to the last message`,
    `  lz4, zstd produce: as produce, compressed by kafkajs with the platform's codecs (kafka-codecs), after the latency run; ` +
      `values are ${WORKLOAD.messageBytes}-byte JSON events with varying ids, which compress, not random bytes`,
    `  latency: one message per send(), acks all, every ${1000 / latency.messagesPerSecond} ms on a fixed schedule ` +
      `(sends do not wait for each other), ${latency.warmUpSeconds} s warm-up then ${latency.seconds} s measured; send() call to acknowledgement`,
    `  embedded broker: npm run broker's cli.ts under node --import tsx, BROKER_FSYNC=interval, fresh temp data dir`,
    `  mock cluster: kcat (librdkafka 2.0.2) -X test.mock.num.brokers=1, in memory; it keeps only the newest 5 MiB of each partition, ` +
      `answers a Fetch with one batch per partition, and its memory includes kcat's idle client`,
  ].join('\n');
}

interface BenchArguments {
  cpuProfileDirectory?: string;
  skipMock: boolean;
}

function parseArguments(args: string[]): BenchArguments {
  const parsed: BenchArguments = { skipMock: false };
  for (const arg of args) {
    if (arg === '--skip-mock') parsed.skipMock = true;
    else if (arg === '--cpu-prof')
      parsed.cpuProfileDirectory = mkdtempSync(join(tmpdir(), 'broker-bench-profile-'));
    else if (arg.startsWith('--cpu-prof='))
      parsed.cpuProfileDirectory = resolve(arg.slice('--cpu-prof='.length));
    else throw new Error(`unknown argument ${arg}; expected --cpu-prof[=directory] or --skip-mock`);
  }
  return parsed;
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  installKafkajsCodecs();
  console.log(describeWorkload());

  const embedded = await startEmbeddedBroker({ cpuProfileDirectory: args.cpuProfileDirectory });
  console.log(`\n[${embedded.name}] pid ${embedded.pid} at ${embedded.address}`);
  const embeddedFigures = await measureBroker(embedded, false);
  await embedded.stop();

  let mockFigures: BrokerFigures;
  if (args.skipMock) {
    mockFigures = allNotMeasured('--skip-mock');
  } else {
    try {
      const mock = await startMockCluster();
      console.log(`\n[${mock.name}] pid ${mock.pid} at ${mock.address}`);
      mockFigures = await measureBroker(mock, true);
      await mock.stop();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      console.log(`mock cluster: not measured (${reason})`);
      mockFigures = allNotMeasured(reason);
    }
  }

  console.log(
    `\nSummary (targets apply to the embedded broker; "vs mock" is PASS when no worse than the mock cluster):`,
  );
  console.log(renderSummary(summaryRows(embeddedFigures, mockFigures)));

  if (args.cpuProfileDirectory) {
    console.log(
      `\n${summariseCpuProfiles(args.cpuProfileDirectory, embedded.pid, resolve(__dirname, '../../..'))}`,
    );
  }
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the brokers`);
    void stopAllBrokers().finally(() => process.exit(code));
  });
}

main().then(
  async () => {
    await stopAllBrokers();
    process.exit(0);
  },
  async (error) => {
    console.error('\nbroker bench failed:', error);
    await stopAllBrokers();
    process.exit(1);
  },
);
