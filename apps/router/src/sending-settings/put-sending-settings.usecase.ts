import {
  BUILT_IN_MESSAGE_TYPE_KEY,
  type SendingSettings,
  type SendingSettingsView,
} from '@switchboard/contracts';
import { MessageTypeStore } from '../message-types/message-type';
import type { SendingPolicyChanges } from './sending-policy-source';
import { SendingSettingsError } from './sending-settings-error';
import { SendingSettingsStore, toSendingSettingsView } from './sending-settings';

/** Replaces a tenant's settings; the default message type they name must exist. */
export class PutSendingSettings {
  constructor(
    private readonly store: SendingSettingsStore,
    private readonly messageTypes: MessageTypeStore,
    private readonly changes: SendingPolicyChanges,
  ) {}

  async execute(tenantId: string, settings: SendingSettings): Promise<SendingSettingsView> {
    const defaultType = settings.defaultMessageType;
    // Types cannot be deleted, so a default that exists now keeps existing.
    if (
      defaultType !== null &&
      defaultType !== BUILT_IN_MESSAGE_TYPE_KEY &&
      !(await this.messageTypes.find(tenantId, defaultType))
    ) {
      throw new SendingSettingsError(
        'SENDING_SETTINGS_REFUSED',
        `the default message type "${defaultType}" does not exist`,
        [{ field: 'defaultMessageType', problem: `the tenant has no message type "${defaultType}"` }],
      );
    }
    const stored = await this.store.put(tenantId, settings);
    this.changes.forget(tenantId);
    return toSendingSettingsView(stored);
  }
}
