// `npm run bench:router`: how many accepted messages a second the router decides, in the batches
// its consumer hands over, with every sending rule on (a tenant with message types, quiet hours,
// frequency limits, dedup windows and recipients' preferences) beside the same messages with no
// policy (the built-in type). Decisions are recorded in PostgreSQL (TEST_DATABASE_URL, default the
// local one) exactly as the router records them; publishing to Kafka is left out (a sink counts).
// Batches are decided by as many partitions at once as the router's consumer runs by default
// (ROUTER_CONSUMER_CONCURRENCY, 3), each partition holding its own recipients as Kafka's keys do.
// Options (after `--`): --messages=N per run (default 20,000), --batch=N messages per batch (500),
// --recipients=N distinct recipients (5,000), --partitions=N decided at once (3). Recipients'
// contact points are encrypted before measuring, as stored now; --plaintext keeps them as rows
// written before encryption at rest are read (no decryption), for the figure without it.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { MessageAccepted, TopicName, TopicPayloads } from '@switchboard/contracts';
import type { EventSink } from '@switchboard/messaging';
import { bulkInsert } from '@switchboard/persistence';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  serviceAuthorization,
  TEST_ENCRYPTION_VARIABLES,
  TEST_SERVICE_TOKEN_SECRETS,
} from '@switchboard/testing';
import { DataSource } from 'typeorm';
import { loadRouterConfig } from '../src/config';
import { EncryptPlaintextRecipients } from '../src/recipients/encrypt-plaintext-recipients';
import { startRouter } from '../src/router';
import { DecisionStore } from '../src/routing/decision-store';
import { LoadPolicyFacts } from '../src/routing/load-policy-facts';
import { RouteMessages } from '../src/routing/route-messages.usecase';

const TARGET_MESSAGES_PER_SECOND = 5_000;

function option(name: string, fallback: number): number {
  const given = process.argv.find((argument) => argument.startsWith(`--${name}=`));
  return given === undefined ? fallback : Number(given.slice(name.length + 3));
}

const MESSAGES = option('messages', 20_000);
const BATCH = option('batch', 500);
const RECIPIENTS = option('recipients', 5_000);
const PARTITIONS = option('partitions', 3);
const PLAINTEXT = process.argv.includes('--plaintext');
let runs = 0;

/** Counts what would be published, so that the figure is the router's deciding alone. */
class CountingSink implements EventSink {
  published = 0;
  async publishMany<Topic extends TopicName>(
    _topic: Topic,
    payloads: Array<TopicPayloads[Topic]>,
  ): Promise<void> {
    this.published += payloads.length;
  }
}

interface RunFigures {
  messagesPerSecond: number;
  cpuMsPerMessage: number;
  outcomes: Record<string, number>;
}

async function main(): Promise<void> {
  const [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_bench')]);
  const router = await startRouter(
    loadRouterConfig({
      KAFKA_BROKERS: broker.address,
      DATABASE_URL: database.url,
      PORT: '0',
      SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
      ...TEST_ENCRYPTION_VARIABLES,
    }),
    new StructuredLogger('router', 'warn'),
  );
  const dataSource = router.app.get(DataSource);
  try {
    await seedTenant(router.url, dataSource, 'policy-on', true);
    await seedTenant(router.url, dataSource, 'policy-off', false);
    if (!PLAINTEXT) await router.app.get(EncryptPlaintextRecipients).execute();
    const routeMessages = new RouteMessages(
      router.app.get(DecisionStore),
      router.app.get(LoadPolicyFacts),
      new CountingSink(),
    );
    // Warm up both paths (query plans, caches) before measuring.
    await run(routeMessages, dataSource, 'policy-on', 'promo', Math.min(2_000, MESSAGES));
    await run(routeMessages, dataSource, 'policy-off', undefined, Math.min(2_000, MESSAGES));

    const off = await run(routeMessages, dataSource, 'policy-off', undefined, MESSAGES);
    const on = await run(routeMessages, dataSource, 'policy-on', 'promo', MESSAGES);
    print(off, on);
  } finally {
    await router.close();
    await broker.stop();
    await database.drop();
  }
}

/** Recipients with email and phone; with policies, a type using every rule, settings and preferences. */
async function seedTenant(routerUrl: string, dataSource: DataSource, tenantId: string, withPolicy: boolean) {
  await bulkInsert(
    dataSource,
    'router.recipients',
    Array.from({ length: RECIPIENTS }, (_, index) => ({
      tenant_id: tenantId,
      recipient_id: `person-${index}`,
      email: `person-${index}@example.com`,
      phone: `+1415555${String(index).padStart(4, '0')}`,
      time_zone: index % 2 === 0 ? 'Europe/Berlin' : 'America/New_York',
    })),
  );
  if (!withPolicy) return;
  await internal(routerUrl, 'POST', `${tenantId}/message-types`, {
    key: 'promo',
    category: 'marketing',
    defaultChannels: ['email', 'sms', 'inapp'],
    quietHours: 'respect',
    frequencyLimits: 'apply',
    overLimit: 'defer',
    dedupWindowSeconds: 3600,
  });
  // Quiet hours far from now, so messages are decided by every rule and routed rather than held.
  const hour = (new Date().getUTCHours() + 12) % 24;
  const start = `${String(hour).padStart(2, '0')}:00`;
  const end = `${String(hour).padStart(2, '0')}:30`;
  await internal(routerUrl, 'PUT', `${tenantId}/sending-settings`, {
    timeZone: 'UTC',
    quietHours: { start, end },
    frequencyLimits: [
      { category: 'marketing', limit: 1_000, windowSeconds: 86_400 },
      { limit: 5_000, windowSeconds: 86_400 },
      { channel: 'sms', limit: 100, windowSeconds: 3_600 },
    ],
  });
  await bulkInsert(
    dataSource,
    'router.preferences',
    Array.from({ length: RECIPIENTS }, (_, index) => ({
      tenant_id: tenantId,
      recipient_id: `person-${index}`,
      preferences: JSON.stringify({
        optedOut: false,
        categories: index % 10 === 0 ? { marketing: { channels: { email: false } } } : {},
        channelOrder: index % 3 === 0 ? ['inapp'] : null,
        quietHours: null,
      }),
    })),
  );
}

async function internal(routerUrl: string, method: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${routerUrl}/internal/tenants/${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...serviceAuthorization('router') },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
}

async function run(
  routeMessages: RouteMessages,
  dataSource: DataSource,
  tenantId: string,
  type: string | undefined,
  count: number,
): Promise<RunFigures> {
  runs += 1;
  const messages: MessageAccepted[] = Array.from({ length: count }, (_, index) => ({
    tenantId,
    messageId: randomUUID(),
    acceptedAt: new Date().toISOString(),
    source: 'http',
    recipient: { id: `person-${index % RECIPIENTS}` },
    ...(type === undefined ? {} : { type }),
    // Content differs between runs, so that the warm-up's messages are not duplicates of these.
    content: { templateKey: 'weekly-deals', data: { offer: index, run: runs } },
  }));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const partitions = Array.from({ length: PARTITIONS }, (_, partition) =>
    messages.filter((_message, index) => (index % RECIPIENTS) % PARTITIONS === partition),
  );
  await Promise.all(
    partitions.map(async (partition) => {
      for (let offset = 0; offset < partition.length; offset += BATCH) {
        await routeMessages.execute(partition.slice(offset, offset + BATCH));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const rows: Array<{ decision: string; rule: string | null; count: number }> = await dataSource.query(
    `SELECT decision, rule, count(*)::int AS count FROM router.decisions
     WHERE message_id = ANY($1::uuid[]) GROUP BY decision, rule`,
    [messages.map((message) => message.messageId)],
  );
  return {
    messagesPerSecond: count / seconds,
    cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / count,
    outcomes: Object.fromEntries(
      rows.map((row) => [`${row.decision}${row.rule ? ` (${row.rule})` : ''}`, row.count]),
    ),
  };
}

function print(off: RunFigures, on: RunFigures): void {
  const line = (name: string, figures: RunFigures) =>
    `${name.padEnd(22)} ${Math.round(figures.messagesPerSecond).toLocaleString('en-US').padStart(8)} msgs/s` +
    `   ${figures.cpuMsPerMessage.toFixed(3)} ms CPU/msg (router process, database excluded)` +
    `   ${JSON.stringify(figures.outcomes)}`;
  console.log(
    `\nRouter decisions, ${MESSAGES.toLocaleString('en-US')} messages in batches of ${BATCH}, ${PARTITIONS} partitions at once, ${RECIPIENTS.toLocaleString('en-US')} recipients (contact points ${PLAINTEXT ? 'in plaintext' : 'encrypted'})`,
  );
  console.log(line('policies off', off));
  console.log(line('every policy on', on));
  const verdict = on.messagesPerSecond >= TARGET_MESSAGES_PER_SECOND ? 'meets' : 'MISSES';
  console.log(
    `every policy on: ${(on.messagesPerSecond / off.messagesPerSecond).toFixed(2)}× policies off; ${verdict} the target of ${TARGET_MESSAGES_PER_SECOND.toLocaleString('en-US')} msgs/s`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
