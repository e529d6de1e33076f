import type { DeliveryEvent, RedriveDeadLettersResponse } from '@switchboard/contracts';
import type { DeadLetterScope, RedriveSelection, StoredDeadLetter } from './dead-letters.repository';
import type { RedrivePublisher } from './kafka-redrive-publisher';
import { redriveHeaders } from './parked-record';

export interface ParkedDeadLetters {
  redrive(
    scope: DeadLetterScope,
    selection: RedriveSelection,
    publish: (letters: StoredDeadLetter[]) => Promise<void>,
  ): Promise<string[]>;
}

export const REDRIVE_SOURCE = 'analytics';

/**
 * Puts parked dead letters of a scope (a tenant's, or for operators any) back on their original topics as they first came, marked with
 * the dead letter they were; the senders' ledgers deduplicate them like any other event. Each
 * message's timeline says it was redriven, before anything the redriven event causes.
 */
export class RedriveDeadLettersUsecase {
  constructor(
    private readonly deadLetters: ParkedDeadLetters,
    private readonly publisher: RedrivePublisher,
    private readonly recordEvents: (events: DeliveryEvent[]) => Promise<void>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async execute(scope: DeadLetterScope, selection: RedriveSelection): Promise<RedriveDeadLettersResponse> {
    const redriven = await this.deadLetters.redrive(scope, selection, async (letters) => {
      const occurredAt = this.now().toISOString();
      // A timeline belongs to a tenant's message: a letter missing either has none to tell.
      const events: DeliveryEvent[] = letters.flatMap((letter) =>
        letter.messageId === null || letter.tenantId === null
          ? []
          : [
              {
                tenantId: letter.tenantId,
                messageId: letter.messageId,
                type: 'redriven' as const,
                occurredAt,
                source: REDRIVE_SOURCE,
                detail: { deadLetterId: letter.id, topic: letter.originalTopic },
              },
            ],
      );
      if (events.length > 0) await this.recordEvents(events);
      await this.publisher.publish(
        letters.map((letter) => ({
          topic: letter.originalTopic,
          key: letter.key,
          value: letter.payload,
          headers: redriveHeaders(letter.headers, letter.id),
        })),
      );
    });
    const done = new Set(redriven);
    // Unknown, out-of-scope (another tenant's) and already redriven ids all read the same: not parked here.
    const notFound = 'ids' in selection ? [...new Set(selection.ids)].filter((id) => !done.has(id)) : [];
    return { redriven: done.size, notFound };
  }
}
