/** A message of one tenant; the tenant is part of every lookup, so one tenant never reaches another's message. */
export interface TenantMessage {
  tenantId: string;
  messageId: string;
}

/**
 * Where the message stood when the cancellation was asked for:
 * - cancelled: it was waiting for its time; it is now cancelled (or had been already).
 * - pending: the router has not decided on it yet; the cancellation is recorded for routing to honour.
 * - already-sent: it was routed, skipped, or released from its wait; too late.
 */
export type CancellationOutcome = 'cancelled' | 'pending' | 'already-sent';

export abstract class CancellationStore {
  /**
   * Cancels the message in one transaction. `publish` runs, inside it, only when this call is the
   * one that cancelled a waiting message, so a failed publish leaves nothing cancelled.
   */
  abstract cancel(
    message: TenantMessage,
    cancelledAt: Date,
    publish: () => Promise<void>,
  ): Promise<CancellationOutcome>;

  /** The ids among these messages that their tenant has cancelled, in one query. */
  abstract findCancelled(messages: readonly TenantMessage[]): Promise<Set<string>>;
}
