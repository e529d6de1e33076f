import type { DataSource } from 'typeorm';
import { ReceivedSnsMessages } from './receipt-ports';

export class ReceivedSnsMessageRepository extends ReceivedSnsMessages {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async isNew(messageId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM gateway.received_sns_messages WHERE message_id = $1`,
      [messageId],
    );
    return rows.length === 0;
  }

  async remember(messageId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO gateway.received_sns_messages (message_id) VALUES ($1) ON CONFLICT (message_id) DO NOTHING`,
      [messageId],
    );
  }

  /** Deletes ids remembered before `cutoff`; SNS no longer delivers (and the verifier refuses) older messages. */
  async purgeReceivedBefore(cutoff: Date): Promise<number> {
    const rows: Array<{ purged: number }> = await this.dataSource.query(
      `WITH purged AS (DELETE FROM gateway.received_sns_messages WHERE created_at < $1 RETURNING 1)
       SELECT count(*)::int AS purged FROM purged`,
      [cutoff],
    );
    return rows[0]?.purged ?? 0;
  }
}
