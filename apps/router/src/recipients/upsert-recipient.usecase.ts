import type { RecipientView, UpsertRecipientRequest } from '@switchboard/contracts';
import { type RecipientChanges, RecipientStore, toRecipientView } from './recipient';
import { RecipientError } from './recipient-error';

/** Creates a recipient or changes the fields the request names; null clears a contact point. */
export class UpsertRecipient {
  constructor(private readonly store: RecipientStore) {}

  async execute(
    tenantId: string,
    recipientId: string,
    request: UpsertRecipientRequest,
  ): Promise<{ recipient: RecipientView; created: boolean }> {
    // Quiet hours are computed in this zone later; an unknown one would only fail then.
    if (request.timeZone !== undefined && !isKnownTimeZone(request.timeZone)) {
      throw new RecipientError('RECIPIENT_REFUSED', 'the time zone is not known', [
        { field: 'timeZone', problem: `${request.timeZone} is not an IANA time zone` },
      ]);
    }
    const changes: RecipientChanges = {};
    if (request.email !== undefined) changes.email = request.email;
    if (request.phone !== undefined) changes.phone = request.phone;
    if (request.timeZone !== undefined) changes.timeZone = request.timeZone;
    if (request.locale !== undefined) changes.locale = request.locale;
    const { recipient, created } = await this.store.upsert(tenantId, recipientId, changes);
    return { recipient: toRecipientView(recipient), created };
  }
}

function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
