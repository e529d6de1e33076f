import type { RedriveDeadLettersResponse } from '@switchboard/contracts';
import type { RedriveSelection, StoredDeadLetter } from './dead-letters.repository';
import type { RedrivePublisher } from './kafka-redrive-publisher';
import { redriveHeaders } from './parked-record';

export interface ParkedDeadLetters {
  redrive(
    tenantId: string,
    selection: RedriveSelection,
    publish: (letters: StoredDeadLetter[]) => Promise<void>,
  ): Promise<string[]>;
}

/**
 * Puts a tenant's parked dead letters back on their original topics as they first came, marked with
 * the dead letter they were; the senders' ledgers deduplicate them like any other event.
 */
export class RedriveDeadLettersUsecase {
  constructor(
    private readonly deadLetters: ParkedDeadLetters,
    private readonly publisher: RedrivePublisher,
  ) {}

  async execute(tenantId: string, selection: RedriveSelection): Promise<RedriveDeadLettersResponse> {
    const redriven = await this.deadLetters.redrive(tenantId, selection, (letters) =>
      this.publisher.publish(
        letters.map((letter) => ({
          topic: letter.originalTopic,
          key: letter.key,
          value: letter.payload,
          headers: redriveHeaders(letter.headers, letter.id),
        })),
      ),
    );
    const done = new Set(redriven);
    // Unknown, another tenant's and already redriven ids all read the same: not parked for this tenant.
    const notFound = 'ids' in selection ? [...new Set(selection.ids)].filter((id) => !done.has(id)) : [];
    return { redriven: done.size, notFound };
  }
}
