import type { MessageRequested, MessageStatusView } from '@switchboard/contracts';

/** Produces MessageRequested events durably (acks from all replicas) in one call. */
export abstract class MessageRequestPublisher {
  /** Rejects with BROKER_UNAVAILABLE when the events could not be made durable. */
  abstract publish(events: MessageRequested[]): Promise<void>;

  /** Throws BROKER_UNAVAILABLE while the broker is known to be down, before any work is done. */
  ensureAvailable(): void {
    // Nothing is known to be down unless an implementation keeps track.
  }
}

export interface AcceptedMessage {
  messageId: string;
  tenantId: string;
  acceptedAt: Date;
}

/** The gateway's own record of what it accepted, so a status lookup never 404s a fresh message. */
export abstract class AcceptedMessageLog {
  abstract record(messages: AcceptedMessage[]): Promise<void>;
  abstract find(tenantId: string, messageId: string): Promise<AcceptedMessage | undefined>;
}

/** Analytics' view of a message; undefined when analytics has not seen it (yet). */
export abstract class MessageStatusSource {
  abstract find(tenantId: string, messageId: string): Promise<MessageStatusView | undefined>;
}
