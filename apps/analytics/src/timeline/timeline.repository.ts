import { Injectable } from '@nestjs/common';
import type { DeliveryEventTypeName, MessageTimelineEntry } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import type { DeliveryEventBatch } from './record-delivery-events.usecase';

export interface StoredMessage {
  status: DeliveryEventTypeName;
  timeline: MessageTimelineEntry[];
}

export interface TimelineRow {
  type: DeliveryEventTypeName;
  occurred_at: Date;
  source: string;
  channel: MessageTimelineEntry['channel'] | null;
  provider: string | null;
  reason: string | null;
  rule: string | null;
  detail: MessageTimelineEntry['detail'] | null;
}

@Injectable()
export class TimelineRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends a batch of events and, in the same statement (atomic on its own, so no transaction and no
   * extra round trips for BEGIN and COMMIT), moves each message's status forward, counts the events
   * the insert added (a redelivered event adds none, so it is counted once) and the router's
   * decisions among them by outcome and rule, moves the count of
   * messages per status, and stores the latest circuit state of each provider the batch reports.
   */
  async record(batch: DeliveryEventBatch): Promise<void> {
    const { events, partition } = batch;
    if (events.length === 0) return;
    // Rows in key order, so concurrent batches lock shared rows in the same order.
    const orderedUpdates = [...batch.statusUpdates].sort((a, b) => a.messageId.localeCompare(b.messageId));
    const orderedCircuits = [...batch.circuitChanges].sort(
      (a, b) => a.channel.localeCompare(b.channel) || a.provider.localeCompare(b.provider),
    );
    // The status upsert mirrors `supersedes`: a later stage wins; within a stage, the later event; and
    // an update that starts a new round (a reroute) wins whatever the stored rank. The statuses it
    // replaced are read from the statement's snapshot, which its own writes do not change; no other
    // batch writes these messages at the same time, since a message's events share a partition.
    await this.dataSource.query(
      `WITH stored_events AS (
         INSERT INTO analytics.delivery_events
           (tenant_id, message_id, type, occurred_at, source, channel, provider, reason, detail, rule)
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[],
                              $7::text[], $8::text[], $9::jsonb[], $21::text[])
         ON CONFLICT DO NOTHING
         RETURNING message_id, occurred_at, channel, provider, type, source, rule
       ),
       counted_decisions AS (
         INSERT INTO analytics.decision_counts AS counts (shard, decision, rule, decisions)
         SELECT $16::integer, type, coalesce(rule, ''), count(*)
         FROM stored_events
         WHERE source = 'router' AND type IN ('routed', 'skipped', 'deferred', 'cancelled')
         GROUP BY type, coalesce(rule, '')
         ORDER BY 2, 3
         ON CONFLICT (decision, rule, shard) DO UPDATE SET decisions = counts.decisions + excluded.decisions
       ),
       counted_events AS (
         INSERT INTO analytics.delivery_event_counts AS counts (shard, channel, provider, type, events)
         SELECT $16::integer, coalesce(channel, ''), coalesce(provider, ''), type, count(*)
         FROM stored_events
         GROUP BY coalesce(channel, ''), coalesce(provider, ''), type
         ORDER BY 2, 3, 4
         ON CONFLICT (channel, provider, type, shard) DO UPDATE SET events = counts.events + excluded.events
       ),
       changed_circuits AS (
         INSERT INTO analytics.provider_circuits AS circuits (channel, provider, state, changed_at)
         SELECT * FROM unnest($17::text[], $18::text[], $19::text[], $20::timestamptz[])
         ON CONFLICT (channel, provider) DO UPDATE
           SET state = excluded.state, changed_at = excluded.changed_at
           WHERE excluded.changed_at >= circuits.changed_at
       ),
       previous_statuses AS (
         SELECT message_id, status FROM analytics.message_status WHERE message_id = ANY($10::uuid[])
       ),
       changed_statuses AS (
         INSERT INTO analytics.message_status AS existing (message_id, tenant_id, status, status_rank, updated_at)
         SELECT * FROM unnest($10::uuid[], $11::text[], $12::text[], $13::smallint[], $14::timestamptz[])
           AS candidate (message_id, tenant_id, status, status_rank, updated_at)
         -- Only an event stored now moves the status: a batch delivered again (after a rebalance)
         -- must not put back a status that a later round, such as a reroute, has since replaced.
         WHERE EXISTS (
           SELECT 1 FROM stored_events AS stored
           WHERE stored.message_id = candidate.message_id
             AND stored.type = candidate.status
             AND date_trunc('milliseconds', stored.occurred_at) = candidate.updated_at
         )
         ON CONFLICT (message_id) DO UPDATE
           SET status = excluded.status, status_rank = excluded.status_rank, updated_at = excluded.updated_at
           WHERE excluded.message_id = ANY($15::uuid[])
              OR excluded.status_rank > existing.status_rank
              OR (excluded.status_rank = existing.status_rank AND excluded.updated_at > existing.updated_at)
         RETURNING message_id, status
       ),
       status_moves AS (
         SELECT status, 1 AS messages FROM changed_statuses
         UNION ALL
         SELECT previous.status, -1 FROM changed_statuses JOIN previous_statuses AS previous USING (message_id)
       )
       INSERT INTO analytics.message_status_counts AS counts (shard, status, messages)
       SELECT $16::integer, status, sum(messages) FROM status_moves
       GROUP BY status
       HAVING sum(messages) <> 0
       ORDER BY status
       ON CONFLICT (status, shard) DO UPDATE SET messages = counts.messages + excluded.messages`,
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
        partition,
        orderedCircuits.map((change) => change.channel),
        orderedCircuits.map((change) => change.provider),
        orderedCircuits.map((change) => change.state),
        orderedCircuits.map((change) => change.changedAt.toISOString()),
        events.map((event) => event.rule ?? null),
      ],
    );
  }

  /**
   * The message's status and timeline, or undefined when the tenant has no such message. One
   * statement, so one snapshot: read apart, a batch stored between the two reads could show a
   * timeline whose last step the status does not yet reflect.
   */
  async findMessage(tenantId: string, messageId: string): Promise<StoredMessage | undefined> {
    const rows: Array<{ status: DeliveryEventTypeName } & (TimelineRow | NoTimelineRow)> =
      await this.dataSource.query(
        `SELECT status.status, event.type, event.occurred_at, event.source, event.channel, event.provider,
                event.reason, event.rule, event.detail
         FROM analytics.message_status AS status
         LEFT JOIN analytics.delivery_events AS event
           ON event.message_id = status.message_id AND event.tenant_id = status.tenant_id
         WHERE status.message_id = $1 AND status.tenant_id = $2
         ORDER BY event.occurred_at, event.id`,
        [messageId, tenantId],
      );
    if (rows.length === 0) return undefined;
    const timeline = rows.filter(
      (row): row is { status: DeliveryEventTypeName } & TimelineRow => row.type !== null,
    );
    return { status: rows[0].status, timeline: timeline.map(toTimelineEntry) };
  }
}

/** The columns of a message with no stored event, as the LEFT JOIN gives them. */
interface NoTimelineRow {
  type: null;
}

export function toTimelineEntry(row: TimelineRow): MessageTimelineEntry {
  return {
    type: row.type,
    occurredAt: row.occurred_at.toISOString(),
    source: row.source,
    ...(row.channel === null ? {} : { channel: row.channel }),
    ...(row.provider === null ? {} : { provider: row.provider }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.rule === null ? {} : { rule: row.rule }),
    ...(row.detail === null ? {} : { detail: row.detail }),
  };
}
