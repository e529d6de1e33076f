import { DeliveryEventTopic, type RecipientErasureRequested } from '@switchboard/contracts';
import type { ErasedRows, ErasureProgress, EventPublisher, RecipientEraser } from '@switchboard/messaging';
import type { DataSource } from 'typeorm';

/** Destroys a recipient's data key (crypto-shredding): their messages' sealed values, anywhere, stop opening. */
export interface RecipientKeyShredder {
  destroyRecipientKey(tenantId: string, recipientId: string): Promise<unknown>;
  forgetRecipient(tenantId: string, recipientId: string): void;
}

// One batch of the person's messages: one publish, one confirmation and one short DELETE.
const BATCH = 500;

/**
 * Forgets a recipient's messages in ingest (their addresses, content and data), batch by batch:
 * first records the erasure on each message's timeline (an `erased` step, without personal
 * data) and names the messages to the gateway, then deletes them. A crash between the two only
 * repeats the announcement; the timeline learns which messages lost their content, which is how
 * analytics knows what to scrub.
 */
export class EraseRecipientInIngest implements RecipientEraser {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly keys: RecipientKeyShredder,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async destroyRecipientKey({ tenantId, recipientId }: RecipientErasureRequested): Promise<'destroyed'> {
    await this.keys.destroyRecipientKey(tenantId, recipientId);
    // Another replica may have destroyed it: this one must not go on reading with a cached copy.
    this.keys.forgetRecipient(tenantId, recipientId);
    return 'destroyed';
  }

  async eraseRows(request: RecipientErasureRequested, progress: ErasureProgress): Promise<ErasedRows> {
    let erased = 0;
    for (;;) {
      const batch: Array<{ message_id: string }> = await this.dataSource.query(
        `SELECT message_id FROM ingest.messages
         WHERE tenant_id = $1 AND recipient ->> 'id' = $2
         ORDER BY message_id LIMIT ${BATCH}`,
        [request.tenantId, request.recipientId],
      );
      if (batch.length === 0) return { messages: erased };
      const messageIds = batch.map((row) => row.message_id);
      const occurredAt = this.now().toISOString();
      await this.publisher.publishMany(
        DeliveryEventTopic.topic,
        messageIds.map((messageId) => ({
          tenantId: request.tenantId,
          messageId,
          type: 'erased' as const,
          occurredAt,
          source: 'ingest',
          reason: 'recipient-erased',
          detail: { erasureId: request.erasureId },
        })),
      );
      await progress.confirmMessages(messageIds);
      const [{ deleted }]: Array<{ deleted: number }> = await this.dataSource.query(
        `WITH deleted AS (
           DELETE FROM ingest.messages WHERE tenant_id = $1 AND message_id = ANY($2::uuid[]) RETURNING 1)
         SELECT count(*)::int AS deleted FROM deleted`,
        [request.tenantId, messageIds],
      );
      erased += deleted;
    }
  }
}
