import { compileEmailTemplate, TemplateError } from '@switchboard/rendering';
import { TemplateApiError } from './template-api.error';

/** Compiles a would-be version so that broken MJML is refused before it is stored. */
export async function assertRenderable(source: { subject: string; mjml: string }): Promise<void> {
  try {
    await compileEmailTemplate(source);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new TemplateApiError('INVALID_TEMPLATE', 'the template does not compile', error.problems);
  }
}
