import { MetricsError } from './metrics-error';
import { formatPrometheusText, type MetricFamily } from './prometheus-text';

describe('formatPrometheusText', () => {
  it('writes HELP and TYPE once per metric, then one line per series', () => {
    const text = formatPrometheusText([
      {
        name: 'switchboard_delivery_events_total',
        help: 'Delivery events recorded',
        type: 'counter',
        samples: [
          { labels: { channel: 'email', provider: 'ses', type: 'sent' }, value: 12 },
          { labels: { channel: 'email', provider: 'ses', type: 'attempt-failed' }, value: 3 },
        ],
      },
      {
        name: 'switchboard_dead_letters_parked',
        help: 'Dead letters parked',
        type: 'gauge',
        samples: [{ labels: { topic: 'sb.dispatch.sms.normal.v1' }, value: 1 }],
      },
    ]);

    expect(text).toBe(
      [
        '# HELP switchboard_delivery_events_total Delivery events recorded',
        '# TYPE switchboard_delivery_events_total counter',
        'switchboard_delivery_events_total{channel="email",provider="ses",type="sent"} 12',
        'switchboard_delivery_events_total{channel="email",provider="ses",type="attempt-failed"} 3',
        '# HELP switchboard_dead_letters_parked Dead letters parked',
        '# TYPE switchboard_dead_letters_parked gauge',
        'switchboard_dead_letters_parked{topic="sb.dispatch.sms.normal.v1"} 1',
        '',
      ].join('\n'),
    );
  });

  it('escapes backslash, double quote and line feed in label values, and backslash and line feed in HELP', () => {
    const text = formatPrometheusText([
      {
        name: 'escaped',
        help: 'a \\ in help,\nover two lines, with "quotes" kept',
        type: 'gauge',
        samples: [{ labels: { topic: 'C:\\dir "quoted"\nnext' }, value: 1 }],
      },
    ]);

    expect(text.split('\n')).toEqual([
      '# HELP escaped a \\\\ in help,\\nover two lines, with "quotes" kept',
      '# TYPE escaped gauge',
      'escaped{topic="C:\\\\dir \\"quoted\\"\\nnext"} 1',
      '',
    ]);
  });

  it('keeps an empty label value, and writes a series without labels bare', () => {
    const text = formatPrometheusText([
      { name: 'labelled', help: 'h', type: 'gauge', samples: [{ labels: { provider: '' }, value: 0 }] },
      { name: 'bare', help: 'h', type: 'gauge', samples: [{ labels: {}, value: 2 }] },
    ]);

    expect(text).toContain('\nlabelled{provider=""} 0\n');
    expect(text).toContain('\nbare 2\n');
  });

  it('still declares a metric that has no series yet', () => {
    expect(formatPrometheusText([{ name: 'quiet', help: 'nothing yet', type: 'gauge', samples: [] }])).toBe(
      '# HELP quiet nothing yet\n# TYPE quiet gauge\n',
    );
  });

  it('writes large counts whole and non-finite values as Prometheus spells them', () => {
    const values = [2 ** 40, 0.5, Number.NaN, Infinity, -Infinity];
    const text = formatPrometheusText([
      {
        name: 'values',
        help: 'h',
        type: 'gauge',
        samples: values.map((value, index) => ({ labels: { index: String(index) }, value })),
      },
    ]);

    expect(text.split('\n').slice(2, -1)).toEqual([
      'values{index="0"} 1099511627776',
      'values{index="1"} 0.5',
      'values{index="2"} NaN',
      'values{index="3"} +Inf',
      'values{index="4"} -Inf',
    ]);
  });

  it('writes nothing for no metrics', () => {
    expect(formatPrometheusText([])).toBe('');
  });

  function formatError(families: MetricFamily[]): MetricsError | undefined {
    try {
      formatPrometheusText(families);
      return undefined;
    } catch (error) {
      if (error instanceof MetricsError) return error;
      throw error;
    }
  }

  it.each([
    ['a metric name with a dash', 'delivery-events', 'topic'],
    ['a metric name starting with a digit', '1_events', 'topic'],
    ['a label name with a dash', 'events', 'reason-class'],
    ['a reserved label name', 'events', '__name__'],
  ])('refuses %s', (_case, name, label) => {
    const error = formatError([
      { name, help: 'h', type: 'gauge', samples: [{ labels: { [label]: 'x' }, value: 1 }] },
    ]);

    expect(error?.code).toBe('INVALID_NAME');
  });

  it('refuses a metric given twice, which would repeat its HELP and TYPE', () => {
    const family: MetricFamily = { name: 'twice', help: 'h', type: 'gauge', samples: [] };

    expect(formatError([family, family])?.code).toBe('DUPLICATE_METRIC');
  });

  it('refuses the same series twice, whatever the order of its labels', () => {
    const error = formatError([
      {
        name: 'series',
        help: 'h',
        type: 'gauge',
        samples: [
          { labels: { channel: 'email', provider: 'ses' }, value: 1 },
          { labels: { provider: 'ses', channel: 'email' }, value: 2 },
        ],
      },
    ]);

    expect(error?.code).toBe('DUPLICATE_SERIES');
  });
});
