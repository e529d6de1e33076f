import { metrics as globalMetrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { Metrics } from './metrics';

class CollectingReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function collectedPoints(reader: CollectingReader) {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics.flatMap((scope) =>
    scope.metrics.map((metric) => ({
      scope: scope.scope.name,
      name: metric.descriptor.name,
      points: metric.dataPoints.map(({ attributes, value }) => ({ attributes, value })),
    })),
  );
}

describe('Metrics', () => {
  it('counts by name and attributes, reusing one instrument per name', async () => {
    const reader = new CollectingReader();
    const metrics = new Metrics('sender-email', new MeterProvider({ readers: [reader] }));

    metrics.increment('switchboard.deliveries', { channel: 'email', outcome: 'sent' });
    metrics.increment('switchboard.deliveries', { channel: 'email', outcome: 'sent' }, 2);
    metrics.increment('switchboard.deliveries', { channel: 'email', outcome: 'failed' });

    expect(metrics.counter('switchboard.deliveries')).toBe(metrics.counter('switchboard.deliveries'));
    expect(await collectedPoints(reader)).toEqual([
      {
        scope: 'sender-email',
        name: 'switchboard.deliveries',
        points: [
          { attributes: { channel: 'email', outcome: 'sent' }, value: 3 },
          { attributes: { channel: 'email', outcome: 'failed' }, value: 1 },
        ],
      },
    ]);
  });

  it('records histogram values', async () => {
    const reader = new CollectingReader();
    const metrics = new Metrics('sender-email', new MeterProvider({ readers: [reader] }));

    metrics.record('switchboard.provider.duration', 120, { provider: 'ses' });
    metrics.record('switchboard.provider.duration', 80, { provider: 'ses' });

    const [histogram] = await collectedPoints(reader);
    expect(histogram.name).toBe('switchboard.provider.duration');
    expect(histogram.points).toEqual([
      {
        attributes: { provider: 'ses' },
        value: expect.objectContaining({ count: 2, sum: 200, min: 80, max: 120 }),
      },
    ]);
  });

  it('starts counting once a global meter provider is registered after it was made', async () => {
    const metrics = new Metrics('router');
    metrics.increment('switchboard.routing.decisions', { decision: 'routed' });
    const reader = new CollectingReader();
    globalMetrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    try {
      metrics.increment('switchboard.routing.decisions', { decision: 'routed' });

      expect(await collectedPoints(reader)).toEqual([
        {
          scope: 'router',
          name: 'switchboard.routing.decisions',
          points: [{ attributes: { decision: 'routed' }, value: 1 }],
        },
      ]);
    } finally {
      globalMetrics.disable();
    }
  });
});
