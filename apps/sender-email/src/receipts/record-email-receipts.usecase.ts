import type { DeliveryEvent, EmailReceipt } from '@switchboard/contracts';
import { SENDER_EMAIL } from '../sender-email-names';

/** The message an email was sent for, as the deliveries ledger recorded it. */
export interface SentEmail {
  tenantId: string;
  messageId: string;
  provider: string;
}

export interface SentEmailLookup {
  /** The sent emails with these provider message ids, by provider message id; unknown ids are absent. */
  findByProviderMessageIds(providerMessageIds: readonly string[]): Promise<Map<string, SentEmail>>;
}

export interface RecordEmailReceiptsDependencies {
  sentEmails: SentEmailLookup;
  /** Publishes the delivery events of a batch together. */
  recordEvents(events: DeliveryEvent[]): Promise<void>;
}

export type EmailReceiptResult =
  | { result: 'recorded'; events: DeliveryEvent[] }
  | { result: 'skipped'; reason: 'unknown provider message id' };

/**
 * Turns the provider's receipts into delivery events of the messages they are about: a delivery,
 * a bounce or a complaint. Everything in an event comes from the receipt and the ledger, so a
 * receipt delivered twice gives identical events (same occurredAt), which analytics keeps once.
 * Each receipt gives one event, without an address: every email has one recipient, whom the
 * router finds from its own decision for the message when it suppresses a bounce or complaint.
 */
export class RecordEmailReceiptsUsecase {
  constructor(private readonly dependencies: RecordEmailReceiptsDependencies) {}

  /** The result of each receipt, in the order given. */
  async execute(receipts: readonly EmailReceipt[]): Promise<EmailReceiptResult[]> {
    if (receipts.length === 0) return [];
    const providerMessageIds = [...new Set(receipts.map((receipt) => receipt.providerMessageId))];
    const sentEmails = await this.dependencies.sentEmails.findByProviderMessageIds(providerMessageIds);
    const results = receipts.map((receipt): EmailReceiptResult => {
      const sentEmail = sentEmails.get(receipt.providerMessageId);
      if (!sentEmail) return { result: 'skipped', reason: 'unknown provider message id' };
      return { result: 'recorded', events: receiptEvents(receipt, sentEmail) };
    });
    const events = results.flatMap((result) => (result.result === 'recorded' ? result.events : []));
    if (events.length > 0) await this.dependencies.recordEvents(events);
    return results;
  }
}

function receiptEvents(receipt: EmailReceipt, sentEmail: SentEmail): DeliveryEvent[] {
  const base = {
    tenantId: sentEmail.tenantId,
    messageId: sentEmail.messageId,
    occurredAt: receipt.occurredAt,
    source: SENDER_EMAIL,
    channel: 'email' as const,
    provider: sentEmail.provider,
  };
  const detail = {
    notificationId: receipt.notificationId,
    providerMessageId: receipt.providerMessageId,
    ...(receipt.detail === undefined ? {} : { providerDetail: receipt.detail }),
  };
  switch (receipt.type) {
    case 'delivery':
      return [{ ...base, type: 'delivered', detail }];
    case 'bounce': {
      // SES leaves the type out only in malformed notifications; such a bounce is not taken as permanent.
      const bounceType = receipt.bounceType ?? 'Undetermined';
      const reason = receipt.detail === undefined ? bounceType : `${bounceType}: ${receipt.detail}`;
      return [{ ...base, type: 'bounced', reason, detail: { ...detail, bounceType } }];
    }
    case 'complaint':
      return [
        {
          ...base,
          type: 'complained',
          reason: receipt.detail === undefined ? 'complaint' : `complaint: ${receipt.detail}`,
          detail,
        },
      ];
  }
}
