import { recipientKey, type DeliveryEvent, type EmailDispatch } from '@switchboard/contracts';
import type { DeliveryLedger, FinishedDelivery } from '../deliveries/delivery-ledger';
import type { EmailProvider } from './email-provider';
import { classifySesError } from './ses-error';

export type SendEmailResult =
  | { result: 'sent'; providerMessageId: string }
  | { result: 'skipped'; reason: string }
  | { result: 'failed'; reason: string }
  /** Not sent this time (a transient provider error): try the dispatch again later. */
  | { result: 'retry'; error: unknown };

export interface SendEmailBatchDependencies {
  ledger: DeliveryLedger;
  provider: EmailProvider;
  /** Publishes the delivery events of a batch together. */
  recordEvents(events: DeliveryEvent[]): Promise<void>;
  now?: () => Date;
}

export const SENDER_NAME = 'sender-email';

type Finished = { index: number; dispatch: EmailDispatch } & FinishedDelivery;

/**
 * Sends a batch of dispatched emails, each at most once: the batch's ledger rows are claimed in
 * one statement before any provider call, the emails go out `concurrency` at a time, and each
 * such group is marked finished in one statement before the next group starts. Only a crash
 * between the provider's answers and that update sends again (the redelivery finds the rows
 * still 'sending'), so at most `concurrency` emails; SES offers no idempotency key that would
 * close the window. The delivery events of the batch are published together at the end; a
 * redelivered dispatch whose row is finished publishes its event again, identical.
 *
 * One recipient's emails are sent one after another in batch order, and once one of them fails
 * transiently, the recipient's later emails in the batch wait for it (they are retried with it).
 */
export class SendEmailBatchUsecase {
  private readonly now: () => Date;

  constructor(private readonly dependencies: SendEmailBatchDependencies) {
    this.now = dependencies.now ?? (() => new Date());
  }

  /**
   * The result of each dispatch, in the order given. `concurrency`: emails sent at once, which is
   * also how many may be sent again after a crash.
   */
  async execute(dispatches: readonly EmailDispatch[], concurrency: number): Promise<SendEmailResult[]> {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    const { ledger, provider } = this.dependencies;
    const results: SendEmailResult[] = new Array(dispatches.length);
    // A message twice in one batch (a redelivery next to the original) is sent for its first copy.
    const firstIndexOf = new Map<string, number>();
    dispatches.forEach((dispatch, index) => {
      if (!firstIndexOf.has(dispatch.messageId)) firstIndexOf.set(dispatch.messageId, index);
    });
    const claims = await ledger.claimAll(
      [...firstIndexOf.keys()].map((messageId) => ({
        messageId,
        tenantId: dispatches[firstIndexOf.get(messageId) as number].tenantId,
        provider: provider.name,
      })),
    );

    const events: DeliveryEvent[] = [];
    const toSend: number[] = [];
    for (const index of firstIndexOf.values()) {
      const dispatch = dispatches[index];
      const claim = claims.get(dispatch.messageId);
      if (claim === undefined)
        throw new Error(`the ledger returned no claim for message ${dispatch.messageId}`);
      if (claim.claimed) {
        toSend.push(index);
        continue;
      }
      // The event again, identical (same time), in case the earlier try stopped before publishing it.
      events.push(this.deliveryEvent(dispatch, claim));
      results[index] = {
        result: 'skipped',
        reason: claim.status === 'sent' ? 'already sent' : 'already failed',
      };
    }

    const heldRecipients = new Set<string>();
    for (let start = 0; start < toSend.length; start += concurrency) {
      const group = toSend.slice(start, start + concurrency);
      const finished = await this.sendGroup(dispatches, group, results, heldRecipients);
      await ledger.markFinished(
        finished.map(({ dispatch, ...delivery }) => ({ ...delivery, messageId: dispatch.messageId })),
      );
      for (const delivery of finished) {
        events.push(this.deliveryEvent(delivery.dispatch, delivery));
        results[delivery.index] =
          delivery.status === 'sent'
            ? { result: 'sent', providerMessageId: delivery.providerMessageId }
            : { result: 'failed', reason: delivery.reason };
      }
    }
    await this.dependencies.recordEvents(events);

    dispatches.forEach((dispatch, index) => {
      const first = firstIndexOf.get(dispatch.messageId) as number;
      if (first !== index) {
        results[index] =
          results[first].result === 'retry'
            ? results[first]
            : { result: 'skipped', reason: 'the same message came earlier in the batch' };
      }
    });
    return results;
  }

  /** Sends a group concurrently, each recipient's emails in order; transient failures go in `results`. */
  private async sendGroup(
    dispatches: readonly EmailDispatch[],
    group: readonly number[],
    results: SendEmailResult[],
    heldRecipients: Set<string>,
  ): Promise<Finished[]> {
    const byRecipient = new Map<string, number[]>();
    for (const index of group) {
      const recipient = recipientOf(dispatches[index]);
      const indexes = byRecipient.get(recipient);
      if (indexes) indexes.push(index);
      else byRecipient.set(recipient, [index]);
    }
    const finished: Finished[] = [];
    await Promise.all(
      [...byRecipient].map(async ([recipient, indexes]) => {
        for (const index of indexes) {
          const dispatch = dispatches[index];
          if (heldRecipients.has(recipient)) {
            results[index] = {
              result: 'retry',
              error: new Error('an earlier email to the same recipient is waiting for a retry'),
            };
            continue;
          }
          const outcome = await this.sendOne(dispatch);
          if ('error' in outcome) {
            heldRecipients.add(recipient);
            results[index] = { result: 'retry', error: outcome.error };
          } else {
            finished.push({ index, dispatch, ...outcome });
          }
        }
      }),
    );
    return finished;
  }

  private async sendOne(dispatch: EmailDispatch): Promise<FinishedDelivery | { error: unknown }> {
    try {
      const { providerMessageId } = await this.dependencies.provider.send(dispatch);
      return { status: 'sent', providerMessageId, finishedAt: this.now() };
    } catch (error) {
      const failure = classifySesError(error);
      if (failure.kind === 'transient') return { error };
      return { status: 'failed', reason: failure.reason, finishedAt: this.now() };
    }
  }

  private deliveryEvent(dispatch: EmailDispatch, delivery: FinishedDelivery): DeliveryEvent {
    return {
      tenantId: dispatch.tenantId,
      messageId: dispatch.messageId,
      type: delivery.status,
      occurredAt: delivery.finishedAt.toISOString(),
      source: SENDER_NAME,
      channel: 'email',
      provider: this.dependencies.provider.name,
      ...(delivery.status === 'sent'
        ? { detail: { providerMessageId: delivery.providerMessageId } }
        : { reason: delivery.reason }),
    };
  }
}

/** The dispatch topics' key: one recipient's emails share a partition and keep their order. */
function recipientOf(dispatch: EmailDispatch): string {
  return recipientKey(dispatch.tenantId, dispatch.to);
}
