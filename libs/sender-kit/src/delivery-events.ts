import type { ChannelName, DeliveryEvent, DeliveryEventTypeName } from '@switchboard/contracts';
import type { CircuitTransition, Clock } from '@switchboard/delivery';
import type { DeliveryDetail } from './channel-provider';
import type { FinishedDelivery } from './delivery-ledger';
import type { Dispatch } from './dispatch-batch';

export interface DeliveryEventFields {
  provider?: string;
  reason?: string;
  detail?: DeliveryDetail;
  /** When it happened, if not now (a finished delivery's time, a circuit change's). */
  occurredAt?: Date;
}

/** Builds the delivery events a sender publishes about its dispatches, stamped with where they come from. */
export class DeliveryEventFactory {
  constructor(
    private readonly origin: {
      /** The service recorded as the events' source, e.g. 'sender-sms'. */
      source: string;
      channel: ChannelName;
      clock: Clock;
    },
  ) {}

  event(dispatch: Dispatch, type: DeliveryEventTypeName, fields: DeliveryEventFields): DeliveryEvent {
    const { occurredAt, ...rest } = fields;
    return {
      tenantId: dispatch.tenantId,
      messageId: dispatch.messageId,
      type,
      occurredAt: (occurredAt ?? new Date(this.origin.clock.now())).toISOString(),
      source: this.origin.source,
      channel: this.origin.channel,
      ...rest,
    };
  }

  /** The 'sent' or 'failed' event; the same again for a delivery found finished, so it is identical. */
  finished(dispatch: Dispatch, delivery: FinishedDelivery): DeliveryEvent {
    return delivery.status === 'sent'
      ? this.event(dispatch, 'sent', {
          provider: delivery.provider,
          detail: { ...delivery.detail, providerMessageId: delivery.providerMessageId },
          occurredAt: delivery.finishedAt,
        })
      : this.event(dispatch, 'failed', {
          ...(delivery.provider === null ? {} : { provider: delivery.provider }),
          reason: delivery.reason,
          occurredAt: delivery.finishedAt,
        });
  }

  /** Circuit changes go on the timeline of the message whose call or choice made them. */
  circuitChanges(dispatch: Dispatch, transitions: readonly CircuitTransition[]): DeliveryEvent[] {
    return transitions.map((transition) =>
      this.event(dispatch, 'circuit-changed', {
        provider: transition.provider,
        reason: transition.reason,
        detail: {
          provider: transition.provider,
          from: transition.from,
          to: transition.to,
          why: transition.detail,
        },
        occurredAt: transition.at,
      }),
    );
  }
}
