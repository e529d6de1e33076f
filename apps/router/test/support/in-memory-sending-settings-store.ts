import type { SendingSettings } from '@switchboard/contracts';
import {
  SendingSettingsStore,
  type StoredSendingSettings,
} from '../../src/sending-settings/sending-settings';

/** The sending settings table's rules without a database, for use-case specs. */
export class InMemorySendingSettingsStore extends SendingSettingsStore {
  readonly stored = new Map<string, StoredSendingSettings>();
  queries = 0;

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  async find(tenantId: string): Promise<StoredSendingSettings | undefined> {
    return this.stored.get(tenantId);
  }

  async put(tenantId: string, settings: SendingSettings): Promise<StoredSendingSettings> {
    const stored = { tenantId, settings, updatedAt: this.now() };
    this.stored.set(tenantId, stored);
    return stored;
  }

  async listForTenants(tenantIds: readonly string[]): Promise<StoredSendingSettings[]> {
    this.queries += 1;
    return tenantIds.flatMap((tenantId) => this.stored.get(tenantId) ?? []);
  }
}
