import type { SqlQuery } from '@switchboard/delivery';
import { SENDER_EMAIL_SCHEMA } from '../sender-email-names';
import type { SentEmail, SentEmailLookup } from './record-email-receipts.usecase';

/** Finds sent emails in the sender's deliveries ledger, by the provider's message id (indexed). */
export class SentEmailRepository implements SentEmailLookup {
  constructor(private readonly query: SqlQuery) {}

  async findByProviderMessageIds(providerMessageIds: readonly string[]): Promise<Map<string, SentEmail>> {
    const found = new Map<string, SentEmail>();
    if (providerMessageIds.length === 0) return found;
    const rows = (await this.query(
      `SELECT provider_message_id, tenant_id, message_id, provider FROM ${SENDER_EMAIL_SCHEMA}.deliveries
       WHERE provider_message_id = ANY($1::text[]) AND channel = 'email'`,
      [providerMessageIds],
    )) as unknown as Array<{
      provider_message_id: string;
      tenant_id: string;
      message_id: string;
      provider: string;
    }>;
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
