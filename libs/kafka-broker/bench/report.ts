// Numbers into text: per-phase lines while the bench runs and the summary table at the end.

/** A figure for one broker, or why it could not be measured. */
export type Figure = { value: number } | { notMeasured: string };

export interface SummaryRow {
  label: string;
  embedded: Figure;
  mock: Figure;
  /** Which way is better, for the comparison with the mock cluster; absent: no comparison. */
  better?: 'higher' | 'lower';
  /** A fixed goal for the embedded broker. */
  target?: { comparison: '>=' | '<='; value: number };
  format: (value: number) => string;
}

export const MEGABYTE = 1_000_000;
export const MEBIBYTE = 1024 * 1024;

export function measured(value: number): Figure {
  return { value };
}

export function notMeasured(reason: string): Figure {
  return { notMeasured: reason };
}

export function valueOf(figure: Figure): number | undefined {
  return 'value' in figure ? figure.value : undefined;
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: number[], percent: number): number {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1)];
}

export const formatInteger = (value: number): string => Math.round(value).toLocaleString('en-US');
export const formatDecimal = (value: number): string => value.toFixed(1);
export const formatMilliseconds = (value: number): string => value.toFixed(2);
export const formatMebibytes = (bytes: number): string => (bytes / MEBIBYTE).toFixed(1);

export function renderSummary(rows: SummaryRow[]): string {
  const header = ['figure', 'embedded', 'mock cluster', 'embedded/mock', 'target', 'target met', 'vs mock'];
  const lines = rows.map((row) => {
    const embedded = valueOf(row.embedded);
    const mock = valueOf(row.mock);
    const target = row.target ? `${row.target.comparison} ${row.format(row.target.value)}` : '';
    const targetMet =
      row.target === undefined
        ? ''
        : embedded === undefined
          ? 'n/a'
          : meets(embedded, row.target)
            ? 'PASS'
            : 'MISS';
    const versusMock =
      row.better === undefined
        ? ''
        : embedded === undefined || mock === undefined
          ? 'n/a'
          : (row.better === 'higher' ? embedded >= mock : embedded <= mock)
            ? 'PASS'
            : 'MISS';
    return [
      row.label,
      embedded === undefined ? 'not measured' : row.format(embedded),
      mock === undefined ? 'not measured' : row.format(mock),
      embedded === undefined || mock === undefined || mock === 0 ? '-' : `${(embedded / mock).toFixed(2)}x`,
      target,
      targetMet,
      versusMock,
    ];
  });
  const widths = header.map((_, column) =>
    Math.max(...[header, ...lines].map((cells) => cells[column].length)),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(render)].join(
    '\n',
  );
}

function meets(value: number, target: { comparison: '>=' | '<='; value: number }): boolean {
  return target.comparison === '>=' ? value >= target.value : value <= target.value;
}
