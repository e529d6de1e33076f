import type { SendingSettingsView } from '@switchboard/contracts';
import { SendingSettingsStore, toSendingSettingsView } from './sending-settings';

export class GetSendingSettings {
  constructor(private readonly store: SendingSettingsStore) {}

  /** A tenant that has stored none has the defaults, with no update time. */
  async execute(tenantId: string): Promise<SendingSettingsView> {
    return toSendingSettingsView(await this.store.find(tenantId));
  }
}
