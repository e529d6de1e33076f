// `npm run bench:audit`: what the audit log costs a state-changing request. The real gateway
// answers POST /v1/templates (the template service is a local stub answering 201 at once, so the
// gateway's own work dominates) for a fixed time at a fixed concurrency, once as shipped (every
// request appends to its tenant's chain before the answer leaves) and once with the audit hook
// never installed; the two alternate, twice each, to even out drift. All requests use one key of
// one tenant, so they all queue on one chain: the worst case for the per-chain lock.
// PostgreSQL: TEST_DATABASE_URL's server (default the local one). Options (after `--`):
// --seconds=N measured per run (default 10), --concurrency=N requests in flight (default 16).
import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  type TestBroker,
  TEST_ENCRYPTION_VARIABLES,
  type TestDatabase,
} from '@switchboard/testing';
import { AuditRecorder } from '../src/audit/audit-recorder';
import { loadGatewayConfig } from '../src/config';
import { startGateway } from '../src/gateway';

const SECONDS = numberOption('seconds', 10);
const CONCURRENCY = numberOption('concurrency', 16);
const WARM_UP_MS = 2_000;
const API_KEY = `sk_bench_${randomBytes(24).toString('hex')}`;

interface RunFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function main(): Promise<void> {
  const templateService = await startTemplateStub();
  const [broker, database] = await Promise.all([
    createTestBroker(),
    createTestDatabase('gateway_audit_bench'),
  ]);
  const results: Record<'without' | 'with', RunFigures[]> = { without: [], with: [] };
  try {
    for (let round = 0; round < 2; round += 1) {
      for (const mode of ['without', 'with'] as const) {
        results[mode].push(await measure(mode, broker, database, templateService));
      }
    }
    print(results);
  } finally {
    await broker.stop();
    await database.drop();
    templateService.close();
  }
}

async function measure(
  mode: 'without' | 'with',
  broker: TestBroker,
  database: TestDatabase,
  templateService: Server,
): Promise<RunFigures> {
  const install = AuditRecorder.prototype.onModuleInit;
  // The baseline: the same gateway, its audit hook never added to Fastify.
  if (mode === 'without') AuditRecorder.prototype.onModuleInit = () => undefined;
  let gateway: RunningService;
  try {
    gateway = await startGateway(
      loadGatewayConfig({
        PORT: '0',
        KAFKA_BROKERS: broker.address,
        DATABASE_URL: database.url,
        LOG_LEVEL: 'error',
        SWITCHBOARD_DEV_API_KEY: API_KEY,
        SWITCHBOARD_DEV_TENANT: 'bench',
        // The gateway calls no service that checks it here.
        SERVICE_TOKEN_SECRETS: randomBytes(32).toString('base64url'),
        ...TEST_ENCRYPTION_VARIABLES,
        TEMPLATE_URL: `http://127.0.0.1:${(templateService.address() as AddressInfo).port}`,
        // Out of reach: the bench measures the audit log, not the request limits.
        REQUEST_RATE_PER_KEY: '1000000',
        REQUEST_BURST_PER_KEY: '1000000',
        REQUEST_RATE_PER_TENANT: '1000000',
        REQUEST_BURST_PER_TENANT: '1000000',
      }),
      new StructuredLogger('gateway', 'error'),
    );
  } finally {
    AuditRecorder.prototype.onModuleInit = install;
  }
  try {
    await load(gateway.url, WARM_UP_MS);
    const latencies = await load(gateway.url, SECONDS * 1_000);
    latencies.sort((a, b) => a - b);
    return {
      requestsPerSecond: latencies.length / SECONDS,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
    };
  } finally {
    await gateway.close();
  }
}

/** CONCURRENCY callers, each sending its next request as soon as the last is answered. */
async function load(url: string, durationMs: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = Date.now() + durationMs;
  let sequence = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        sequence += 1;
        const started = performance.now();
        const response = await fetch(`${url}/v1/templates`, {
          method: 'POST',
          headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            key: `bench-${sequence}`,
            name: 'Bench',
            subject: 'Hello {{name}}',
            mjml: '<mjml><mj-body></mj-body></mjml>',
          }),
        });
        await response.arrayBuffer();
        if (response.status !== 201) throw new Error(`POST /v1/templates answered ${response.status}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

function startTemplateStub(): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key: string };
      const createdAt = new Date().toISOString();
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          key: body.key,
          name: 'Bench',
          channel: 'email',
          currentVersion: 1,
          createdAt,
          versions: [
            { version: 1, subject: 'Hello {{name}}', mjml: '<mjml><mj-body></mj-body></mjml>', createdAt },
          ],
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

function print(results: Record<'without' | 'with', RunFigures[]>): void {
  const line = (label: string, runs: RunFigures[]) =>
    `${label}: ${runs.map((run) => `${run.requestsPerSecond.toFixed(0)} req/s (p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms)`).join('; ')}`;
  const mean = (runs: RunFigures[], pick: (run: RunFigures) => number) =>
    runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
  console.log(`POST /v1/templates, ${CONCURRENCY} in flight, ${SECONDS} s per run, one tenant's chain`);
  console.log(line('without the audit log', results.without));
  console.log(line('with the audit log   ', results.with));
  const before = mean(results.without, (run) => run.requestsPerSecond);
  const after = mean(results.with, (run) => run.requestsPerSecond);
  const p50 = mean(results.with, (run) => run.p50Ms) - mean(results.without, (run) => run.p50Ms);
  console.log(
    `cost: ${(((before - after) / before) * 100).toFixed(1)}% of throughput, +${p50.toFixed(2)} ms at the median`,
  );
}

function numberOption(name: string, fallback: number): number {
  const argument = process.argv.find((value) => value.startsWith(`--${name}=`));
  const value = argument === undefined ? fallback : Number(argument.slice(name.length + 3));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
