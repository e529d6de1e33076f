import type { DeliveryEvent } from '@switchboard/contracts';
import { type NewSuppression, SuppressionStore, suppressionEntryKey } from './suppression';

/** The longest reason a suppression keeps (as the internal API allows). */
const REASON_LIMIT = 500;

/**
 * Suppresses the email addresses that bounced for good or complained, from the delivery events
 * the email sender publishes for the provider's receipts (the address is in detail.recipient).
 * A transient or undetermined bounce suppresses nothing: the next email may well arrive. Adding
 * an address already suppressed keeps the first suppression, so a repeated event changes nothing.
 */
export class SuppressUndeliverableAddresses {
  constructor(private readonly store: SuppressionStore) {}

  /** How many addresses were newly suppressed. */
  async execute(events: readonly DeliveryEvent[]): Promise<number> {
    const suppressions = new Map<string, NewSuppression>();
    for (const event of events) {
      const suppression = suppressionFor(event);
      if (suppression) suppressions.set(suppressionEntryKey(suppression), suppression);
    }
    if (suppressions.size === 0) return 0;
    return this.store.addMany([...suppressions.values()]);
  }
}

/** The suppression an event calls for, if any. */
export function suppressionFor(event: DeliveryEvent): NewSuppression | undefined {
  if (event.channel !== 'email') return undefined;
  const recipient = event.detail?.recipient;
  if (typeof recipient !== 'string' || recipient.trim() === '') return undefined;
  let reason: string;
  let source: NewSuppression['source'];
  if (event.type === 'bounced' && event.detail?.bounceType === 'Permanent') {
    reason = `bounce: ${event.reason ?? 'Permanent'}`;
    source = 'bounce';
  } else if (event.type === 'complained') {
    reason = event.reason ?? 'complaint';
    source = 'complaint';
  } else {
    return undefined;
  }
  return {
    tenantId: event.tenantId,
    channel: 'email',
    address: recipient.trim(),
    reason: reason.slice(0, REASON_LIMIT),
    source,
  };
}
