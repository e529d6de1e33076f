import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@switchboard/sandboxes';

// Debian's python3-kafka (with python3-snappy, -lz4, -zstandard) lives beside Debian's python3,
// which may not be the first python3 on the PATH.
const PYTHON = process.env.KAFKA_PYTHON_BIN ?? '/usr/bin/python3';
const PRODUCE_TIMEOUT_MS = 60_000;

export type KafkaPythonCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface KafkaPythonProduceOptions {
  /** host:port of a broker. */
  brokers: string;
  topic: string;
  codec: KafkaPythonCodec;
  values: string[];
  partition?: number;
}

/** Whether Debian's python3 with kafka-python and its codecs runs here (or KAFKA_PYTHON_BIN). */
export function kafkaPythonAvailable(): boolean {
  if (available === undefined) {
    const probe = spawnSync(PYTHON, ['-c', 'import kafka, snappy, lz4, zstandard'], { timeout: 10_000 });
    available = !probe.error && probe.status === 0;
  }
  return available;
}

let available: boolean | undefined;

/** Produces with kafka-python, a client we did not write, waiting for the broker's acknowledgement. */
export async function kafkaPythonProduce(options: KafkaPythonProduceOptions): Promise<void> {
  if (!kafkaPythonAvailable()) {
    throw new Error(
      `kafka-python is not installed for ${PYTHON} (Debian: python3-kafka python3-snappy python3-lz4 python3-zstandard)`,
    );
  }
  const script = join(repoRoot(), 'libs', 'testing', 'python', 'kafka_python_produce.py');
  const args = [
    script,
    options.brokers,
    options.topic,
    options.codec,
    '--partition',
    String(options.partition ?? 0),
  ];
  const child = spawn(PYTHON, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.values.map((value) => JSON.stringify(value)).join('\n'));
  const timer = setTimeout(() => child.kill('SIGKILL'), PRODUCE_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearTimeout(timer));
  if (code !== 0) {
    throw new Error(`kafka-python producing to ${options.topic} exited with ${code}: ${stderr.trim()}`);
  }
}
