import {
  type CancellationOutcome,
  CancellationStore,
  type TenantMessage,
} from '../../src/cancellations/cancellation-store';

/** Where a message of the in-memory router stands: decided and, if deferred, waiting or released. */
export interface InMemoryMessageState {
  decision?: 'routed' | 'skipped' | 'deferred' | 'cancelled';
  released?: boolean;
  cancelledAt?: Date;
}

/** The cancellation rules without a database, for use-case specs. */
export class InMemoryCancellationStore extends CancellationStore {
  /** By `${tenantId}/${messageId}`. */
  readonly messages = new Map<string, InMemoryMessageState>();
  readonly cancellations = new Map<string, Date>();

  async cancel(
    message: TenantMessage,
    cancelledAt: Date,
    publish: () => Promise<void>,
  ): Promise<CancellationOutcome> {
    const key = keyOf(message);
    const state = this.messages.get(key);
    if (state?.decision === undefined) {
      if (!this.cancellations.has(key)) this.cancellations.set(key, cancelledAt);
      return 'pending';
    }
    if (state.decision === 'cancelled') return 'cancelled';
    if (state.decision !== 'deferred' || state.released) return 'already-sent';
    if (state.cancelledAt !== undefined) return 'cancelled';
    await publish();
    state.cancelledAt = cancelledAt;
    this.cancellations.set(key, cancelledAt);
    return 'cancelled';
  }

  async findCancelled(messages: readonly TenantMessage[]): Promise<Set<string>> {
    return new Set(
      messages
        .filter((message) => this.cancellations.has(keyOf(message)))
        .map((message) => message.messageId),
    );
  }
}

function keyOf(message: TenantMessage): string {
  return `${message.tenantId}/${message.messageId}`;
}
