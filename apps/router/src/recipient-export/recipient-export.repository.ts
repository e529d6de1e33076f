import { Inject, Injectable } from '@nestjs/common';
import type {
  ChannelName,
  ExportedRecurringSchedule,
  ExportedRouting,
  SuppressionSourceName,
  SuppressionView,
} from '@switchboard/contracts';
import { ENCRYPTION, type Encryption, isEncrypted } from '@switchboard/encryption';
import { DataSource } from 'typeorm';
import { suppressedAddressIndex } from '../privacy/address-index';
import { RoutingEncryption } from '../routing/routing-encryption';
import { SUPPRESSION_ADDRESS_FIELD } from '../suppressions/suppression.repository';

interface SuppressionRow {
  channel: ChannelName;
  address: string;
  reason: string;
  category: string | null;
  source: SuppressionSourceName;
  created_at: Date;
}

interface RecurringScheduleRow {
  id: string;
  name: string | null;
  cron: string;
  time_zone: string;
  message: Record<string, unknown>;
  status: string;
  created_at: Date;
  updated_at: Date;
}

interface RoutingRow {
  message_id: string;
  decision: string | null;
  rule: string | null;
  reason: string | null;
  channel: string | null;
  /** Sealed, or plaintext in rows written before encryption. */
  address: string | null;
  /** Sealed with the address (or the plaintext array of a row written before). */
  render_requests: unknown;
  recipient_id: string | null;
  decided_at: Date | null;
  due_at: Date | null;
  released_at: Date | null;
  cancelled_at: Date | null;
}

/** The router's rows about one person, read for an export; every query is tenant-scoped. */
@Injectable()
export class RecipientExportRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ENCRYPTION) private readonly encryption: Pick<Encryption, 'encryptor' | 'blindIndex'>,
    private readonly routing: RoutingEncryption,
  ) {}

  /**
   * Suppressions are kept by address: those of any of the person's addresses, found by the blind
   * index of each on every channel (or, in rows not yet rewritten, by the plaintext whatever the case).
   */
  async suppressionsOf(tenantId: string, addresses: readonly string[]): Promise<SuppressionView[]> {
    if (addresses.length === 0) return [];
    const indexes = addresses.flatMap((address) =>
      (['email', 'sms', 'push', 'inapp'] as const).map((channel) =>
        suppressedAddressIndex(this.encryption.blindIndex, { tenantId, channel, address }),
      ),
    );
    const rows: SuppressionRow[] = await this.dataSource.query(
      `SELECT channel, address, reason, category, source, created_at
       FROM router.suppressions
       WHERE tenant_id = $1
         AND (address_index = ANY($2::text[]) OR (address_index IS NULL AND lower(address) = ANY($3::text[])))
       ORDER BY id`,
      [tenantId, indexes, addresses.map((address) => address.toLowerCase())],
    );
    const opened = await this.encryption.encryptor.decryptMany(
      rows
        .filter((row) => isEncrypted(row.address))
        .map((row) => ({ ciphertext: row.address, context: { tenantId, field: SUPPRESSION_ADDRESS_FIELD } })),
    );
    let next = 0;
    return rows.map((row) => {
      let address = row.address;
      if (isEncrypted(address)) {
        const result = opened[next++];
        // Unreadable (the tenant's key is gone): the suppression is still theirs, its address not shown.
        address = result.ok ? String(result.value) : '';
      }
      return {
        channel: row.channel,
        address,
        reason: row.reason,
        category: row.category,
        source: row.source,
        createdAt: row.created_at.toISOString(),
      };
    });
  }

  async recurringSchedulesOf(tenantId: string, recipientId: string): Promise<ExportedRecurringSchedule[]> {
    const rows: RecurringScheduleRow[] = await this.dataSource.query(
      `SELECT id, name, cron, time_zone, message, status, created_at, updated_at
       FROM router.recurring_schedules
       WHERE tenant_id = $1 AND message -> 'recipient' ->> 'id' = $2
       ORDER BY created_at, id`,
      [tenantId, recipientId],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      cron: row.cron,
      timeZone: row.time_zone,
      message: row.message,
      status: row.status,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    }));
  }

  /** The decision, deferral and cancellation of each message the router knows among `messageIds`. */
  async routingOf(tenantId: string, messageIds: readonly string[]): Promise<ExportedRouting[]> {
    const rows: RoutingRow[] = await this.dataSource.query(
      `SELECT ids.message_id, d.decision, d.rule, d.reason, d.channel, d.address, d.render_requests, d.recipient_id, d.decided_at,
              s.due_at, s.released_at, c.cancelled_at
       FROM unnest($2::uuid[]) AS ids(message_id)
       LEFT JOIN router.decisions d ON d.message_id = ids.message_id AND d.tenant_id = $1
       LEFT JOIN router.schedules s ON s.message_id = ids.message_id AND s.tenant_id = $1
       LEFT JOIN router.cancellations c ON c.message_id = ids.message_id AND c.tenant_id = $1
       WHERE d.message_id IS NOT NULL OR s.message_id IS NOT NULL OR c.message_id IS NOT NULL`,
      [tenantId, messageIds],
    );
    // The address is sealed with the render requests (which are not part of the export). One key
    // lookup for all.
    const opened = await this.routing.openDecisions(
      rows.map((row) => ({
        owner: row.recipient_id === null ? { tenantId } : { tenantId, recipientId: row.recipient_id },
        address: row.address,
        renderRequests: row.render_requests,
      })),
    );
    return rows.map((row, index) => ({
      messageId: row.message_id,
      decision:
        row.decision === null || row.decided_at === null
          ? null
          : {
              decision: row.decision,
              rule: row.rule,
              reason: row.reason,
              channel: row.channel,
              address: opened[index].address,
              decidedAt: row.decided_at.toISOString(),
            },
      deferredUntil: row.due_at?.toISOString() ?? null,
      releasedAt: row.released_at?.toISOString() ?? null,
      cancelledAt: row.cancelled_at?.toISOString() ?? null,
    }));
  }
}
