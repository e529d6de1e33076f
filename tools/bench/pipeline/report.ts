// Numbers into text: a line per phase while the bench runs, then the summary and the CPU tables.
import type { CpuUsage } from './process-cpu';
import { acceptanceRate, HOP_STAGES, percentile, STAGES, throughput, type PhaseResult } from './phases';

/** A figure of one pipeline, or why it could not be measured. */
export type Figure = { value: number } | { notMeasured: string };

export interface SummaryRow {
  label: string;
  distributed: Figure;
  inProcess: Figure;
  /** A goal for the distributed pipeline (the platform as it runs). */
  target?: { comparison: '>=' | '<='; value: number };
  format: (value: number) => string;
}

export const formatInteger = (value: number): string => Math.round(value).toLocaleString('en-US');
export const formatMilliseconds = (value: number): string => value.toFixed(1);
const formatSeconds = (value: number): string => value.toFixed(1);
const formatShare = (cores: number): string => `${Math.round(cores * 100)}%`;

/** A run left out with --runs. */
export const NOT_RUN: Figure = { notMeasured: 'not run' };

export function measured(value: number | undefined, reason: string): Figure {
  return value === undefined || !Number.isFinite(value) ? { notMeasured: reason } : { value };
}

function valueOf(figure: Figure): number | undefined {
  return 'value' in figure ? figure.value : undefined;
}

function cellOf(figure: Figure, format: (value: number) => string): string {
  if ('value' in figure) return format(figure.value);
  return figure === NOT_RUN ? 'not run' : 'not measured';
}

export function describePhase(result: PhaseResult): string {
  const rate = throughput(result);
  const sent =
    rate === undefined
      ? `${formatInteger(result.sent)} of ${formatInteger(result.messages)} sent` +
        (result.notSent > 0 ? `, ${result.notSent} not sent (${result.notSentReasons.join('; ')})` : '') +
        (result.unsent > 0 ? `, ${result.unsent} still unsent when the bench stopped waiting` : '')
      : `all sent ${formatSeconds((result.lastSentAt - result.firstRequestAt) / 1000)} s after the first request = ${formatInteger(rate)} msgs/s`;
  const latency =
    result.latenciesMs.length === 0
      ? 'no latency (nothing sent)'
      : `latency p50 ${formatMilliseconds(percentile(result.latenciesMs, 50))} ms, ` +
        `p99 ${formatMilliseconds(percentile(result.latenciesMs, 99))} ms, ` +
        `max ${formatMilliseconds(Math.max(...result.latenciesMs))} ms`;
  const schedule =
    result.scheduleLatenessMs.length === 0
      ? ''
      : ` (the bench's own timer lateness: p99 ${formatMilliseconds(percentile(result.scheduleLatenessMs, 99))} ms)`;
  return (
    `${formatInteger(result.messages)} messages accepted in ${formatSeconds((result.lastAcceptedAt - result.firstRequestAt) / 1000)} s ` +
    `(${formatInteger(acceptanceRate(result))} msgs/s); ${sent}; ${latency}${schedule}; ` +
    `at the emulator: ${result.outbox.missing} missing, ${result.outbox.duplicates} sent twice`
  );
}

export function renderSummary(rows: SummaryRow[]): string {
  const header = ['figure', 'distributed', 'in-process', 'distributed/in-process', 'target', 'target met'];
  const lines = rows.map((row) => {
    const distributed = valueOf(row.distributed);
    const inProcess = valueOf(row.inProcess);
    const met =
      row.target === undefined
        ? ''
        : distributed === undefined
          ? 'n/a'
          : (
                row.target.comparison === '>='
                  ? distributed >= row.target.value
                  : distributed <= row.target.value
              )
            ? 'PASS'
            : 'MISS';
    return [
      row.label,
      cellOf(row.distributed, row.format),
      cellOf(row.inProcess, row.format),
      distributed === undefined || inProcess === undefined || inProcess === 0
        ? '-'
        : `${(distributed / inProcess).toFixed(2)}x`,
      row.target ? `${row.target.comparison} ${row.format(row.target.value)}` : '',
      met,
    ];
  });
  return renderTable(header, lines);
}

/** p50 / p99 of each part of the latency, one column per pipeline and phase. */
export function renderStages(columns: Array<{ heading: string; phase: PhaseResult }>): string {
  const cell = (samples: number[]) =>
    samples.length === 0
      ? '-'
      : `${formatMilliseconds(percentile(samples, 50))} / ${formatMilliseconds(percentile(samples, 99))}`;
  const byHop = columns.some(({ phase }) => phase.hopLatenciesMs[HOP_STAGES[0].name].length > 0);
  const rows = [
    ...STAGES.map(({ name }) => [name, ...columns.map(({ phase }) => cell(phase.stageLatenciesMs[name]))]),
    ['request -> sent, in all', ...columns.map(({ phase }) => cell(phase.latenciesMs))],
    ...(byHop
      ? [
          ['accepted -> sent, hop by hop:', ...columns.map(() => '')],
          ...HOP_STAGES.map(({ name }) => [
            `  ${name}`,
            ...columns.map(({ phase }) => cell(phase.hopLatenciesMs[name])),
          ]),
        ]
      : []),
  ];
  return renderTable(['p50 / p99 (ms)', ...columns.map(({ heading }) => heading)], rows);
}

/**
 * CPU per process over a phase, also per message. Labels `PostgreSQL for <name>` are shown beside
 * <name> (the backends serving its connections); what no measured process used is "other processes".
 */
export function renderCpu(
  usage: CpuUsage,
  order: string[],
  pipeline: { name: string; labels: string[]; messages: number },
): string {
  const secondsOf = (label: string) => usage.byLabel.get(label)?.seconds ?? 0;
  const postgresSeconds = [...usage.byLabel.keys()]
    .filter((label) => label.startsWith('PostgreSQL'))
    .reduce((sum, label) => sum + secondsOf(label), 0);
  const measuredSeconds = [...usage.byLabel.values()].reduce((sum, { seconds }) => sum + seconds, 0);
  const otherSeconds = Math.max(0, usage.machineBusySeconds - measuredSeconds);
  const wall = Math.max(usage.wallSeconds, 0.001);
  const perMessage = (seconds: number) => ((1000 * seconds) / Math.max(pipeline.messages, 1)).toFixed(2);
  const row = (label: string, seconds: number, peak: string, backends?: number) => [
    label,
    formatSeconds(seconds),
    perMessage(seconds),
    formatShare(seconds / wall),
    peak,
    backends === undefined ? '' : formatSeconds(backends),
    backends === undefined ? '' : perMessage(backends),
  ];
  const rows = order
    .filter((label) => usage.byLabel.has(label))
    .map((label) => {
      const own = usage.byLabel.get(label) as { seconds: number; peakCores: number };
      const backends = usage.byLabel.get(`PostgreSQL for ${label}`);
      return row(label, own.seconds, formatShare(own.peakCores), backends?.seconds);
    });
  const cost = pipelineCost(usage, pipeline.labels, pipeline.messages);
  rows.push(
    row('PostgreSQL, all its processes', postgresSeconds, ''),
    row('other processes on the machine', otherSeconds, ''),
    row(`machine (${usage.cores} cores)`, usage.machineBusySeconds, ''),
    row(pipeline.name, cost.seconds, ''),
  );
  return renderTable(
    [
      'process',
      'CPU s',
      'ms/message',
      'avg of a core',
      'peak 1-s',
      'its PostgreSQL backends, s',
      'ms/message',
    ],
    rows,
  );
}

/** CPU the pipeline's own processes and their PostgreSQL backends used, in all and per message. */
export function pipelineCost(
  usage: CpuUsage,
  labels: string[],
  messages: number,
): { seconds: number; millisecondsPerMessage: number } {
  const seconds = labels.reduce(
    (sum, label) =>
      sum +
      (usage.byLabel.get(label)?.seconds ?? 0) +
      (usage.byLabel.get(`PostgreSQL for ${label}`)?.seconds ?? 0),
    0,
  );
  return { seconds, millisecondsPerMessage: (1000 * seconds) / Math.max(messages, 1) };
}

export function renderTable(header: string[], lines: string[][]): string {
  const widths = header.map((_, column) =>
    Math.max(...[header, ...lines].map((cells) => (cells[column] ?? '').length)),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(render)].join(
    '\n',
  );
}
