import { spawn } from 'node:child_process';
import { join } from 'node:path';

// kafka-python (Debian's python3-kafka), an independent client, through the script the platform's
// tests share in libs/testing/python. Spawned by path rather than imported through
// @switchboard/testing, which itself starts this broker: the two projects would depend on each other.

const PYTHON = process.env.KAFKA_PYTHON_BIN ?? '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', '..', '..', 'testing', 'python', 'kafka_python_produce.py');

export type KafkaPythonCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** A record batch as kafka-python builds it (CRC-32C included), or crafted to be wrong, not sent. */
export async function kafkaPythonBatch(
  codec: KafkaPythonCodec,
  values: string[],
  craft?: 'unknown-codec' | 'corrupt',
): Promise<Buffer> {
  const args = ['--print-batch', '-', '-', codec, ...(craft ? ['--craft', craft] : [])];
  return (await runScript(args, values)).stdout;
}

/** Produces through KafkaProducer with the codec, waiting for acks=all; fails on any refusal. */
export async function kafkaPythonProduce(
  brokers: string,
  topic: string,
  codec: KafkaPythonCodec,
  values: string[],
): Promise<void> {
  await runScript([brokers, topic, codec], values);
}

async function runScript(args: string[], values: string[]): Promise<{ stdout: Buffer }> {
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(values.map((value) => JSON.stringify(value)).join('\n'));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearTimeout(timer));
  if (code !== 0) {
    throw new Error(
      `kafka-python ${args.join(' ')} exited with ${code} (Debian: python3-kafka python3-snappy python3-lz4 python3-zstandard): ${stderr.trim()}`,
    );
  }
  return { stdout: Buffer.concat(stdout) };
}
