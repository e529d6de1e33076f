import type { DeadLetterPage, DeadLetterView } from '@switchboard/contracts';
import type { DeadLetterFilter, DeadLetterScope, StoredDeadLetter } from './dead-letters.repository';
import { encodeCursor, type PageCursor } from './page-cursor';
import type { DeadLetterPayloads } from './dead-letter-payloads';
import { payloadView } from './parked-record';

export interface DeadLetterReader {
  list(scope: DeadLetterScope, filter: DeadLetterFilter): Promise<StoredDeadLetter[]>;
}

export interface ListDeadLettersRequest {
  topic?: string;
  status: DeadLetterFilter['status'];
  limit: number;
  after?: PageCursor;
}

/** One newest-first page of a tenant's dead letters; operators see the others (ListOperatorDeadLettersUsecase). */
export class ListDeadLettersUsecase {
  constructor(
    private readonly deadLetters: DeadLetterReader,
    private readonly payloads: Pick<DeadLetterPayloads, 'opened'>,
  ) {}

  async execute(tenantId: string, request: ListDeadLettersRequest): Promise<DeadLetterPage> {
    const rows = await this.deadLetters.list({ kind: 'tenant', tenantId }, request);
    const page = pageOf(rows, request.limit, deadLetterView);
    // The tenant's own records: their sealed personal fields are shown opened.
    return { ...page, items: await this.payloads.opened(page.items) };
  }
}

/** The first `limit` rows as a page; the reader fetched one more row when more follow. */
export function pageOf<View>(
  rows: StoredDeadLetter[],
  limit: number,
  view: (letter: StoredDeadLetter) => View,
): { items: View[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor: rows.length > limit ? encodeCursor({ parkedAt: last.parkedAt, id: last.id }) : null,
  };
}

export function deadLetterView(letter: StoredDeadLetter): DeadLetterView {
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
