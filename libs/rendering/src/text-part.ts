import type { ValidationProblem } from '@switchboard/contracts';
import type { CompiledEmailTemplate, EmailTemplateSource } from './compile-email-template';
import { TemplateError } from './template-error';

/** Where compiled lines come from: the compiled template cache, or a plain compile when validating. */
export interface LineCompiler {
  get(lineId: string, source: EmailTemplateSource): Promise<CompiledEmailTemplate>;
}

/** A plain-text part (SMS text, push or in-app title and body, a URL) ready to render. */
export interface CompiledTextPart {
  /** Throws TemplateError 'MISSING_VARIABLE' or 'INVALID_VARIABLE' naming every bad variable. */
  render(data: Record<string, unknown>): string;
}

// Subject rendering is this lib's plain-text engine: the same placeholders and
// variable rules as email, values put in as they are (no HTML escaping), and no line break from a
// value. A text part is rendered a line at a time through it, so the template's own line breaks stay.
const NO_BODY = '<mjml><mj-body></mj-body></mjml>';
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Compiles each line of `source` once (cached under `partId`). Throws TemplateError
 * 'INVALID_SYNTAX' naming `field` (e.g. `sms.text`) and the line for a malformed placeholder.
 */
export async function compileTextPart(
  compiler: LineCompiler,
  partId: string,
  field: string,
  source: string,
): Promise<CompiledTextPart> {
  const lines = source.split(LINE_BREAK);
  const compiled = await Promise.allSettled(
    lines.map((line, index) => compiler.get(`${partId}:${index}`, { subject: line, mjml: NO_BODY })),
  );
  const problems: ValidationProblem[] = [];
  const templates: CompiledEmailTemplate[] = [];
  compiled.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') {
      templates.push(outcome.value);
      return;
    }
    if (!(outcome.reason instanceof TemplateError)) throw outcome.reason;
    const where = lines.length > 1 ? `line ${index + 1}: ` : '';
    problems.push(
      ...outcome.reason.problems.map(({ problem }) => ({ field, problem: `${where}${problem}` })),
    );
  });
  if (problems.length > 0) throw new TemplateError('INVALID_SYNTAX', problems);
  return new LinedTextPart(templates);
}

class LinedTextPart implements CompiledTextPart {
  constructor(private readonly lines: readonly CompiledEmailTemplate[]) {}

  render(data: Record<string, unknown>): string {
    const rendered: string[] = [];
    const errors: TemplateError[] = [];
    for (const line of this.lines) {
      try {
        rendered.push(line.render(data).subject);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        errors.push(error);
      }
    }
    if (errors.length > 0) throw mergeTemplateErrors(errors);
    return rendered.join('\n');
  }
}

/** One error naming each bad variable once, however many lines use it. */
export function mergeTemplateErrors(errors: readonly TemplateError[]): TemplateError {
  const seen = new Set<string>();
  const problems: ValidationProblem[] = [];
  for (const { field, problem } of errors.flatMap((error) => error.problems)) {
    const key = `${field}\u0000${problem}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ field, problem });
  }
  const missing = errors.find((error) => error.code === 'MISSING_VARIABLE');
  return new TemplateError((missing ?? errors[0]).code, problems);
}
