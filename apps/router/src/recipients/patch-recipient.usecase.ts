import {
  ContractValidationError,
  MAX_RECIPIENT_ATTRIBUTES,
  MAX_RECIPIENT_ATTRIBUTES_BYTES,
  type PatchRecipientRequest,
  type RecipientView,
  recipientAttributesSize,
} from '@switchboard/contracts';
import { notFound } from './get-recipient.usecase';
import { RecipientStore, toRecipientView } from './recipient';
import { RecipientError } from './recipient-error';
import { cleanProfile } from './recipient-profile';

/**
 * Changes the fields a PATCH gives (null clears one) and merges `attributes` key by key, null
 * deleting a key, as a JSON merge patch one level deep. The merged attributes must keep to the
 * same limits as a PUT's.
 */
export class PatchRecipient {
  constructor(private readonly store: RecipientStore) {}

  async execute(
    tenantId: string,
    recipientId: string,
    request: PatchRecipientRequest,
  ): Promise<RecipientView> {
    const cleaned = cleanProfile(request);
    if (!cleaned.ok) throw new ContractValidationError('request body', cleaned.problems);
    const { attributes: patch, ...changes } = cleaned.changes;
    const recipient = await this.store.update(tenantId, recipientId, (current) => {
      if (patch === undefined) return changes;
      const attributes = mergeAttributes(current.attributes, patch);
      const problem = attributesProblem(attributes);
      if (problem) {
        throw new RecipientError('RECIPIENT_REFUSED', 'the merged attributes are too large', [
          { field: 'attributes', problem },
        ]);
      }
      return { ...changes, attributes };
    });
    if (!recipient) throw notFound(recipientId);
    return toRecipientView(recipient);
  }
}

export function mergeAttributes(
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const merged = { ...current };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}

function attributesProblem(attributes: Record<string, unknown>): string | undefined {
  const count = Object.keys(attributes).length;
  if (count > MAX_RECIPIENT_ATTRIBUTES) {
    return `would have ${count} attributes once merged; at most ${MAX_RECIPIENT_ATTRIBUTES} are kept`;
  }
  const size = recipientAttributesSize(attributes);
  if (size > MAX_RECIPIENT_ATTRIBUTES_BYTES) {
    return `would take ${size} bytes as JSON once merged; at most ${MAX_RECIPIENT_ATTRIBUTES_BYTES} are kept`;
  }
  return undefined;
}
