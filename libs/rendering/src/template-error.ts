import type { ValidationProblem } from '@switchboard/contracts';

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

export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    readonly code: TemplateErrorCode,
    readonly problems: ValidationProblem[],
  ) {
    super(`${code}: ${problems.map(({ field, problem }) => `${field}: ${problem}`).join('; ')}`);
  }
}
