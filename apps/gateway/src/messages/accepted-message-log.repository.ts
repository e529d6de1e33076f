import { isInfrastructureFault, withDeadline } from '@switchboard/faults';
import { bulkInsert } from '@switchboard/persistence';
import type { DataSource } from 'typeorm';
import { GatewayError } from '../gateway-error';
import { type AcceptedMessage, AcceptedMessageLog } from './message-ports';

export class AcceptedMessageLogRepository extends AcceptedMessageLog {
  constructor(
    private readonly dataSource: DataSource,
    /** A database that does not answer must not hold the caller: it hears 503 instead. */
    private readonly timeoutMs: number,
  ) {
    super();
  }

  // One statement for a whole batch; a repeated id (never expected) is skipped rather than failing it.
  async record(messages: AcceptedMessage[]): Promise<void> {
    const insert = bulkInsert(
      this.dataSource,
      'gateway.accepted_messages',
      messages.map((message) => ({
        message_id: message.messageId,
        tenant_id: message.tenantId,
        accepted_at: message.acceptedAt,
      })),
      { onConflictDoNothing: ['message_id'] },
    );
    try {
      await withDeadline(insert, this.timeoutMs, 'the database');
    } catch (error) {
      if (!isInfrastructureFault(error)) throw error;
      throw new GatewayError(
        'SERVICE_UNAVAILABLE',
        'messages cannot be accepted right now: the database is unavailable; retry later',
      );
    }
  }

  async find(tenantId: string, messageId: string): Promise<AcceptedMessage | undefined> {
    const rows: Array<{ accepted_at: Date }> = await this.dataSource.query(
      `SELECT accepted_at FROM gateway.accepted_messages WHERE message_id = $1 AND tenant_id = $2`,
      [messageId, tenantId],
    );
    return rows[0] && { messageId, tenantId, acceptedAt: new Date(rows[0].accepted_at) };
  }

  /** Deletes records accepted before `cutoff`; analytics answers for them by then. */
  async purgeAcceptedBefore(cutoff: Date): Promise<number> {
    const rows: Array<{ purged: number }> = await this.dataSource.query(
      `WITH purged AS (DELETE FROM gateway.accepted_messages WHERE accepted_at < $1 RETURNING 1)
       SELECT count(*)::int AS purged FROM purged`,
      [cutoff],
    );
    return rows[0]?.purged ?? 0;
  }
}
