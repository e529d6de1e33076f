/** A delivery that will not be attempted again, as the ledger recorded it. */
export type FinishedDelivery =
  | { status: 'sent'; providerMessageId: string; finishedAt: Date }
  | { status: 'failed'; reason: string; finishedAt: Date };

export type DeliveryClaim = { claimed: true; attempt: number } | ({ claimed: false } & FinishedDelivery);

export interface DeliveryToClaim {
  messageId: string;
  tenantId: string;
  provider: string;
}

/** The idempotent record that keeps a redelivered dispatch from sending a second email. */
export interface DeliveryLedger {
  /**
   * Takes each message for sending, unless it was already sent or failed for good; the claims by
   * message id. The message ids must be distinct.
   */
  claimAll(deliveries: readonly DeliveryToClaim[]): Promise<Map<string, DeliveryClaim>>;
  /** Records that these deliveries are finished, all at once. */
  markFinished(deliveries: ReadonlyArray<{ messageId: string } & FinishedDelivery>): Promise<void>;
}
