import type { ValidationProblem } from '@switchboard/contracts';
import type { NamedSpan } from './slotted-text';

/** `{{ name }}` or `{{ order.total }}`: identifiers joined by dots, spaces or tabs around. */
const PLACEHOLDER = String.raw`\{\{[ \t]*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)[ \t]*\}\}`;
const PLACEHOLDER_AT = new RegExp(PLACEHOLDER, 'y');
const PLACEHOLDERS = new RegExp(PLACEHOLDER, 'g');

export interface Placeholder {
  variable: string;
  start: number;
  end: number;
  /** 1-based line in the source it was found in. */
  line: number;
}

export interface PlaceholderScan {
  placeholders: Placeholder[];
  problems: ValidationProblem[];
}

const SNIPPET_LENGTH = 30;

/** Every `{{` must open a well-formed placeholder; anything else is reported with its line. */
export function scanPlaceholders(field: string, source: string, reportLines: boolean): PlaceholderScan {
  const placeholders: Placeholder[] = [];
  const problems: ValidationProblem[] = [];
  let line = 1;
  let lineCountedUpTo = 0;
  let from = 0;
  for (let open = source.indexOf('{{', from); open !== -1; open = source.indexOf('{{', from)) {
    line += countLineBreaks(source, lineCountedUpTo, open);
    lineCountedUpTo = open;
    PLACEHOLDER_AT.lastIndex = open;
    const match = PLACEHOLDER_AT.exec(source);
    if (match) {
      placeholders.push({ variable: match[1], start: open, end: open + match[0].length, line });
      from = open + match[0].length;
    } else {
      problems.push({
        field,
        problem: `${reportLines ? `line ${line}: ` : ''}"${snippetAt(source, open)}" is not a variable; write {{ name }} or {{ order.total }}`,
      });
      from = open + 2;
    }
  }
  return { placeholders, problems };
}

function countLineBreaks(source: string, from: number, to: number): number {
  let count = 0;
  for (
    let index = source.indexOf('\n', from);
    index !== -1 && index < to;
    index = source.indexOf('\n', index + 1)
  ) {
    count++;
  }
  return count;
}

function snippetAt(source: string, start: number): string {
  const lineEnd = source.indexOf('\n', start);
  let end = Math.min(start + SNIPPET_LENGTH, lineEnd === -1 ? source.length : lineEnd);
  const close = source.indexOf('}}', start + 2);
  if (close !== -1 && close + 2 <= end) end = close + 2;
  return source.slice(start, end).trimEnd();
}

/** Variable names in order of first use, each once. */
export function distinctVariables(...scans: (readonly Placeholder[])[]): string[] {
  const seen = new Set<string>();
  for (const placeholders of scans) for (const { variable } of placeholders) seen.add(variable);
  return [...seen];
}

/** Placeholders in compiled HTML, trusted to be well-formed: the source was scanned already. */
export function findPlaceholders(html: string): NamedSpan[] {
  return [...html.matchAll(PLACEHOLDERS)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    variable: match[1],
  }));
}
