import type { DeliveryEvent, DeliveryEventTypeName } from '@switchboard/contracts';
import { statusRank, supersedes } from './status-rank';

export interface MessageStatusUpdate {
  messageId: string;
  tenantId: string;
  status: DeliveryEventTypeName;
  statusRank: number;
  /** When the event that set this status happened. */
  updatedAt: Date;
  /**
   * The batch rerouted the message, at or before this status: a new round started, so the update
   * replaces the stored status whatever its rank. Left out otherwise.
   */
  startsNewRound?: true;
}

/**
 * One candidate status per message from a batch of events, so the batch needs one upsert
 * (PostgreSQL refuses to update the same row twice in one INSERT ... ON CONFLICT). Events are
 * taken in order: a 'rerouted' event replaces the status whatever its rank (the message starts
 * over on another channel), and the events after it rank as usual.
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
    if (event.type === 'rerouted') {
      byMessage.set(event.messageId, { ...candidate, startsNewRound: true });
    } else if (!current || supersedes(toCandidate(candidate), toCandidate(current))) {
      byMessage.set(
        event.messageId,
        current?.startsNewRound ? { ...candidate, startsNewRound: true } : candidate,
      );
    }
  }
  return [...byMessage.values()];
}

function toCandidate(update: MessageStatusUpdate) {
  return { status: update.status, occurredAt: update.updatedAt };
}
