import {
  type DeliveryEvent,
  DeliveryEventTopic,
  type MessageAccepted,
  messageAcceptedTopicFor,
  type PriorityName,
  requestedLaneOf,
} from '@switchboard/contracts';
import type { EventSink } from '@switchboard/messaging';
import { INGEST_SOURCE, type IngestMessage } from './ingest-message';
import { MessageStore } from './message-store';

/**
 * - accepted: stored now and handed on;
 * - redelivered: stored before (this is a redelivery) and handed on again, in case the first
 *   delivery stopped between storing and publishing;
 * - duplicate: another message of the tenant already carries its idempotency key; dropped.
 */
export type AcceptOutcome = 'accepted' | 'redelivered' | 'duplicate';

/**
 * Stores a batch of messages in one write and publishes MessageAccepted plus an 'accepted'
 * delivery event for each. Publishing again what was stored before is deliberate: downstream
 * stages deduplicate by message id, so at-least-once is safe, and a message never stays stored
 * but unpublished. The delivery event's time is the acceptance time, so a repeat is recognisable.
 */
export class AcceptMessages {
  constructor(
    private readonly store: MessageStore,
    private readonly events: EventSink,
  ) {}

  async execute(candidates: IngestMessage[]): Promise<Map<string, AcceptOutcome>> {
    const unique = [
      ...new Map(candidates.map((candidate) => [candidate.message.messageId, candidate])).values(),
    ];
    const outcomes = new Map<string, AcceptOutcome>();
    if (unique.length === 0) return outcomes;

    const inserted = await this.store.insertNew(unique);
    const toPublish: MessageAccepted[] = [];
    const notInserted: MessageAccepted[] = [];
    for (const { message } of unique) {
      if (inserted.has(message.messageId)) {
        toPublish.push(message);
        outcomes.set(message.messageId, 'accepted');
      } else {
        notInserted.push(message);
      }
    }

    const duplicates: MessageAccepted[] = [];
    if (notInserted.length > 0) {
      const stored = new Map(
        (await this.store.findByIds(notInserted.map((message) => message.messageId))).map((message) => [
          message.messageId,
          message,
        ]),
      );
      for (const message of notInserted) {
        const storedMessage = stored.get(message.messageId);
        if (storedMessage) {
          // The stored version wins: a re-published event may differ from the first one.
          toPublish.push(storedMessage);
          outcomes.set(message.messageId, 'redelivered');
        } else {
          duplicates.push(message);
          outcomes.set(message.messageId, 'duplicate');
        }
      }
    }

    await Promise.all([
      ...[...byLane(toPublish)].map(([lane, messages]) =>
        this.events.publishMany(messageAcceptedTopicFor(lane), messages),
      ),
      this.events.publishMany(DeliveryEventTopic.topic, [
        ...toPublish.map(acceptedEvent),
        ...duplicates.map(duplicateEvent),
      ]),
    ]);
    return outcomes;
  }
}

/** A message goes on in the lane it came in: its own priority, normal without one. */
function byLane(messages: MessageAccepted[]): Map<PriorityName, MessageAccepted[]> {
  const lanes = new Map<PriorityName, MessageAccepted[]>();
  for (const message of messages) {
    const lane = requestedLaneOf(message);
    const laneMessages = lanes.get(lane);
    if (laneMessages) laneMessages.push(message);
    else lanes.set(lane, [message]);
  }
  return lanes;
}

function acceptedEvent(message: MessageAccepted): DeliveryEvent {
  return {
    tenantId: message.tenantId,
    messageId: message.messageId,
    type: 'accepted',
    occurredAt: message.acceptedAt,
    source: INGEST_SOURCE,
  };
}

function duplicateEvent(message: MessageAccepted): DeliveryEvent {
  return {
    tenantId: message.tenantId,
    messageId: message.messageId,
    type: 'duplicate',
    occurredAt: message.acceptedAt,
    source: INGEST_SOURCE,
    reason: `idempotency key "${message.idempotencyKey}" was already used by another ${message.source} message`,
  };
}
