import {
  ImportedRecipient,
  type ImportedRecipientResult,
  type ImportRecipientsResponse,
  validate,
  type ValidationProblem,
} from '@switchboard/contracts';
import { type ImportedProfile, RecipientStore } from './recipient';
import { cleanProfile, wholeProfile } from './recipient-profile';

export interface ImportRecipientsOutcome {
  /** 200 when every item was written, 207 (multi-status) otherwise. */
  status: 200 | 207;
  body: ImportRecipientsResponse;
}

/**
 * Writes a batch of whole profiles (each as PUT would) in one bulk statement, and reports every
 * item: created, updated, or rejected with the fields that are wrong. An item naming a recipient
 * an earlier item of the batch named is rejected: which of the two should win is not clear.
 */
export class ImportRecipients {
  constructor(private readonly store: RecipientStore) {}

  async execute(tenantId: string, items: readonly unknown[]): Promise<ImportRecipientsOutcome> {
    const rejected: ImportedRecipientResult[] = [];
    const accepted: Array<ImportedProfile & { index: number }> = [];
    const firstIndexOf = new Map<string, number>();
    items.forEach((item, index) => {
      const reject = (recipientId: string | null, problems: ValidationProblem[]) =>
        rejected.push({ index, recipientId, status: 'rejected', problems });
      const named = recipientIdOf(item);
      if (named !== null) {
        const earlier = firstIndexOf.get(named);
        if (earlier !== undefined) {
          return reject(named, [
            { field: 'recipientId', problem: `names the same recipient as item ${earlier} of this batch` },
          ]);
        }
        firstIndexOf.set(named, index);
      }
      const checked = validate(ImportedRecipient, item);
      if (!checked.ok) return reject(named, checked.problems);
      const { recipientId, ...request } = checked.value;
      const cleaned = cleanProfile(request);
      if (!cleaned.ok) return reject(recipientId, cleaned.problems);
      accepted.push({ index, recipientId, profile: wholeProfile(cleaned.changes) });
    });

    const created = await this.store.importProfiles(tenantId, accepted);
    const results: ImportedRecipientResult[] = [
      ...accepted.map(({ index, recipientId }) => ({
        index,
        recipientId,
        status: created.has(recipientId) ? ('created' as const) : ('updated' as const),
      })),
      ...rejected,
    ].sort((left, right) => left.index - right.index);
    return {
      status: rejected.length === 0 ? 200 : 207,
      body: {
        created: created.size,
        updated: accepted.length - created.size,
        rejected: rejected.length,
        results,
      },
    };
  }
}

/** The id of a rejected item when it has a usable one, so the caller can match the result up. */
function recipientIdOf(item: unknown): string | null {
  if (typeof item !== 'object' || item === null || !('recipientId' in item)) return null;
  const checked = validate(ImportedRecipient.shape.recipientId, item.recipientId);
  return checked.ok ? checked.value : null;
}
