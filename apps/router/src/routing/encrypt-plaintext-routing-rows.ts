import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { MessageAccepted, RenderRequested, ScheduledMessage } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { RoutingEncryption, type ValueOwner } from './routing-encryption';

/** Rows rewritten per statement: short enough that routing waiting on one of them barely notices. */
export const ROUTING_REWRITE_BATCH = 500;

export interface RoutingRewriteReport {
  decisions: number;
  schedules: number;
  recurringSchedules: number;
}

interface PlaintextDecisionRow {
  message_id: string;
  tenant_id: string;
  address: string | null;
  render_requests: RenderRequested[];
}

/**
 * Seals what the router stored of messages before encryption at rest came: decisions' address and
 * render requests (with the recipient their render requests name), and the messages of waiting
 * and recurring schedules, in batches at every start (in the background: reads take plaintext as
 * it is meanwhile). Plaintext decisions and schedules are found by partial indexes, so a start with
 * nothing to do costs three cheap queries. Each UPDATE changes only rows still in plaintext, so a
 * row written meanwhile, or by another replica doing the same, is left as it is.
 */
@Injectable()
export class EncryptPlaintextRoutingRows implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EncryptPlaintextRoutingRows.name);
  private readonly stopping = new AbortController();
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly routing: RoutingEncryption,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.execute(this.stopping.signal)
      .then((report) => {
        if (report.decisions + report.schedules + report.recurringSchedules > 0) {
          this.logger.log(
            `encrypted ${report.decisions} decisions, ${report.schedules} schedules and ${report.recurringSchedules} recurring schedules stored in plaintext`,
          );
        }
      })
      .catch((error: unknown) => {
        if (this.stopping.signal.aborted) return;
        // Reads keep taking plaintext, so this is not fatal; the next start tries again.
        this.logger.error(
          `encrypting plaintext routing rows stopped: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  async execute(signal?: AbortSignal): Promise<RoutingRewriteReport> {
    return {
      decisions: await this.eachBatch(signal, (after) => this.decisionBatch(after)),
      schedules: await this.eachBatch(signal, (after) => this.scheduleBatch(after)),
      recurringSchedules: await this.eachBatch(signal, (after) => this.recurringBatch(after)),
    };
  }

  // Keyset order, so that each row is visited once per run whatever happens to it meanwhile.
  private async eachBatch(
    signal: AbortSignal | undefined,
    batch: (after: string) => Promise<{ rewritten: number; last: string } | undefined>,
  ): Promise<number> {
    let rewritten = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      signal?.throwIfAborted();
      const done = await batch(after);
      if (done === undefined) return rewritten;
      rewritten += done.rewritten;
      after = done.last;
    }
  }

  private async decisionBatch(after: string) {
    const rows: PlaintextDecisionRow[] = await this.dataSource.query(
      `SELECT message_id, tenant_id, address, render_requests FROM router.decisions
       WHERE jsonb_typeof(render_requests) = 'array' AND message_id > $1
       ORDER BY message_id LIMIT $2`,
      [after, ROUTING_REWRITE_BATCH],
    );
    if (rows.length === 0) return undefined;
    // The recipient a decision was for is named by its render requests (none for a skipped one:
    // the tenant's key, and erasure finds it by its plaintext address no longer).
    const owners = rows.map((row): ValueOwner => {
      const recipientId = row.render_requests.find((request) => request.recipientId)?.recipientId;
      return recipientId === undefined
        ? { tenantId: row.tenant_id }
        : { tenantId: row.tenant_id, recipientId };
    });
    const sealed = await this.routing.sealDecisions(
      rows.map((row, index) => ({
        owner: owners[index],
        ...(row.address === null || row.address === '' ? {} : { address: row.address }),
        renderRequests: row.render_requests,
      })),
    );
    const rewritten = await this.count(
      `UPDATE router.decisions d
       SET address = sealed.address, render_requests = to_jsonb(sealed.render_requests),
           recipient_id = coalesce(d.recipient_id, sealed.recipient_id)
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS sealed(message_id, address, render_requests, recipient_id)
       WHERE d.message_id = sealed.message_id AND jsonb_typeof(d.render_requests) = 'array'`,
      [
        rows.map((row) => row.message_id),
        // Sealed with the render requests: the column keeps no address.
        sealed.map((values) => values.address),
        sealed.map((values) => values.renderRequests),
        owners.map((owner) => owner.recipientId ?? null),
      ],
    );
    return { rewritten, last: rows[rows.length - 1].message_id };
  }

  private async scheduleBatch(after: string) {
    const rows: Array<{ message_id: string; message: MessageAccepted }> = await this.dataSource.query(
      `SELECT message_id, message FROM router.schedules
       WHERE jsonb_typeof(message -> 'content') = 'object' AND message_id > $1
       ORDER BY message_id LIMIT $2`,
      [after, ROUTING_REWRITE_BATCH],
    );
    if (rows.length === 0) return undefined;
    const sealed = await this.routing.sealMessages(rows.map((row) => row.message));
    const rewritten = await this.count(
      `UPDATE router.schedules s SET message = sealed.message::jsonb
       FROM unnest($1::uuid[], $2::text[]) AS sealed(message_id, message)
       WHERE s.message_id = sealed.message_id AND jsonb_typeof(s.message -> 'content') = 'object'`,
      [rows.map((row) => row.message_id), sealed.map((message) => JSON.stringify(message))],
    );
    return { rewritten, last: rows[rows.length - 1].message_id };
  }

  private async recurringBatch(after: string) {
    const rows: Array<{ id: string; tenant_id: string; message: ScheduledMessage }> =
      await this.dataSource.query(
        `SELECT id, tenant_id, message FROM router.recurring_schedules
       WHERE jsonb_typeof(message -> 'content') = 'object' AND id > $1
       ORDER BY id LIMIT $2`,
        [after, ROUTING_REWRITE_BATCH],
      );
    if (rows.length === 0) return undefined;
    const sealed = await this.routing.sealMessagesOf(
      rows.map((row) => ({ tenantId: row.tenant_id, message: row.message })),
    );
    const rewritten = await this.count(
      `UPDATE router.recurring_schedules s SET message = sealed.message::jsonb
       FROM unnest($1::uuid[], $2::text[]) AS sealed(id, message)
       WHERE s.id = sealed.id AND jsonb_typeof(s.message -> 'content') = 'object'`,
      [rows.map((row) => row.id), sealed.map((message) => JSON.stringify(message))],
    );
    return { rewritten, last: rows[rows.length - 1].id };
  }

  // Selected from a CTE: TypeORM answers a bare UPDATE with [rows, count] instead of the rows.
  private async count(statement: string, params: unknown[]): Promise<number> {
    const [{ count }]: Array<{ count: number }> = await this.dataSource.query(
      `WITH changed AS (${statement} RETURNING 1) SELECT count(*)::int AS count FROM changed`,
      params,
    );
    return count;
  }
}
