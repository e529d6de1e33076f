import type { ValidationProblem } from '@switchboard/contracts';
import { cutText } from '@switchboard/security';

export type TemplateErrorCode =
  /** MJML that does not parse or fails strict validation; problems carry line numbers. */
  | 'INVALID_MJML'
  /** A malformed `{{ ... }}` or a variable placed where escaping cannot make it safe (CSS, script). */
  | 'INVALID_SYNTAX'
  /** The data lacks a variable the template uses. */
  | 'MISSING_VARIABLE'
  /** The data has the variable but its value cannot be rendered (object, array, unsafe URL). */
  | 'INVALID_VARIABLE'
  /** An inline message with neither text nor html. */
  | 'MISSING_CONTENT';

// Bounds on what an error quotes. A template stored before variable names were limited may use a
// name of any length, and every message rendered with it fails: failing it must stay cheap.
/** The most characters of a problem's field (a variable name, `sms.text`) an error keeps. */
export const TEMPLATE_ERROR_FIELD_LIMIT = 160;
/** The most characters of a problem's description an error keeps. */
export const TEMPLATE_ERROR_PROBLEM_LIMIT = 500;
/** How many problems the error's message lists; `problems` has every one. */
const PROBLEMS_IN_MESSAGE = 10;

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  /** Every problem, its field and description cut to their limits. */
  readonly problems: ValidationProblem[];

  constructor(
    readonly code: TemplateErrorCode,
    problems: ValidationProblem[],
  ) {
    super(summary(code, problems));
    this.problems = problems.map(bounded);
  }
}

function bounded({ field, problem }: ValidationProblem): ValidationProblem {
  return {
    field: cutText(field, TEMPLATE_ERROR_FIELD_LIMIT),
    problem: cutText(problem, TEMPLATE_ERROR_PROBLEM_LIMIT),
  };
}

function summary(code: TemplateErrorCode, problems: readonly ValidationProblem[]): string {
  const listed = problems.slice(0, PROBLEMS_IN_MESSAGE).map(bounded);
  const more = problems.length - listed.length;
  return `${code}: ${listed.map(({ field, problem }) => `${field}: ${problem}`).join('; ')}${
    more > 0 ? `; and ${more} more` : ''
  }`;
}
