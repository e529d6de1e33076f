import type { DeliveryDetail } from './channel-provider';

/** A delivery that will not be attempted again, as the ledger recorded it. */
export type FinishedDelivery =
  | { status: 'sent'; provider: string; providerMessageId: string; detail: DeliveryDetail; finishedAt: Date }
  | { status: 'failed'; provider: string | null; reason: string; finishedAt: Date };

export type DeliveryClaim =
  | {
      outcome: 'claimed';
      /** Provider calls made so far. */
      attempts: number;
      /** The provider of the latest attempt, if any. */
      lastProvider: string | null;
      /**
       * Set when the latest attempt may have reached its provider (it timed out, or the process
       * stopped during the call): the next attempt must go to the same provider, never another.
       */
      pinnedProvider: string | null;
    }
  | { outcome: 'finished'; delivery: FinishedDelivery }
  /** Another sender holds the delivery (a redelivered copy is being sent elsewhere) until then. */
  | { outcome: 'busy'; until: Date };

export interface DeliveryToClaim {
  messageId: string;
  tenantId: string;
}

/** How a claimed delivery ends this round. */
export type DeliveryOutcome = { messageId: string } & (
  | FinishedDelivery
  /** Not sent yet: a retry is scheduled. `pinnedProvider` as in DeliveryClaim. */
  | { status: 'sending'; pinnedProvider: string | null; reason: string | null; at: Date }
  /** Parked on the dead-letter topic; a redrive may claim it again. */
  | { status: 'dead-lettered'; pinnedProvider: string | null; reason: string; at: Date }
);

/**
 * The idempotent record, per message and channel, that keeps a redelivered or redriven dispatch
 * from being sent twice, and from being sent by two providers. Every write names the lease taken by
 * `claim`, so that a sender whose lease ran out (and was taken over) changes nothing.
 */
export interface DeliveryLedger {
  /**
   * Takes each delivery under a lease for `leaseMs`, unless it is finished or leased by another
   * sender. The message ids must be distinct.
   */
  claim(
    deliveries: readonly DeliveryToClaim[],
    lease: { owner: string; leaseMs: number },
  ): Promise<Map<string, DeliveryClaim>>;
  /**
   * Records, before the provider calls, which provider each delivery is attempted with (one more
   * attempt, and the lease renewed). Resolves with the message ids still leased by `owner`: only
   * those may be sent.
   */
  recordAttempts(
    attempts: ReadonlyArray<{ messageId: string; provider: string }>,
    lease: { owner: string; leaseMs: number },
  ): Promise<Set<string>>;
  /** Records how the deliveries ended this round and releases their lease. */
  recordOutcomes(outcomes: readonly DeliveryOutcome[], owner: string): Promise<void>;
}
