import type { RecipientView } from '@switchboard/contracts';
import { RecipientStore, toRecipientView } from './recipient';
import { RecipientError } from './recipient-error';

export class GetRecipient {
  constructor(private readonly store: RecipientStore) {}

  async execute(tenantId: string, recipientId: string): Promise<RecipientView> {
    const recipient = await this.store.find(tenantId, recipientId);
    if (!recipient) throw notFound(recipientId);
    return toRecipientView(recipient);
  }
}

export function notFound(recipientId: string): RecipientError {
  return new RecipientError('RECIPIENT_NOT_FOUND', `the tenant has no recipient ${recipientId}`);
}
