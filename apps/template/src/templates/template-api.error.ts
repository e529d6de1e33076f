import type { ValidationProblem } from '@switchboard/contracts';

export type TemplateApiErrorCode = 'TEMPLATE_KEY_TAKEN' | 'TEMPLATE_NOT_FOUND' | 'INVALID_TEMPLATE';

export class TemplateApiError extends Error {
  constructor(
    readonly code: TemplateApiErrorCode,
    message: string,
    readonly problems: ValidationProblem[] = [],
  ) {
    super(message);
  }
}
