import type { UpstreamEvent } from '@switchboard/contracts';
import type { IngestMessage } from '../messages/ingest-message';
import type { Trigger } from '../triggers/trigger';
import type { TenantTriggers } from '../triggers/trigger-cache';
import { upstreamMessageId, type UpstreamPosition } from './upstream-message-id';

export interface ReceivedUpstreamEvent {
  event: UpstreamEvent;
  position: UpstreamPosition;
}

/** The tenant's trigger for the event's type: an exact, case-sensitive match, or none. */
export function findTrigger(
  triggersByTenant: ReadonlyMap<string, TenantTriggers>,
  event: Pick<UpstreamEvent, 'tenant' | 'type'>,
): Trigger | undefined {
  return triggersByTenant.get(event.tenant)?.get(event.type);
}

/** The message an event becomes: the trigger's template and type, the event's data and recipient. */
export function upstreamMessage(
  received: ReceivedUpstreamEvent,
  trigger: Trigger,
  acceptedAt: Date,
): IngestMessage {
  const { event, position } = received;
  return {
    message: {
      tenantId: event.tenant,
      messageId: upstreamMessageId(event, position),
      acceptedAt: acceptedAt.toISOString(),
      source: 'upstream',
      ...(trigger.messageType === null ? {} : { type: trigger.messageType }),
      ...(event.idempotencyKey === undefined ? {} : { idempotencyKey: event.idempotencyKey }),
      recipient: event.recipient,
      content: { templateKey: trigger.templateKey, data: event.data },
    },
    upstream: position,
  };
}
