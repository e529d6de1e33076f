import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const KCAT = process.env.KCAT_BIN ?? 'kcat';
const PRODUCE_TIMEOUT_MS = 15_000;

export interface KcatProduceOptions {
  /** Comma-separated bootstrap list, as kcat's -b. */
  brokers: string;
  topic: string;
  key?: string;
  value: string;
  headers?: Record<string, string>;
  /** kcat's -z: gzip, snappy, lz4 or zstd (librdkafka may send small batches uncompressed). */
  compression?: 'gzip' | 'snappy' | 'lz4' | 'zstd';
}

/** Whether kcat (or KCAT_BIN) runs on this machine. */
export function kcatAvailable(): boolean {
  if (available === undefined) {
    const probe = spawnSync(KCAT, ['-V'], { encoding: 'utf8', timeout: 5000 });
    available = !probe.error && probe.status === 0;
  }
  return available;
}

let available: boolean | undefined;

/**
 * Produces one record with kcat, a client we did not write (librdkafka), waiting for the
 * broker's acknowledgement. The value goes in on stdin whole, newlines included; kcat
 * never sends an empty message, so an empty value is refused.
 */
export async function kcatProduce(options: KcatProduceOptions): Promise<void> {
  if (!kcatAvailable()) {
    throw new Error(`kcat is not installed (looked for "${KCAT}"; set KCAT_BIN to use another path)`);
  }
  if (options.value === '') throw new Error('kcatProduce value must not be empty: kcat drops empty messages');
  // kcat splits stdin on a delimiter (newline by default) and sends what follows the last one
  // at end of input, so a delimiter that is not in the value makes the whole value one message.
  const delimiter = `<sb-end-${randomBytes(8).toString('hex')}>`;
  const args = [
    '-P',
    '-b',
    options.brokers,
    '-t',
    options.topic,
    // Fail instead of retrying for librdkafka's default five minutes.
    '-X',
    `message.timeout.ms=${PRODUCE_TIMEOUT_MS - 5000}`,
    '-D',
    delimiter,
    ...(options.key === undefined ? [] : ['-k', options.key]),
    ...(options.compression === undefined ? [] : ['-z', options.compression]),
    ...Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['-H', `${name}=${value}`]),
  ];
  const child = spawn(KCAT, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined); // kcat may exit before reading its input
  child.stdin.end(options.value);
  const timer = setTimeout(() => child.kill('SIGKILL'), PRODUCE_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  }).finally(() => clearTimeout(timer));
  if (code !== 0) {
    const reason = code === null ? `was killed after ${PRODUCE_TIMEOUT_MS} ms` : `exited with code ${code}`;
    throw new Error(`kcat producing to ${options.topic} on ${options.brokers} ${reason}: ${stderr.trim()}`);
  }
}
