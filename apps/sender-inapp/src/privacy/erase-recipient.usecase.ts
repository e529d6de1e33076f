import type { RecipientErasureRequested } from '@switchboard/contracts';
import type { ErasedRows, RecipientEraser } from '@switchboard/messaging';
import type { DataSource } from 'typeorm';
import type { InboxItemEncryption } from '../inbox/inbox-item-encryption';

// Short DELETEs: an inbox can hold thousands of items, and readers of other inboxes keep going.
const BATCH = 1000;

/**
 * Forgets a recipient in the in-app sender: every item of their inbox (titles, bodies, data), then
 * their data key, so that copies of those items elsewhere (backups) are unreadable too.
 */
export class EraseRecipientInInbox implements RecipientEraser {
  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: Pick<InboxItemEncryption, 'destroyRecipientKey'>,
  ) {}

  async destroyRecipientKey({ tenantId, recipientId }: RecipientErasureRequested): Promise<'destroyed'> {
    // Idempotent: a redelivered erasure finds the key gone (or never made) and destroys nothing more.
    await this.encryption.destroyRecipientKey(tenantId, recipientId);
    return 'destroyed';
  }

  async eraseRows({ tenantId, recipientId }: RecipientErasureRequested): Promise<ErasedRows> {
    let deleted = 0;
    for (;;) {
      const [{ count }]: Array<{ count: number }> = await this.dataSource.query(
        `WITH doomed AS (
           SELECT ctid FROM sender_inapp.inbox_items WHERE tenant_id = $1 AND recipient_id = $2 LIMIT ${BATCH}
         ), deleted AS (
           DELETE FROM sender_inapp.inbox_items WHERE ctid IN (SELECT ctid FROM doomed) RETURNING 1
         )
         SELECT count(*)::int AS count FROM deleted`,
        [tenantId, recipientId],
      );
      deleted += count;
      if (count < BATCH) return { inbox_items: deleted };
    }
  }
}
