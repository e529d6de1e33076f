export const DELIVERY_COUNTERS = [
  'attempts',
  'sent',
  'failed',
  'attemptFailed',
  'retried',
  'deadLettered',
  'failedOver',
  /** Put off to a retry topic, without a provider call, to keep to the tenants' fair shares. */
  'putOffForFairShare',
] as const;
export type DeliveryCounterName = (typeof DELIVERY_COUNTERS)[number];
export type DeliveryCountersSnapshot = Record<DeliveryCounterName, number>;

/** Simple per-provider counts since start, for the status endpoint (metrics come from events). */
export class DeliveryCounters {
  private readonly counts = new Map<string, DeliveryCountersSnapshot>();

  increment(provider: string, counter: DeliveryCounterName): void {
    const counts = this.countsOf(provider);
    counts[counter] += 1;
  }

  snapshot(provider: string): DeliveryCountersSnapshot {
    return { ...this.countsOf(provider) };
  }

  private countsOf(provider: string): DeliveryCountersSnapshot {
    let counts = this.counts.get(provider);
    if (!counts) {
      counts = Object.fromEntries(DELIVERY_COUNTERS.map((name) => [name, 0])) as DeliveryCountersSnapshot;
      this.counts.set(provider, counts);
    }
    return counts;
  }
}
