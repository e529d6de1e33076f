// --saturation=N: N emails through the public batch API with the development key, waited for
// until the launcher's SES emulator has every one, so the services' memory is measured after work.
import { parseOrThrow, SendMessageBatchResponse } from '@switchboard/contracts';
import { connectToSesEmulator } from '@switchboard/testing';
import { benchMessages } from '../pipeline/workload';
import type { LaunchedPlatform } from './launched-platform';

const BATCH_SIZE = 500;
const CONCURRENT_REQUESTS = 4;
// The wait ends when no new email has arrived for this long.
const STALL_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 500;

export interface SaturationResult {
  messages: number;
  arrived: number;
  /** From the first request until the emulator had every email (or the wait gave up). */
  seconds: number;
}

export async function runSaturation(platform: LaunchedPlatform, messages: number): Promise<SaturationResult> {
  const label = `footprint-${Date.now()}`;
  const batches: ReturnType<typeof benchMessages>[] = [];
  const all = benchMessages(label, messages);
  for (let index = 0; index < all.length; index += BATCH_SIZE)
    batches.push(all.slice(index, index + BATCH_SIZE));
  const startedAt = performance.now();
  let next = 0;
  const sender = async () => {
    for (let batch = batches[next++]; batch; batch = batches[next++]) await submitBatch(platform, batch);
  };
  await Promise.all(Array.from({ length: CONCURRENT_REQUESTS }, sender));

  const mailbox = connectToSesEmulator(platform.sesEndpoint);
  const suffix = `@bench.example.com`;
  const isOurs = (address: string) => address.startsWith(`${label}-`) && address.endsWith(suffix);
  let arrived = 0;
  let lastProgressAt = performance.now();
  while (arrived < messages && performance.now() - lastProgressAt < STALL_TIMEOUT_MS) {
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    platform.assertRunning();
    const recipients = new Set(
      (await mailbox.sentEmails()).flatMap((email) => email.to).filter((address) => isOurs(address)),
    );
    if (recipients.size > arrived) {
      arrived = recipients.size;
      lastProgressAt = performance.now();
    }
  }
  return { messages, arrived, seconds: (performance.now() - startedAt) / 1000 };
}

async function submitBatch(
  platform: LaunchedPlatform,
  messages: ReturnType<typeof benchMessages>,
): Promise<void> {
  const response = await fetch(`${platform.apiUrl}/v1/messages/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${platform.devApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messages }),
  });
  const text = await response.text();
  if (response.status !== 202) {
    throw new Error(`POST /v1/messages/batch answered ${response.status}: ${text.slice(0, 500)}`);
  }
  const body = parseOrThrow(SendMessageBatchResponse, JSON.parse(text), 'batch response');
  const rejected = body.results.find((result) => result.status !== 'accepted');
  if (rejected) throw new Error(`a batch item was rejected: ${JSON.stringify(rejected)}`);
}
