import { Injectable } from '@nestjs/common';
import type { DeadLetterView, DeliveryEventTypeName, ExportedTimeline } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { payloadView } from '../dead-letters/parked-record';
import { type TimelineRow, toTimelineEntry } from '../timeline/timeline.repository';

interface DeadLetterRow {
  id: string;
  message_id: string;
  original_topic: string;
  original_partition: number;
  original_offset: string;
  reason: string;
  attempts: number;
  payload: Buffer | null;
  parked_at: Date;
  redriven_at: Date | null;
}

/** The status, timeline and dead letters of a page of messages, in three queries whatever the page's size. */
@Injectable()
export class TimelineExportRepository {
  constructor(private readonly dataSource: DataSource) {}

  async timelinesOf(tenantId: string, messageIds: readonly string[]): Promise<ExportedTimeline[]> {
    const statuses: Array<{ message_id: string; status: DeliveryEventTypeName }> =
      await this.dataSource.query(
        `SELECT message_id, status FROM analytics.message_status
       WHERE tenant_id = $1 AND message_id = ANY($2::uuid[])`,
        [tenantId, messageIds],
      );
    if (statuses.length === 0) return [];
    const events: Array<TimelineRow & { message_id: string }> = await this.dataSource.query(
      `SELECT message_id, type, occurred_at, source, channel, provider, reason, rule, detail
       FROM analytics.delivery_events
       WHERE tenant_id = $1 AND message_id = ANY($2::uuid[])
       ORDER BY occurred_at, id`,
      [tenantId, statuses.map((row) => row.message_id)],
    );
    const timelines = new Map<string, ExportedTimeline>(
      statuses.map((row) => [
        row.message_id,
        { messageId: row.message_id, status: row.status, timeline: [] },
      ]),
    );
    for (const event of events) timelines.get(event.message_id)?.timeline.push(toTimelineEntry(event));
    return [...timelines.values()];
  }

  /** The dead letters parked for these messages, redriven or not, oldest first (dead_letters_by_message). */
  async deadLettersOf(tenantId: string, messageIds: readonly string[]): Promise<DeadLetterView[]> {
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT id, message_id, original_topic, original_partition, original_offset, reason, attempts, payload,
              parked_at, redriven_at
       FROM analytics.dead_letters
       WHERE tenant_id = $1 AND message_id = ANY($2::text[])
       ORDER BY parked_at, id`,
      [tenantId, messageIds],
    );
    return rows.map((row) => ({
      id: row.id,
      messageId: row.message_id,
      originalTopic: row.original_topic,
      originalPartition: row.original_partition,
      originalOffset: row.original_offset,
      reason: row.reason,
      attempts: row.attempts,
      payload: payloadView(row.payload),
      parkedAt: row.parked_at.toISOString(),
      redrivenAt: row.redriven_at?.toISOString() ?? null,
    }));
  }
}
