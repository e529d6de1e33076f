/** A delivery that will not be attempted again, as the ledger recorded it. */
export type FinishedDelivery =
  | { status: 'sent'; providerMessageId: string; finishedAt: Date }
  | { status: 'failed'; reason: string; finishedAt: Date };

export type DeliveryClaim = { claimed: true; attempt: number } | ({ claimed: false } & FinishedDelivery);

/** The idempotent record that keeps a redelivered dispatch from sending a second email. */
export interface DeliveryLedger {
  /** Takes the message for sending, unless it was already sent or failed for good. */
  claim(delivery: { messageId: string; tenantId: string; provider: string }): Promise<DeliveryClaim>;
  markSent(messageId: string, providerMessageId: string, sentAt: Date): Promise<void>;
  markFailed(messageId: string, reason: string, failedAt: Date): Promise<void>;
}
