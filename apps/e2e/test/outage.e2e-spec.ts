import { randomUUID } from 'node:crypto';
import { waitFor, type TcpFaultProxy } from '@switchboard/testing';
import { startE2ePlatform, type E2ePlatform } from './support/e2e-platform';
import { EmailStream, OutboxWatcher, type SentRequest } from './support/email-traffic';

// PostgreSQL, then the broker, is cut off from every service for 30 s (connections reset, new ones
// refused) while 20 emails a second are sent over HTTP, as an SRE saw it happen. What a user must
// observe: 202 or 503 (with Retry-After) and nothing else; every 202 sent exactly once, with no
// dead letter and no redrive; sending again soon after the dependency is back.

const STREAM_INTERVAL_MS = 50;
const OUTAGE_MS = 30_000;
/** From the dependency's return to the first email of a message sent after it: the target. */
const RECOVERY_TARGET_MS = 5_000;

interface OutageMeasure {
  dependency: 'database' | 'broker';
  answers: Record<string, number>;
  /** From the cut until the gateway first answered 503. */
  firstRefusalAfterMs?: number;
  /** From the restore until a message sent after it arrived as an email. */
  recoveryMs?: number;
}

let e2e: E2ePlatform;
let stream: EmailStream;
let outbox: OutboxWatcher;
const measures: OutageMeasure[] = [];
const runId = randomUUID().slice(0, 8);

beforeAll(async () => {
  e2e = await startE2ePlatform({ faultProxies: { database: true, broker: true } });
  outbox = new OutboxWatcher(e2e.ses, `outage-${runId}-`);
  stream = new EmailStream(e2e.api, {
    intervalMs: STREAM_INTERVAL_MS,
    addressPrefix: `outage-${runId}-`,
    content: { subject: 'Outage', text: 'Sent while a dependency was down.' },
  });
}, 240_000);

afterAll(async () => {
  await stream?.stop();
  await outbox?.stop();
  printTable();
  await e2e?.stop();
}, 120_000);

/** The first time a message sent from `from` on arrived as an email. */
function firstArrivalOfRequestsFrom(from: number): number | undefined {
  const seen = stream.requests
    .filter((request) => request.requestedAt >= from)
    .map((request) => outbox.firstSeenAt.get(request.address))
    .filter((at): at is number => at !== undefined);
  return seen.length > 0 ? Math.min(...seen) : undefined;
}

function countAnswers(requests: SentRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const status = String(request.status ?? 'none');
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

async function outage(dependency: OutageMeasure['dependency'], proxy: TcpFaultProxy): Promise<void> {
  const before = Date.now();
  await waitFor('a message sent now to arrive as an email', () => firstArrivalOfRequestsFrom(before), 60_000);
  const measure: OutageMeasure = { dependency, answers: {} };
  measures.push(measure);
  const firstRequest = stream.requests.length;

  const cutAt = Date.now();
  proxy.cut({ mode: 'refuse' });
  const refusedAt = await waitFor(
    'the gateway to refuse a request with 503',
    () =>
      stream.requests.find((request) => request.requestedAt >= cutAt && request.status === 503)?.answeredAt,
    OUTAGE_MS,
  );
  measure.firstRefusalAfterMs = refusedAt - cutAt;
  // The outage lasts its full length whatever happens meanwhile: that is the scenario, not a wait.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, cutAt + OUTAGE_MS - Date.now())));

  const restoredAt = Date.now();
  proxy.restore();
  const sendingAgainAt = await waitFor(
    `a message sent after the ${dependency} came back to arrive as an email`,
    () => firstArrivalOfRequestsFrom(restoredAt),
    60_000,
  );
  measure.recoveryMs = sendingAgainAt - restoredAt;
  await waitFor(
    'every request of the outage answered',
    () => stream.requests.slice(firstRequest).every((request) => request.status !== undefined) || undefined,
    30_000,
  ).catch(() => undefined);
  measure.answers = countAnswers(stream.requests.slice(firstRequest, stream.requests.length));
}

describe('30 s outages of PostgreSQL and of the broker, with 20 emails a second flowing', () => {
  it('rides out PostgreSQL refusing every connection, answering 503 meanwhile, and sends again within 5 s', async () => {
    await outage('database', e2e.faults.database);
    expect(measures.at(-1)?.recoveryMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
  }, 180_000);

  it('rides out the broker refusing every connection, answering 503 meanwhile, and sends again within 5 s', async () => {
    await outage('broker', e2e.faults.broker);
    expect(measures.at(-1)?.recoveryMs).toBeLessThanOrEqual(RECOVERY_TARGET_MS);
  }, 180_000);

  it('answered only 202 or 503 with Retry-After, sent every 202 exactly once and parked nothing', async () => {
    await stream.stop();
    const unexpected = stream.requests.filter((request) => request.status !== 202 && request.status !== 503);
    expect(unexpected.map(({ status, problem, requestedAt }) => ({ status, problem, requestedAt }))).toEqual(
      [],
    );
    const refusedWithoutRetryAfter = stream.requests.filter(
      (request) => request.status === 503 && !request.retryAfter,
    );
    expect(refusedWithoutRetryAfter).toEqual([]);

    const accepted = stream.accepted();
    const missing = () => accepted.filter((request) => !outbox.firstSeenAt.has(request.address));
    await waitFor(
      `every one of ${accepted.length} accepted messages to arrive as an email`,
      () => missing().length === 0,
      180_000,
    ).catch(() => undefined);
    expect(missing().map(({ messageId }) => messageId)).toEqual([]);
    const sentTwice = accepted.filter((request) => (outbox.emailsPerAddress.get(request.address) ?? 0) > 1);
    expect(sentTwice.map(({ messageId }) => messageId)).toEqual([]);

    // Every accepted message is found by its id, and none waits in the dead-letter list for a redrive.
    for (const request of accepted.slice(-20)) {
      const status = await e2e.api.get<{ status: string }>(`/v1/messages/${request.messageId}`);
      expect(status.status).toBe(200);
    }
    const parked = await e2e.api.get<{ items: unknown[] }>('/v1/dead-letters?status=all');
    expect(parked.status).toBe(200);
    expect(parked.body.items).toEqual([]);

    const refused = stream.requests.filter((request) => request.status === 503);
    const refusedButSent = refused.filter((request) => outbox.firstSeenAt.has(request.address)).length;
    console.log(
      `outage: ${stream.requests.length} requests, ${accepted.length} accepted (202) and all sent once, ` +
        `${refused.length} refused (503), of which ${refusedButSent} were sent anyway (published before the deadline ran out)`,
    );
  }, 240_000);
});

function printTable(): void {
  const seconds = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
  console.log(
    [
      `outages of ${seconds(OUTAGE_MS)} (a request every ${STREAM_INTERVAL_MS} ms; recovery target ${seconds(RECOVERY_TARGET_MS)})`,
      `${'dependency'.padEnd(10)} ${'first 503 after'.padEnd(16)} ${'sending again after'.padEnd(20)} answers`,
      ...measures.map((measure) =>
        [
          measure.dependency.padEnd(10),
          seconds(measure.firstRefusalAfterMs).padEnd(16),
          seconds(measure.recoveryMs).padEnd(20),
          JSON.stringify(measure.answers),
        ].join(' '),
      ),
    ].join('\n'),
  );
}
