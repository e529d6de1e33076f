import type { DeliveryEvent, EmailDispatch } from '@switchboard/contracts';
import type { DeliveryLedger, FinishedDelivery } from '../deliveries/delivery-ledger';
import type { EmailProvider } from './email-provider';
import { classifySesError } from './ses-error';

export type SendEmailResult =
  | { result: 'sent'; providerMessageId: string }
  | { result: 'skipped'; reason: string }
  | { result: 'failed'; reason: string };

export interface SendEmailDependencies {
  ledger: DeliveryLedger;
  provider: EmailProvider;
  recordEvent(event: DeliveryEvent): Promise<void>;
  now?: () => Date;
}

export const SENDER_NAME = 'sender-email';

/**
 * Sends one dispatched email at most once: the ledger row is claimed before the provider call
 * and marked sent the moment the provider answers. Only a crash between that answer and the
 * update sends twice (the redelivery finds the row still 'sending'); SES offers no idempotency
 * key that would close the window.
 */
export class SendEmailUsecase {
  private readonly now: () => Date;

  constructor(private readonly dependencies: SendEmailDependencies) {
    this.now = dependencies.now ?? (() => new Date());
  }

  async execute(dispatch: EmailDispatch): Promise<SendEmailResult> {
    const { ledger, provider } = this.dependencies;
    const claim = await ledger.claim({
      messageId: dispatch.messageId,
      tenantId: dispatch.tenantId,
      provider: provider.name,
    });
    if (!claim.claimed) {
      // The event again, identical (same time), in case the earlier try stopped before publishing it.
      await this.record(dispatch, claim);
      return { result: 'skipped', reason: claim.status === 'sent' ? 'already sent' : 'already failed' };
    }

    let providerMessageId: string;
    try {
      ({ providerMessageId } = await provider.send(dispatch));
    } catch (error) {
      const failure = classifySesError(error);
      // Transient errors propagate: the runner retries, then parks the dispatch as a dead letter.
      if (failure.kind === 'transient') throw error;
      const failedAt = this.now();
      await ledger.markFailed(dispatch.messageId, failure.reason, failedAt);
      await this.record(dispatch, { status: 'failed', reason: failure.reason, finishedAt: failedAt });
      return { result: 'failed', reason: failure.reason };
    }

    const sentAt = this.now();
    await ledger.markSent(dispatch.messageId, providerMessageId, sentAt);
    await this.record(dispatch, { status: 'sent', providerMessageId, finishedAt: sentAt });
    return { result: 'sent', providerMessageId };
  }

  private record(dispatch: EmailDispatch, delivery: FinishedDelivery): Promise<void> {
    return this.dependencies.recordEvent({
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
    });
  }
}
