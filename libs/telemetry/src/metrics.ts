import {
  metrics,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type MetricOptions,
} from '@opentelemetry/api';

/**
 * Named counters and histograms, created once and reused. Without a meter provider (none is
 * registered unless telemetry is started with a metric reader) every instrument is a no-op.
 */
export class Metrics {
  private meter?: { provider: MeterProvider; meter: Meter };
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, Histogram>();

  constructor(
    private readonly scope = 'switchboard',
    private readonly meterProvider?: MeterProvider,
  ) {}

  counter(name: string, options?: MetricOptions): Counter {
    const meter = this.currentMeter();
    let counter = this.counters.get(name);
    if (!counter) {
      counter = meter.createCounter(name, options);
      this.counters.set(name, counter);
    }
    return counter;
  }

  histogram(name: string, options?: MetricOptions): Histogram {
    const meter = this.currentMeter();
    let histogram = this.histograms.get(name);
    if (!histogram) {
      histogram = meter.createHistogram(name, options);
      this.histograms.set(name, histogram);
    }
    return histogram;
  }

  increment(name: string, attributes?: Attributes, by = 1): void {
    this.counter(name).add(by, attributes);
  }

  record(name: string, value: number, attributes?: Attributes): void {
    this.histogram(name).record(value, attributes);
  }

  // The global provider can be registered after this helper was made (telemetry started later);
  // instruments made on the earlier no-op provider would stay no-ops, so they are made again.
  private currentMeter(): Meter {
    const provider = this.meterProvider ?? metrics.getMeterProvider();
    if (this.meter?.provider !== provider) {
      this.meter = { provider, meter: provider.getMeter(this.scope) };
      this.counters.clear();
      this.histograms.clear();
    }
    return this.meter.meter;
  }
}
