import type { DeliveryEvent, DeliveryEventTypeName } from '@switchboard/contracts';
import { statusRank, supersedes } from './status-rank';

export interface MessageStatusUpdate {
  messageId: string;
  tenantId: string;
  status: DeliveryEventTypeName;
  statusRank: number;
  /** When the event that set this status happened. */
  updatedAt: Date;
}

/**
 * One candidate status per message from a batch of events, so the batch needs one upsert
 * (PostgreSQL refuses to update the same row twice in one INSERT ... ON CONFLICT).
 */
export function messageStatusUpdates(events: readonly DeliveryEvent[]): MessageStatusUpdate[] {
  const byMessage = new Map<string, MessageStatusUpdate>();
  for (const event of events) {
    const candidate: MessageStatusUpdate = {
      messageId: event.messageId,
      tenantId: event.tenantId,
      status: event.type,
      statusRank: statusRank(event.type),
      updatedAt: new Date(event.occurredAt),
    };
    const current = byMessage.get(event.messageId);
    if (!current || supersedes(toCandidate(candidate), toCandidate(current))) {
      byMessage.set(event.messageId, candidate);
    }
  }
  return [...byMessage.values()];
}

function toCandidate(update: MessageStatusUpdate) {
  return { status: update.status, occurredAt: update.updatedAt };
}
