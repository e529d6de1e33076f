import mjml2html from 'mjml';
import { TemplateError } from './template-error';

/** Turns MJML into HTML, or throws TemplateError 'INVALID_MJML'. Injectable for tests. */
export type MjmlCompiler = (mjml: string) => Promise<string>;

interface MjmlValidationError {
  line?: number;
  tagName?: string;
  message?: string;
}

export const compileMjml: MjmlCompiler = async (mjml) => {
  try {
    const result = await mjml2html(mjml, {
      validationLevel: 'strict',
      keepComments: false,
      // Template content comes from API callers: it must never read files of the server.
      ignoreIncludes: true,
    });
    return result.html;
  } catch (error) {
    throw new TemplateError('INVALID_MJML', describeMjmlFailure(error));
  }
};

function describeMjmlFailure(error: unknown): { field: string; problem: string }[] {
  const validationErrors = (error as { errors?: unknown }).errors;
  if (Array.isArray(validationErrors) && validationErrors.length > 0) {
    return validationErrors.map((validationError: MjmlValidationError) => ({
      field: 'mjml',
      problem: `line ${validationError.line ?? '?'}: <${validationError.tagName ?? '?'}> ${(validationError.message ?? '').trim()}`,
    }));
  }
  return [{ field: 'mjml', problem: error instanceof Error ? error.message : String(error) }];
}
