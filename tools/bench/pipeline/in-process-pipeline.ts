// The pipeline's stages in this one process, with no Kafka and no HTTP between them, to show what
// the distribution costs: validate each request with the contracts, store the batch in one insert,
// route (one suppression lookup per batch, a decision per message, stored in one insert), render
// inline content, send through SES (16 at a time) and store the delivery ledger rows, the timeline
// events and the message statuses in one transaction per batch.
import { randomUUID } from 'node:crypto';
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { parseOrThrow, SendMessageRequest, type DeliveryEvent } from '@switchboard/contracts';
import { bulkInsert, createDataSource } from '@switchboard/persistence';
import { renderInlineEmail } from '@switchboard/rendering';
import type { DataSource } from 'typeorm';
import { WORKLOAD, type BenchMessage, type PipelineUnderTest, type StepTimes } from './workload';

/** A scratch schema in the bench's database; the database is dropped at the end. */
export const IN_PROCESS_SCHEMA = 'bench_in_process';
export const SEND_CONCURRENCY = 16;

interface AcceptedMessage {
  messageId: string;
  request: SendMessageRequest;
  acceptedAt: Date;
}

interface SentEmail {
  message: AcceptedMessage;
  decidedAt: Date;
  renderedAt: Date;
  sentAt: Date;
  providerMessageId: string;
}

export class InProcessPipeline implements PipelineUnderTest {
  readonly name = 'in-process';
  readonly steps = new Map<string, StepTimes>();
  readonly notSent = new Map<string, string>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sendSlots = new ConcurrencyLimit(SEND_CONCURRENCY);
  private failure: unknown;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly ses: SESClient,
  ) {}

  static async start(options: { databaseUrl: string; sesEndpoint: string }): Promise<InProcessPipeline> {
    const dataSource = await createDataSource({
      url: options.databaseUrl,
      schema: IN_PROCESS_SCHEMA,
      entities: [],
      migrations: [],
    }).initialize();
    try {
      await createTables(dataSource);
    } catch (error) {
      await dataSource.destroy();
      throw error;
    }
    const ses = new SESClient({
      region: 'us-east-1',
      endpoint: options.sesEndpoint,
      // The emulator checks no signature, but the SDK will not sign without some credentials.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    return new InProcessPipeline(dataSource, ses);
  }

  /** Accepted once validated and stored, as the gateway answers 202; the rest runs on. */
  async submitBatch(messages: BenchMessage[]): Promise<string[]> {
    const accepted = await this.accept(messages);
    const delivery = this.deliver(accepted).catch((error: unknown) => {
      this.failure ??= error;
    });
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
    return accepted.map((message) => message.messageId);
  }

  async submitOne(message: BenchMessage): Promise<string> {
    const [messageId] = await this.submitBatch([message]);
    return messageId;
  }

  assertRunning(): void {
    if (this.failure !== undefined) {
      const reason = this.failure instanceof Error ? this.failure.message : String(this.failure);
      throw new Error(`the in-process pipeline broke: ${reason}`, { cause: this.failure });
    }
  }

  async settle(): Promise<{ seconds: number }> {
    const startedAt = performance.now();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.assertRunning();
    return { seconds: (performance.now() - startedAt) / 1000 };
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    this.ses.destroy();
    await this.dataSource.destroy();
  }

  private async accept(messages: BenchMessage[]): Promise<AcceptedMessage[]> {
    const acceptedAt = new Date();
    const accepted = messages.map((item, index) => ({
      messageId: randomUUID(),
      request: parseOrThrow(SendMessageRequest, item, `messages[${index}]`),
      acceptedAt,
    }));
    await bulkInsert(
      this.dataSource,
      `${IN_PROCESS_SCHEMA}.messages`,
      accepted.map(({ messageId, request }) => ({
        message_id: messageId,
        tenant_id: WORKLOAD.tenantId,
        recipient: JSON.stringify(request.recipient),
        content: JSON.stringify(request.content),
        priority: request.priority ?? 'normal',
        accepted_at: acceptedAt,
      })),
      { onConflictDoNothing: true },
    );
    return accepted;
  }

  private async deliver(messages: AcceptedMessage[]): Promise<void> {
    const suppressions = await this.suppressionsOf(messages);
    const decidedAt = new Date();
    const routed: AcceptedMessage[] = [];
    const decisionRows = messages.map((message) => {
      const address = emailAddressOf(message.request);
      const suppression = suppressions.get(address.toLowerCase());
      if (suppression === undefined) routed.push(message);
      else this.notSent.set(message.messageId, `skipped: suppressed: ${suppression}`);
      return {
        message_id: message.messageId,
        tenant_id: WORKLOAD.tenantId,
        decision: suppression === undefined ? 'routed' : 'skipped',
        reason: suppression === undefined ? null : `suppressed: ${suppression}`,
        channel: 'email',
        address,
        decided_at: decidedAt,
      };
    });
    await bulkInsert(this.dataSource, `${IN_PROCESS_SCHEMA}.decisions`, decisionRows, {
      onConflictDoNothing: true,
    });

    const sent = await Promise.all(
      routed.map((message) => {
        const email = renderInlineEmail(inlineContentOf(message.request));
        const renderedAt = new Date();
        return this.sendSlots.run(async () => {
          const output = await this.ses.send(
            new SendEmailCommand({
              Source: WORKLOAD.emailFrom,
              Destination: { ToAddresses: [emailAddressOf(message.request)] },
              Message: {
                Subject: { Data: email.subject, Charset: 'UTF-8' },
                Body: {
                  Html: { Data: email.html, Charset: 'UTF-8' },
                  Text: { Data: email.text, Charset: 'UTF-8' },
                },
              },
            }),
          );
          const sentAt = new Date();
          if (!output.MessageId) throw new Error('SES answered SendEmail without a MessageId');
          this.steps.set(message.messageId, {
            accepted: message.acceptedAt.getTime(),
            routed: decidedAt.getTime(),
            rendered: renderedAt.getTime(),
            sent: sentAt.getTime(),
          });
          return {
            message,
            decidedAt,
            renderedAt,
            sentAt,
            providerMessageId: output.MessageId,
          } satisfies SentEmail;
        });
      }),
    );
    await this.record(sent);
  }

  private async suppressionsOf(messages: AcceptedMessage[]): Promise<Map<string, string>> {
    const rows: Array<{ address: string; reason: string }> = await this.dataSource.query(
      `SELECT s.address, s.reason FROM ${IN_PROCESS_SCHEMA}.suppressions s
       JOIN unnest($1::text[]) AS wanted(address) ON lower(s.address) = lower(wanted.address)
       WHERE s.tenant_id = $2 AND s.channel = 'email'`,
      [messages.map(({ request }) => request.recipient.email), WORKLOAD.tenantId],
    );
    return new Map(rows.map((row) => [row.address.toLowerCase(), row.reason]));
  }

  private async record(sent: SentEmail[]): Promise<void> {
    if (sent.length === 0) return;
    const events = sent.flatMap(timelineOf);
    await this.dataSource.transaction(async (manager) => {
      await bulkInsert(
        manager,
        `${IN_PROCESS_SCHEMA}.deliveries`,
        sent.map(({ message, sentAt, providerMessageId }) => ({
          message_id: message.messageId,
          tenant_id: WORKLOAD.tenantId,
          status: 'sent',
          provider: 'ses',
          provider_message_id: providerMessageId,
          updated_at: sentAt,
        })),
        { onConflictDoNothing: true },
      );
      await bulkInsert(
        manager,
        `${IN_PROCESS_SCHEMA}.delivery_events`,
        events.map((event) => ({
          tenant_id: event.tenantId,
          message_id: event.messageId,
          type: event.type,
          occurred_at: event.occurredAt,
          source: event.source,
          channel: event.channel ?? null,
          provider: event.provider ?? null,
          detail: event.detail === undefined ? null : JSON.stringify(event.detail),
        })),
        { onConflictDoNothing: true },
      );
      await manager.query(
        `INSERT INTO ${IN_PROCESS_SCHEMA}.message_status (message_id, tenant_id, status, updated_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
         ON CONFLICT (message_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
        [
          sent.map(({ message }) => message.messageId),
          sent.map(() => WORKLOAD.tenantId),
          sent.map(() => 'sent'),
          sent.map(({ sentAt }) => sentAt.toISOString()),
        ],
      );
    });
  }
}

function inlineContentOf(request: SendMessageRequest): { subject: string; text?: string; html?: string } {
  if ('templateKey' in request.content) {
    throw new Error('the in-process pipeline renders inline content only; the bench sends no templates');
  }
  return request.content;
}

/** The steps analytics would keep for a sent message. */
function timelineOf({
  message,
  decidedAt,
  renderedAt,
  sentAt,
  providerMessageId,
}: SentEmail): DeliveryEvent[] {
  const step = (type: DeliveryEvent['type'], at: Date, source: string): DeliveryEvent => ({
    tenantId: WORKLOAD.tenantId,
    messageId: message.messageId,
    type,
    occurredAt: at.toISOString(),
    source,
  });
  return [
    step('accepted', message.acceptedAt, 'ingest'),
    { ...step('routed', decidedAt, 'router'), channel: 'email' },
    { ...step('rendered', renderedAt, 'template'), channel: 'email', detail: { content: 'inline' } },
    {
      ...step('sent', sentAt, 'sender-email'),
      channel: 'email',
      provider: 'ses',
      detail: { providerMessageId },
    },
  ];
}

/** Tables shaped like the services' own (ingest, router, sender-email, analytics). */
async function createTables(dataSource: DataSource): Promise<void> {
  const schema = IN_PROCESS_SCHEMA;
  await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await dataSource.query(`
    CREATE TABLE ${schema}.messages (
      message_id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      recipient jsonb NOT NULL,
      content jsonb NOT NULL,
      priority text NOT NULL,
      accepted_at timestamptz NOT NULL
    )`);
  await dataSource.query(`
    CREATE TABLE ${schema}.suppressions (
      tenant_id text NOT NULL,
      channel text NOT NULL,
      address text NOT NULL,
      reason text NOT NULL
    )`);
  await dataSource.query(
    `CREATE UNIQUE INDEX suppressions_address ON ${schema}.suppressions (tenant_id, channel, lower(address))`,
  );
  await dataSource.query(`
    CREATE TABLE ${schema}.decisions (
      message_id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      decision text NOT NULL,
      reason text,
      channel text NOT NULL,
      address text NOT NULL,
      decided_at timestamptz NOT NULL
    )`);
  await dataSource.query(`
    CREATE TABLE ${schema}.deliveries (
      message_id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      status text NOT NULL,
      provider text NOT NULL,
      provider_message_id text,
      updated_at timestamptz NOT NULL
    )`);
  await dataSource.query(`
    CREATE TABLE ${schema}.delivery_events (
      id bigserial PRIMARY KEY,
      tenant_id text NOT NULL,
      message_id uuid NOT NULL,
      type text NOT NULL,
      occurred_at timestamptz NOT NULL,
      source text NOT NULL,
      channel text,
      provider text,
      detail jsonb,
      CONSTRAINT delivery_events_once UNIQUE (message_id, type, source, occurred_at)
    )`);
  await dataSource.query(`
    CREATE TABLE ${schema}.message_status (
      message_id uuid PRIMARY KEY,
      tenant_id text NOT NULL,
      status text NOT NULL,
      updated_at timestamptz NOT NULL
    )`);
}

/** Runs at most `limit` tasks at once, the rest in arrival order. */
class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in between.
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/** The bench sends email only, and every bench message names its address inline. */
function emailAddressOf(request: SendMessageRequest): string {
  const address = request.recipient.email;
  if (address === undefined) throw new Error('a bench message without an email address');
  return address;
}
