import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DeliveryClaim, DeliveryLedger } from './delivery-ledger';
import type { DeliveryStatus } from './delivery.entity';

interface FinishedRow {
  status: DeliveryStatus;
  provider_message_id: string | null;
  reason: string | null;
  updated_at: Date;
}

@Injectable()
export class PostgresDeliveryLedger implements DeliveryLedger {
  constructor(private readonly dataSource: DataSource) {}

  async claim(delivery: { messageId: string; tenantId: string; provider: string }): Promise<DeliveryClaim> {
    // One statement: a new row, or another attempt at one still 'sending'. A finished row is left
    // alone and the statement returns nothing.
    const claimed: Array<{ attempts: number }> = await this.dataSource.query(
      `INSERT INTO sender_email.deliveries AS delivery (message_id, tenant_id, status, provider, attempts, updated_at)
       VALUES ($1, $2, 'sending', $3, 1, now())
       ON CONFLICT (message_id) DO UPDATE SET attempts = delivery.attempts + 1, updated_at = now()
         WHERE delivery.status = 'sending'
       RETURNING attempts`,
      [delivery.messageId, delivery.tenantId, delivery.provider],
    );
    if (claimed.length > 0) return { claimed: true, attempt: claimed[0].attempts };
    const [finished]: FinishedRow[] = await this.dataSource.query(
      `SELECT status, provider_message_id, reason, updated_at FROM sender_email.deliveries WHERE message_id = $1`,
      [delivery.messageId],
    );
    if (finished?.status === 'sent') {
      return {
        claimed: false,
        status: 'sent',
        providerMessageId: finished.provider_message_id ?? '',
        finishedAt: finished.updated_at,
      };
    }
    if (finished?.status === 'failed') {
      return {
        claimed: false,
        status: 'failed',
        reason: finished.reason ?? '',
        finishedAt: finished.updated_at,
      };
    }
    throw new Error(`delivery of message ${delivery.messageId} is neither claimable nor finished`);
  }

  async markSent(messageId: string, providerMessageId: string, sentAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE sender_email.deliveries SET status = 'sent', provider_message_id = $2, updated_at = $3
       WHERE message_id = $1`,
      [messageId, providerMessageId, sentAt.toISOString()],
    );
  }

  async markFailed(messageId: string, reason: string, failedAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE sender_email.deliveries SET status = 'failed', reason = $2, updated_at = $3 WHERE message_id = $1`,
      [messageId, reason, failedAt.toISOString()],
    );
  }
}
