import { RecipientErasureConfirmedTopic, type DeliveryEvent } from '@switchboard/contracts';
import type { EventPublisher } from '@switchboard/messaging';
import type { DataSource } from 'typeorm';

/** What was scrubbed for one erasure: its messages, and rows by table. */
export interface ScrubbedErasure {
  erasureId: string;
  tenantId: string;
  messageIds: string[];
  rows: Record<string, number>;
}

// A reason that is a code (`quiet-hours`, `hard-bounce`) is a fact; free text may quote an address.
const CODE_REASON = '^[A-Za-z0-9._:-]{1,64}$';

/**
 * Drops the personal fields of the messages ingest erased (each announced by an `erased` step):
 * the details of their timeline steps and free-text reasons, and their parked dead letters, whose
 * payloads hold the whole message. The steps themselves stay (type, time, channel, provider), so
 * delivery rates still add up. Then confirms the messages to the gateway.
 */
export class ScrubErasedHistory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
  ) {}

  async execute(events: readonly DeliveryEvent[]): Promise<ScrubbedErasure[]> {
    const erasures = new Map<string, ScrubbedErasure>();
    for (const event of events) {
      const erasureId = event.detail?.erasureId;
      if (event.type !== 'erased' || typeof erasureId !== 'string') continue;
      const key = `${event.tenantId}/${erasureId}`;
      const erasure = erasures.get(key) ?? { erasureId, tenantId: event.tenantId, messageIds: [], rows: {} };
      erasure.messageIds.push(event.messageId);
      erasures.set(key, erasure);
    }
    for (const erasure of erasures.values()) {
      await this.scrub(erasure);
      await this.publisher.publish(RecipientErasureConfirmedTopic.topic, {
        erasureId: erasure.erasureId,
        tenantId: erasure.tenantId,
        service: 'analytics',
        confirmedAt: new Date().toISOString(),
        messageIds: erasure.messageIds,
        complete: true,
        rows: erasure.rows,
      });
    }
    return [...erasures.values()];
  }

  private async scrub(erasure: ScrubbedErasure): Promise<void> {
    const params = [erasure.tenantId, erasure.messageIds];
    const [{ count: events }]: Array<{ count: number }> = await this.dataSource.query(
      `WITH scrubbed AS (
         UPDATE analytics.delivery_events
         SET detail = NULL, reason = CASE WHEN reason ~ '${CODE_REASON}' THEN reason END
         WHERE tenant_id = $1 AND message_id = ANY($2::uuid[]) AND type <> 'erased'
           AND (detail IS NOT NULL OR reason !~ '${CODE_REASON}')
         RETURNING 1)
       SELECT count(*)::int AS count FROM scrubbed`,
      params,
    );
    const [{ count: deadLetters }]: Array<{ count: number }> = await this.dataSource.query(
      `WITH deleted AS (
         DELETE FROM analytics.dead_letters
         WHERE (tenant_id = $1 OR tenant_id IS NULL) AND message_id = ANY($2::text[])
         RETURNING 1)
       SELECT count(*)::int AS count FROM deleted`,
      params,
    );
    erasure.rows = { delivery_events: events, dead_letters: deadLetters };
  }
}
