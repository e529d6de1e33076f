import { notFound } from './get-recipient.usecase';
import { RecipientStore } from './recipient';

/** Deletes the recipient with its push subscriptions (they would otherwise keep receiving). */
export class DeleteRecipient {
  constructor(private readonly store: RecipientStore) {}

  async execute(tenantId: string, recipientId: string): Promise<void> {
    if (!(await this.store.delete(tenantId, recipientId))) throw notFound(recipientId);
  }
}
