import { MetricsError } from './metrics-error';

/** The Prometheus text exposition format this writes. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type MetricType = 'counter' | 'gauge';

export interface MetricSample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: readonly MetricSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// Names starting with __ are reserved for Prometheus itself.
const LABEL_NAME = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The families in the Prometheus text format 0.0.4: each family's HELP and TYPE once, then its
 * samples. A family without samples still shows its HELP and TYPE. A name Prometheus would refuse,
 * or a family or series given twice (which fails the whole scrape), is a MetricsError.
 */
export function formatPrometheusText(families: readonly MetricFamily[]): string {
  const names = new Set<string>();
  const lines: string[] = [];
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) {
      throw new MetricsError('INVALID_NAME', `"${family.name}" is not a valid metric name`);
    }
    if (names.has(family.name)) {
      throw new MetricsError('DUPLICATE_METRIC', `metric ${family.name} is given twice`);
    }
    names.add(family.name);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    const series = new Set<string>();
    for (const sample of family.samples) {
      const labels = formatLabels(family.name, sample.labels);
      const seriesKey = JSON.stringify(Object.entries(sample.labels).sort(([a], [b]) => a.localeCompare(b)));
      if (series.has(seriesKey)) {
        throw new MetricsError('DUPLICATE_SERIES', `metric ${family.name} has the series ${labels} twice`);
      }
      series.add(seriesKey);
      lines.push(`${family.name}${labels} ${formatValue(sample.value)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

function formatLabels(metric: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(([name, value]) => {
    if (!LABEL_NAME.test(name)) {
      throw new MetricsError('INVALID_NAME', `metric ${metric}: "${name}" is not a valid label name`);
    }
    return `${name}="${escapeLabelValue(value)}"`;
  });
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

// The format escapes backslash and line feed in HELP, and the double quote as well in label values.
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(value: string): string {
  return escapeHelp(value).replace(/"/g, '\\"');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
