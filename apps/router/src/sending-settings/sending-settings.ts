import { SendingSettings, type SendingSettingsView } from '@switchboard/contracts';

/** A tenant's stored sending settings. */
export interface StoredSendingSettings {
  tenantId: string;
  settings: SendingSettings;
  updatedAt: Date;
}

/** The router's table of tenants' sending settings; a tenant without a row has the defaults. */
export abstract class SendingSettingsStore {
  abstract find(tenantId: string): Promise<StoredSendingSettings | undefined>;

  /** Stores the settings, replacing the tenant's previous ones. */
  abstract put(tenantId: string, settings: SendingSettings): Promise<StoredSendingSettings>;

  /** The settings of those of these tenants that have any, in one query. */
  abstract listForTenants(tenantIds: readonly string[]): Promise<StoredSendingSettings[]>;
}

/** The settings of a tenant that has stored none. */
export function defaultSendingSettings(): SendingSettings {
  return SendingSettings.parse({});
}

export function toSendingSettingsView(stored: StoredSendingSettings | undefined): SendingSettingsView {
  if (!stored) return { ...defaultSendingSettings(), updatedAt: null };
  return { ...stored.settings, updatedAt: stored.updatedAt.toISOString() };
}
