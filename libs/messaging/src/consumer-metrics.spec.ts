import { ConsumerMetrics } from './consumer-metrics';

describe('ConsumerMetrics', () => {
  it('writes whether each group consumes, its restarts and the batches it skipped, in Prometheus text', () => {
    const metrics = new ConsumerMetrics();
    metrics.setUp('ingest', true);
    metrics.setUp('ingest-upstream', false);
    metrics.countRestart('ingest-upstream');
    metrics.countSkippedBatch('ingest-upstream', 'shop.events.v1', 'undecodable');
    metrics.countSkippedBatch('ingest-upstream', 'shop.events.v1', 'undecodable');

    const text = metrics.prometheusText('ingest');

    expect(text).toContain('# TYPE switchboard_consumer_up gauge');
    expect(text).toContain('switchboard_consumer_up{service="ingest",group="ingest"} 1');
    expect(text).toContain('switchboard_consumer_up{service="ingest",group="ingest-upstream"} 0');
    expect(text).toContain('switchboard_consumer_restarts_total{service="ingest",group="ingest-upstream"} 1');
    expect(text).toContain(
      'switchboard_batches_skipped_total{service="ingest",group="ingest-upstream",topic="shop.events.v1",reason="undecodable"} 2',
    );
    expect(text.endsWith('\n')).toBe(true);
  });

  it('escapes quotes, backslashes and newlines in label values', () => {
    const metrics = new ConsumerMetrics();
    metrics.setUp('a"b\\c\nd', true);
    expect(metrics.prometheusText('x')).toContain('group="a\\"b\\\\c\\nd"');
  });
});
