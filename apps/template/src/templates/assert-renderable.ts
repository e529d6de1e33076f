import type { ValidationProblem } from '@switchboard/contracts';
import {
  compileEmailTemplate,
  compileTextPart,
  type LineCompiler,
  TemplateError,
} from '@switchboard/rendering';
import type { TemplateVersionParts } from './template.repository';
import { TemplateApiError } from './template-api.error';

const compileWithoutCache: LineCompiler = { get: (_lineId, source) => compileEmailTemplate(source) };

/** Compiles every part of a would-be version, so that a broken one is refused before it is stored. */
export async function assertRenderable(parts: TemplateVersionParts): Promise<void> {
  const compiles: Array<Promise<unknown>> = [];
  if (parts.subject !== undefined && parts.mjml !== undefined) {
    compiles.push(compileEmailTemplate({ subject: parts.subject, mjml: parts.mjml }));
  }
  const textFields: Array<[string, string | undefined]> = [
    ['sms.text', parts.sms?.text],
    ['push.title', parts.push?.title],
    ['push.body', parts.push?.body],
    ['push.url', parts.push?.url],
    ['inapp.title', parts.inapp?.title],
    ['inapp.body', parts.inapp?.body],
    ['inapp.actionUrl', parts.inapp?.actionUrl],
  ];
  for (const [field, source] of textFields) {
    if (source !== undefined) compiles.push(compileTextPart(compileWithoutCache, field, field, source));
  }
  const problems: ValidationProblem[] = [];
  for (const outcome of await Promise.allSettled(compiles)) {
    if (outcome.status === 'fulfilled') continue;
    if (!(outcome.reason instanceof TemplateError)) throw outcome.reason;
    problems.push(...outcome.reason.problems);
  }
  if (problems.length > 0) {
    throw new TemplateApiError('INVALID_TEMPLATE', 'the template does not compile', problems);
  }
}
