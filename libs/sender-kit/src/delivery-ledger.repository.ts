import type { SqlQuery } from '@switchboard/delivery';
import type { DeliveryDetail } from './channel-provider';
import type {
  DeliveryClaim,
  DeliveryLedger,
  DeliveryOutcome,
  DeliveryToClaim,
  FinishedDelivery,
} from './delivery-ledger';
import { SenderKitError } from './sender-kit-error';

export const DELIVERY_LEDGER_TABLE = 'deliveries';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function tableName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new SenderKitError('INVALID_OPTION', `schema must be a lower-case SQL identifier, got "${schema}"`);
  }
  return `"${schema}"."${DELIVERY_LEDGER_TABLE}"`;
}

/**
 * The ledger table, for the app's first migration. `provider_pinned`: the latest attempt may have
 * reached `provider` (timed out, or the process stopped during the call), so the next attempt must
 * go to that provider again. `lease_owner`/`lease_expires_at`: which sender is working on the row.
 */
export function deliveryLedgerTableSql(schema: string): string {
  return `CREATE TABLE ${tableName(schema)} (
  message_id uuid NOT NULL,
  channel text NOT NULL,
  tenant_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'dead-lettered')),
  provider text,
  provider_pinned boolean NOT NULL DEFAULT false,
  attempts integer NOT NULL DEFAULT 0,
  provider_message_id text,
  reason text,
  detail jsonb,
  lease_owner text,
  lease_expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, channel)
)`;
}

export function deliveryLedgerDropTableSql(schema: string): string {
  return `DROP TABLE ${tableName(schema)}`;
}

interface LedgerRow {
  message_id: string;
  status: 'sending' | 'sent' | 'failed' | 'dead-lettered';
  provider: string | null;
  provider_pinned: boolean;
  attempts: number;
  provider_message_id: string | null;
  reason: string | null;
  detail: DeliveryDetail | null;
  lease_expires_at: Date | null;
  updated_at: Date;
}

export interface DeliveryLedgerRepositoryOptions {
  /** Resolves with the statement's rows; with TypeORM `(sql, params) => dataSource.query(sql, params)`. */
  query: SqlQuery;
  /** The app's schema, holding the table of `deliveryLedgerTableSql`. */
  schema: string;
  channel: string;
}

/** Every statement works on a whole group of deliveries at once (unnest), never row by row. */
export class DeliveryLedgerRepository implements DeliveryLedger {
  private readonly table: string;
  private readonly query: SqlQuery;
  private readonly channel: string;

  constructor(options: DeliveryLedgerRepositoryOptions) {
    this.table = tableName(options.schema);
    this.query = options.query;
    this.channel = options.channel;
  }

  async claim(
    deliveries: readonly DeliveryToClaim[],
    lease: { owner: string; leaseMs: number },
  ): Promise<Map<string, DeliveryClaim>> {
    const claims = new Map<string, DeliveryClaim>();
    if (deliveries.length === 0) return claims;
    // In message order, so that two senders claiming the same rows lock them in the same order.
    const ordered = [...deliveries].sort((a, b) => a.messageId.localeCompare(b.messageId));
    const claimed = (await this.query(
      `INSERT INTO ${this.table} AS delivery
         (message_id, channel, tenant_id, status, lease_owner, lease_expires_at)
       SELECT claim.message_id, $3, claim.tenant_id, 'sending', $4, now() + $5::int * interval '1 millisecond'
       FROM unnest($1::uuid[], $2::text[]) AS claim(message_id, tenant_id)
       ON CONFLICT (message_id, channel) DO UPDATE
         SET status = 'sending', lease_owner = excluded.lease_owner,
             lease_expires_at = excluded.lease_expires_at, updated_at = now()
         WHERE delivery.status IN ('sending', 'dead-lettered')
           AND (delivery.lease_expires_at IS NULL OR delivery.lease_expires_at <= now()
                OR delivery.lease_owner = excluded.lease_owner)
       RETURNING message_id, attempts, provider, provider_pinned`,
      [
        ordered.map((delivery) => delivery.messageId),
        ordered.map((delivery) => delivery.tenantId),
        this.channel,
        lease.owner,
        Math.round(lease.leaseMs),
      ],
    )) as unknown as LedgerRow[];
    for (const row of claimed) {
      claims.set(row.message_id, {
        outcome: 'claimed',
        attempts: row.attempts,
        lastProvider: row.provider,
        pinnedProvider: row.provider_pinned ? row.provider : null,
      });
    }
    const notClaimed = ordered.filter((delivery) => !claims.has(delivery.messageId));
    if (notClaimed.length === 0) return claims;
    const rows = (await this.query(
      `SELECT message_id, status, provider, provider_message_id, reason, detail, lease_expires_at, updated_at
       FROM ${this.table} WHERE channel = $2 AND message_id = ANY($1::uuid[])`,
      [notClaimed.map((delivery) => delivery.messageId), this.channel],
    )) as unknown as LedgerRow[];
    for (const row of rows) {
      const finished = finishedDelivery(row);
      // A lease that ran out between the two statements: look again shortly.
      claims.set(
        row.message_id,
        finished
          ? { outcome: 'finished', delivery: finished }
          : { outcome: 'busy', until: row.lease_expires_at ?? new Date() },
      );
    }
    const unexplained = notClaimed.find((delivery) => !claims.has(delivery.messageId));
    if (unexplained) {
      throw new SenderKitError(
        'LEDGER_INCONSISTENT',
        `delivery of message ${unexplained.messageId} was neither claimed nor found`,
      );
    }
    return claims;
  }

  // A SELECT around the UPDATE: some drivers (TypeORM) answer a bare UPDATE with [rows, count].
  async recordAttempts(
    attempts: ReadonlyArray<{ messageId: string; provider: string }>,
    lease: { owner: string; leaseMs: number },
  ): Promise<Set<string>> {
    if (attempts.length === 0) return new Set();
    const rows = (await this.query(
      `WITH attempted AS (
       UPDATE ${this.table} AS delivery
       SET provider = attempt.provider, provider_pinned = true, attempts = delivery.attempts + 1,
           lease_expires_at = now() + $5::int * interval '1 millisecond', updated_at = now()
       FROM unnest($1::uuid[], $2::text[]) AS attempt(message_id, provider)
       WHERE delivery.message_id = attempt.message_id AND delivery.channel = $3
         AND delivery.lease_owner = $4 AND delivery.status = 'sending'
       RETURNING delivery.message_id)
       SELECT message_id FROM attempted`,
      [
        attempts.map((attempt) => attempt.messageId),
        attempts.map((attempt) => attempt.provider),
        this.channel,
        lease.owner,
        Math.round(lease.leaseMs),
      ],
    )) as unknown as Array<{ message_id: string }>;
    return new Set(rows.map((row) => row.message_id));
  }

  async recordOutcomes(outcomes: readonly DeliveryOutcome[], owner: string): Promise<void> {
    if (outcomes.length === 0) return;
    const column = <T>(pick: (outcome: DeliveryOutcome) => T) => outcomes.map(pick);
    await this.query(
      `UPDATE ${this.table} AS delivery
       SET status = outcome.status, provider = COALESCE(outcome.provider, delivery.provider),
           provider_pinned = outcome.pinned, provider_message_id = outcome.provider_message_id,
           reason = outcome.reason, detail = COALESCE(outcome.detail::jsonb, delivery.detail),
           lease_owner = NULL, lease_expires_at = NULL, updated_at = outcome.at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
         AS outcome(message_id, status, provider, pinned, provider_message_id, reason, detail, at)
       WHERE delivery.message_id = outcome.message_id AND delivery.channel = $9 AND delivery.lease_owner = $10`,
      [
        column((outcome) => outcome.messageId),
        column((outcome) => outcome.status),
        column((outcome) =>
          outcome.status === 'sent' || outcome.status === 'failed'
            ? outcome.provider
            : outcome.pinnedProvider,
        ),
        column((outcome) =>
          outcome.status === 'sending' || outcome.status === 'dead-lettered'
            ? outcome.pinnedProvider !== null
            : false,
        ),
        column((outcome) => (outcome.status === 'sent' ? outcome.providerMessageId : null)),
        column((outcome) => (outcome.status === 'sent' ? null : outcome.reason)),
        column((outcome) => (outcome.status === 'sent' ? JSON.stringify(outcome.detail) : null)),
        column((outcome) => ('finishedAt' in outcome ? outcome.finishedAt : outcome.at).toISOString()),
        this.channel,
        owner,
      ],
    );
  }
}

function finishedDelivery(row: LedgerRow): FinishedDelivery | undefined {
  if (row.status === 'sent') {
    return {
      status: 'sent',
      provider: row.provider ?? '',
      providerMessageId: row.provider_message_id ?? '',
      detail: row.detail ?? {},
      finishedAt: row.updated_at,
    };
  }
  if (row.status === 'failed') {
    return { status: 'failed', provider: row.provider, reason: row.reason ?? '', finishedAt: row.updated_at };
  }
  return undefined;
}
