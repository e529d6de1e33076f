import type { OperatorDeadLetterPage } from '@switchboard/contracts';
import type { DeadLetterScope } from './dead-letters.repository';
import {
  deadLetterView,
  pageOf,
  type DeadLetterReader,
  type ListDeadLettersRequest,
} from './list-dead-letters.usecase';

/**
 * One newest-first page of dead letters across tenants, for the platform's operators: each shows its
 * tenant, or null when none could be read (such a letter is nobody else's to see).
 */
export class ListOperatorDeadLettersUsecase {
  constructor(private readonly deadLetters: DeadLetterReader) {}

  async execute(scope: DeadLetterScope, request: ListDeadLettersRequest): Promise<OperatorDeadLetterPage> {
    const rows = await this.deadLetters.list(scope, request);
    return pageOf(rows, request.limit, (letter) => ({
      ...deadLetterView(letter),
      tenantId: letter.tenantId,
    }));
  }
}
