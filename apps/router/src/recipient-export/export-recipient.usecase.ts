import type { RouterRecipientExport } from '@switchboard/contracts';
import type { PreferenceStore } from '../preferences/preference';
import { type RecipientStore, toRecipientView } from '../recipients/recipient';
import type { RecipientExportRepository } from './recipient-export.repository';

/**
 * What the router holds about one person: profile and contact points, preferences, the
 * suppressions of their addresses and the recurring schedules addressed to them. Each is bounded
 * by the person (a handful of addresses and schedules), so it is answered in one piece.
 */
export class ExportRecipient {
  constructor(
    private readonly recipients: RecipientStore,
    private readonly preferences: PreferenceStore,
    private readonly store: RecipientExportRepository,
  ) {}

  async execute(tenantId: string, recipientId: string): Promise<RouterRecipientExport> {
    const [recipient, preferences, recurringSchedules] = await Promise.all([
      this.recipients.find(tenantId, recipientId),
      this.preferences.find(tenantId, recipientId),
      this.store.recurringSchedulesOf(tenantId, recipientId),
    ]);
    const profile = recipient ? toRecipientView(recipient) : null;
    const addresses = profile
      ? [
          profile.email,
          profile.phone,
          ...profile.pushSubscriptions.map((subscription) => subscription.endpoint),
        ].filter((address): address is string => address !== null)
      : [];
    return {
      profile,
      // Stored preferences only: the defaults of a person who never set any are not data about them.
      preferences: preferences?.updatedAt ? preferences.preferences : null,
      suppressions: await this.store.suppressionsOf(tenantId, addresses),
      recurringSchedules,
    };
  }
}
