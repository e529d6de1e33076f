import type { ChannelName } from '@switchboard/contracts';
import type { BlindIndex, BlindIndexKind } from '@switchboard/encryption';

// What a suppression's address is on each channel, which decides how it is normalised and keyed.
const ADDRESS_KIND: Record<ChannelName, BlindIndexKind> = {
  email: 'email',
  sms: 'phone',
  push: 'push-endpoint',
  inapp: 'recipient-id',
};

/** The blind index a suppressed address is kept under once its recipient is erased. */
export function suppressedAddressIndex(
  blindIndex: BlindIndex,
  suppression: { tenantId: string; channel: ChannelName; address: string },
): string {
  return blindIndex.compute({
    tenantId: suppression.tenantId,
    kind: ADDRESS_KIND[suppression.channel],
    value: suppression.address,
  });
}
