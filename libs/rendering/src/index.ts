export {
  compileEmailTemplate,
  type CompiledEmailTemplate,
  type EmailTemplateSource,
  type RenderedEmail,
} from './compile-email-template';
export { CompiledTemplateCache, type CompiledTemplateCacheOptions } from './compiled-template-cache';
export { renderInlineEmail, type InlineEmailContent } from './render-inline-email';
export { escapeHtml, toSingleLineHeader } from './escape-html';
export { TemplateError, type TemplateErrorCode } from './template-error';
export { compileTextPart, mergeTemplateErrors, type CompiledTextPart, type LineCompiler } from './text-part';
export { measureSms, type SmsEncoding, type SmsMeasure } from './sms-segments';
