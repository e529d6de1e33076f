import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SentEmail, SentEmailLookup } from '../receipts/record-email-receipts.usecase';
import type { DeliveryClaim, DeliveryLedger, DeliveryToClaim, FinishedDelivery } from './delivery-ledger';
import type { DeliveryStatus } from './delivery.entity';

interface FinishedRow {
  message_id: string;
  status: DeliveryStatus;
  provider_message_id: string | null;
  reason: string | null;
  updated_at: Date;
}

@Injectable()
export class PostgresDeliveryLedger implements DeliveryLedger, SentEmailLookup {
  constructor(private readonly dataSource: DataSource) {}

  async claimAll(deliveries: readonly DeliveryToClaim[]): Promise<Map<string, DeliveryClaim>> {
    const claims = new Map<string, DeliveryClaim>();
    if (deliveries.length === 0) return claims;
    // Rows in message order, so that batches claiming the same messages lock them in the same order.
    const ordered = [...deliveries].sort((a, b) => a.messageId.localeCompare(b.messageId));
    // One statement: new rows, or another attempt at rows still 'sending'. Finished rows are left
    // alone and not returned.
    const claimed: Array<{ message_id: string; attempts: number }> = await this.dataSource.query(
      `INSERT INTO sender_email.deliveries AS delivery (message_id, tenant_id, status, provider, attempts, updated_at)
       SELECT claim.message_id, claim.tenant_id, 'sending', claim.provider, 1, now()
       FROM unnest($1::uuid[], $2::text[], $3::text[]) AS claim(message_id, tenant_id, provider)
       ON CONFLICT (message_id) DO UPDATE SET attempts = delivery.attempts + 1, updated_at = now()
         WHERE delivery.status = 'sending'
       RETURNING message_id, attempts`,
      [
        ordered.map((delivery) => delivery.messageId),
        ordered.map((delivery) => delivery.tenantId),
        ordered.map((delivery) => delivery.provider),
      ],
    );
    for (const row of claimed) claims.set(row.message_id, { claimed: true, attempt: row.attempts });
    const notClaimed = ordered.filter((delivery) => !claims.has(delivery.messageId));
    if (notClaimed.length === 0) return claims;
    const finished: FinishedRow[] = await this.dataSource.query(
      `SELECT message_id, status, provider_message_id, reason, updated_at FROM sender_email.deliveries
       WHERE message_id = ANY($1::uuid[])`,
      [notClaimed.map((delivery) => delivery.messageId)],
    );
    for (const row of finished) {
      if (row.status === 'sent') {
        claims.set(row.message_id, {
          claimed: false,
          status: 'sent',
          providerMessageId: row.provider_message_id ?? '',
          finishedAt: row.updated_at,
        });
      } else if (row.status === 'failed') {
        claims.set(row.message_id, {
          claimed: false,
          status: 'failed',
          reason: row.reason ?? '',
          finishedAt: row.updated_at,
        });
      }
    }
    const unexplained = notClaimed.find((delivery) => !claims.has(delivery.messageId));
    if (unexplained) {
      throw new Error(`delivery of message ${unexplained.messageId} is neither claimable nor finished`);
    }
    return claims;
  }

  async markFinished(deliveries: ReadonlyArray<{ messageId: string } & FinishedDelivery>): Promise<void> {
    if (deliveries.length === 0) return;
    await this.dataSource.query(
      `UPDATE sender_email.deliveries AS delivery
       SET status = finished.status, provider_message_id = finished.provider_message_id,
           reason = finished.reason, updated_at = finished.finished_at
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
         AS finished(message_id, status, provider_message_id, reason, finished_at)
       WHERE delivery.message_id = finished.message_id`,
      [
        deliveries.map((delivery) => delivery.messageId),
        deliveries.map((delivery) => delivery.status),
        deliveries.map((delivery) => (delivery.status === 'sent' ? delivery.providerMessageId : null)),
        deliveries.map((delivery) => (delivery.status === 'failed' ? delivery.reason : null)),
        deliveries.map((delivery) => delivery.finishedAt.toISOString()),
      ],
    );
  }

  async findByProviderMessageIds(providerMessageIds: readonly string[]): Promise<Map<string, SentEmail>> {
    const found = new Map<string, SentEmail>();
    if (providerMessageIds.length === 0) return found;
    const rows: Array<{
      provider_message_id: string;
      tenant_id: string;
      message_id: string;
      provider: string;
    }> = await this.dataSource.query(
      `SELECT provider_message_id, tenant_id, message_id, provider FROM sender_email.deliveries
         WHERE provider_message_id = ANY($1::text[])`,
      [providerMessageIds],
    );
    for (const row of rows) {
      found.set(row.provider_message_id, {
        tenantId: row.tenant_id,
        messageId: row.message_id,
        provider: row.provider,
      });
    }
    return found;
  }
}
