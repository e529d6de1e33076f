import {
  ImportedRecipient,
  type ImportedRecipientResult,
  type ImportRecipientsResponse,
  validate,
} from '@switchboard/contracts';
import { GatewayError } from '../gateway-error';
import type { UpstreamAnswer } from '../internal-services/internal-service-client';

/** The router call an import needs: whole profiles in, results indexed by position out. */
export interface RecipientImporter {
  importRecipients(tenantId: string, recipients: readonly ImportedRecipient[]): Promise<UpstreamAnswer>;
}

/**
 * The most JSON sent to the router in one call: its body limit is 256 KiB, and a batch of 1,000
 * profiles with large attributes is several MiB.
 */
export const MAX_ROUTER_CALL_BYTES = 192 * 1024;

export interface ImportRecipientsOutcome {
  /** 200 when every item was written, 207 (multi-status) otherwise. */
  status: 200 | 207;
  body: ImportRecipientsResponse;
}

interface PendingItem {
  index: number;
  recipient: ImportedRecipient;
  bytes: number;
}

/**
 * Checks each item of a bulk import on its own (a repeated recipient id is rejected for the later
 * item), sends the valid ones to the router in calls that fit its body limit, and reports every
 * item at its position. Calls already made stay made when a later one fails (503): each item is
 * a whole profile, so the caller can send the same batch again.
 */
export class ImportRecipients {
  constructor(
    private readonly router: RecipientImporter,
    private readonly maxCallBytes = MAX_ROUTER_CALL_BYTES,
  ) {}

  async execute(tenantId: string, items: readonly unknown[]): Promise<ImportRecipientsOutcome> {
    const results: ImportedRecipientResult[] = [];
    const pending: PendingItem[] = [];
    const firstIndexOf = new Map<string, number>();
    items.forEach((item, index) => {
      const checked = validate(ImportedRecipient, item);
      const named = checked.ok ? checked.value.recipientId : recipientIdOf(item);
      const earlier = named === null ? undefined : firstIndexOf.get(named);
      if (named !== null && earlier === undefined) firstIndexOf.set(named, index);
      if (earlier !== undefined) {
        results.push({
          index,
          recipientId: named,
          status: 'rejected',
          problems: [
            { field: 'recipientId', problem: `names the same recipient as item ${earlier} of this batch` },
          ],
        });
      } else if (!checked.ok) {
        results.push({ index, recipientId: named, status: 'rejected', problems: checked.problems });
      } else {
        const bytes = Buffer.byteLength(JSON.stringify(checked.value), 'utf8');
        pending.push({ index, recipient: checked.value, bytes });
      }
    });

    for (const call of callsOf(pending, this.maxCallBytes)) {
      const answer = await this.router.importRecipients(
        tenantId,
        call.map((item) => item.recipient),
      );
      if (answer.status !== 200 && answer.status !== 207) {
        throw new GatewayError(
          'UPSTREAM_FAILED',
          `the router service answered ${answer.status} to an import`,
        );
      }
      const { results: written } = answer.body as ImportRecipientsResponse;
      const positions = new Set(written.map((result) => result.index));
      if (written.length !== call.length || call.some((_, position) => !positions.has(position))) {
        throw new GatewayError(
          'UPSTREAM_FAILED',
          'the router service did not answer for every imported item',
        );
      }
      for (const result of written) results.push({ ...result, index: call[result.index].index });
    }

    results.sort((left, right) => left.index - right.index);
    const count = (status: ImportedRecipientResult['status']) =>
      results.filter((result) => result.status === status).length;
    const rejected = count('rejected');
    return {
      status: rejected === 0 ? 200 : 207,
      body: { created: count('created'), updated: count('updated'), rejected, results },
    };
  }
}

function* callsOf(items: readonly PendingItem[], maxBytes: number): Generator<PendingItem[]> {
  let call: PendingItem[] = [];
  let bytes = 0;
  for (const item of items) {
    if (call.length > 0 && bytes + item.bytes > maxBytes) {
      yield call;
      call = [];
      bytes = 0;
    }
    call.push(item);
    bytes += item.bytes + 1;
  }
  if (call.length > 0) yield call;
}

/** The id of a rejected item when it has a usable one, so the caller can match the result up. */
function recipientIdOf(item: unknown): string | null {
  if (typeof item !== 'object' || item === null || !('recipientId' in item)) return null;
  const checked = validate(ImportedRecipient.shape.recipientId, item.recipientId);
  return checked.ok ? checked.value : null;
}
