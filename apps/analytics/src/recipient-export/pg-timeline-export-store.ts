import { Injectable } from '@nestjs/common';
import type { DeliveryEventTypeName, ExportedTimeline } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { type TimelineRow, toTimelineEntry } from '../timeline/timeline.repository';

/** The status and timeline of a page of messages, in two queries whatever the page's size. */
@Injectable()
export class PgTimelineExportStore {
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
}
