import { Injectable } from '@nestjs/common';
import type { DeliveryEvent, DeliveryEventTypeName, MessageTimelineEntry } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import type { MessageStatusUpdate } from './message-status-updates';

export interface StoredMessage {
  status: DeliveryEventTypeName;
  timeline: MessageTimelineEntry[];
}

interface TimelineRow {
  type: DeliveryEventTypeName;
  occurred_at: Date;
  source: string;
  channel: MessageTimelineEntry['channel'] | null;
  provider: string | null;
  reason: string | null;
  detail: MessageTimelineEntry['detail'] | null;
}

@Injectable()
export class TimelineRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends a batch of events and moves each message's status forward in one statement (atomic on
   * its own, so no transaction and no extra round trips for BEGIN and COMMIT).
   */
  async record(
    events: readonly DeliveryEvent[],
    statusUpdates: readonly MessageStatusUpdate[],
  ): Promise<void> {
    if (events.length === 0) return;
    // Rows in message order, so concurrent batches lock shared rows in the same order.
    const orderedUpdates = [...statusUpdates].sort((a, b) => a.messageId.localeCompare(b.messageId));
    // The upsert mirrors `supersedes`: a later stage wins; within a stage, the later event; and an
    // update that starts a new round (a reroute) wins whatever the stored rank.
    await this.dataSource.query(
      `WITH stored_events AS (
         INSERT INTO analytics.delivery_events
           (tenant_id, message_id, type, occurred_at, source, channel, provider, reason, detail)
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[],
                              $7::text[], $8::text[], $9::jsonb[])
         ON CONFLICT DO NOTHING
       )
       INSERT INTO analytics.message_status AS existing (message_id, tenant_id, status, status_rank, updated_at)
       SELECT * FROM unnest($10::uuid[], $11::text[], $12::text[], $13::smallint[], $14::timestamptz[])
       ON CONFLICT (message_id) DO UPDATE
         SET status = excluded.status, status_rank = excluded.status_rank, updated_at = excluded.updated_at
         WHERE excluded.message_id = ANY($15::uuid[])
            OR excluded.status_rank > existing.status_rank
            OR (excluded.status_rank = existing.status_rank AND excluded.updated_at > existing.updated_at)`,
      [
        events.map((event) => event.tenantId),
        events.map((event) => event.messageId),
        events.map((event) => event.type),
        events.map((event) => event.occurredAt),
        events.map((event) => event.source),
        events.map((event) => event.channel ?? null),
        events.map((event) => event.provider ?? null),
        events.map((event) => event.reason ?? null),
        events.map((event) => (event.detail === undefined ? null : JSON.stringify(event.detail))),
        orderedUpdates.map((update) => update.messageId),
        orderedUpdates.map((update) => update.tenantId),
        orderedUpdates.map((update) => update.status),
        orderedUpdates.map((update) => update.statusRank),
        orderedUpdates.map((update) => update.updatedAt.toISOString()),
        orderedUpdates.filter((update) => update.startsNewRound).map((update) => update.messageId),
      ],
    );
  }

  /** The message's status and timeline, or undefined when the tenant has no such message. */
  async findMessage(tenantId: string, messageId: string): Promise<StoredMessage | undefined> {
    const statuses: Array<{ status: DeliveryEventTypeName }> = await this.dataSource.query(
      `SELECT status FROM analytics.message_status WHERE message_id = $1 AND tenant_id = $2`,
      [messageId, tenantId],
    );
    if (statuses.length === 0) return undefined;
    const rows: TimelineRow[] = await this.dataSource.query(
      `SELECT type, occurred_at, source, channel, provider, reason, detail
       FROM analytics.delivery_events
       WHERE message_id = $1 AND tenant_id = $2
       ORDER BY occurred_at, id`,
      [messageId, tenantId],
    );
    return { status: statuses[0].status, timeline: rows.map(toTimelineEntry) };
  }
}

function toTimelineEntry(row: TimelineRow): MessageTimelineEntry {
  return {
    type: row.type,
    occurredAt: row.occurred_at.toISOString(),
    source: row.source,
    ...(row.channel === null ? {} : { channel: row.channel }),
    ...(row.provider === null ? {} : { provider: row.provider }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.detail === null ? {} : { detail: row.detail }),
  };
}
