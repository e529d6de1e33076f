import type { MessageAccepted } from '@switchboard/contracts';
import type { IngestMessage } from './ingest-message';

/** Ingest's table of accepted messages. */
export abstract class MessageStore {
  /**
   * Stores the messages whose id and (tenant, source, idempotency key) are both new, in one
   * write, and returns the ids it stored; the others are left as they are.
   */
  abstract insertNew(messages: IngestMessage[]): Promise<Set<string>>;

  /** The stored messages among these ids. */
  abstract findByIds(messageIds: string[]): Promise<MessageAccepted[]>;
}
