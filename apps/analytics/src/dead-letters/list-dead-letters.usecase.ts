import type { DeadLetterPage, DeadLetterView } from '@switchboard/contracts';
import type { DeadLetterFilter, StoredDeadLetter } from './dead-letters.repository';
import { encodeCursor, type PageCursor } from './page-cursor';
import { payloadView } from './parked-record';

export interface DeadLetterReader {
  list(tenantId: string, filter: DeadLetterFilter): Promise<StoredDeadLetter[]>;
}

export interface ListDeadLettersRequest {
  topic?: string;
  status: DeadLetterFilter['status'];
  limit: number;
  after?: PageCursor;
}

/** One newest-first page of a tenant's dead letters; dead letters without a tenant are nobody's. */
export class ListDeadLettersUsecase {
  constructor(private readonly deadLetters: DeadLetterReader) {}

  async execute(tenantId: string, request: ListDeadLettersRequest): Promise<DeadLetterPage> {
    const rows = await this.deadLetters.list(tenantId, request);
    const items = rows.slice(0, request.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toView),
      nextCursor: rows.length > request.limit ? encodeCursor({ parkedAt: last.parkedAt, id: last.id }) : null,
    };
  }
}

function toView(letter: StoredDeadLetter): DeadLetterView {
  return {
    id: letter.id,
    messageId: letter.messageId,
    originalTopic: letter.originalTopic,
    originalPartition: letter.originalPartition,
    originalOffset: letter.originalOffset,
    reason: letter.reason,
    attempts: letter.attempts,
    payload: payloadView(letter.payload),
    parkedAt: letter.parkedAt.toISOString(),
    redrivenAt: letter.redrivenAt?.toISOString() ?? null,
  };
}
