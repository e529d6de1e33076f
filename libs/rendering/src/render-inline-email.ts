import type { RenderedEmail } from './compile-email-template';
import { escapeHtml, toSingleLineHeader } from './escape-html';
import { htmlToPlainText } from './plain-text';
import { TemplateError } from './template-error';

export interface InlineEmailContent {
  subject: string;
  text?: string;
  html?: string;
}

/** An inline message gets the part it lacks: html built from its text, or text derived from its html. */
export function renderInlineEmail(content: InlineEmailContent): RenderedEmail {
  const subject = toSingleLineHeader(content.subject);
  if (content.html !== undefined) {
    return { subject, html: content.html, text: content.text ?? htmlToPlainText(content.html) };
  }
  if (content.text !== undefined) {
    return { subject, html: textToHtml(subject, content.text), text: content.text };
  }
  throw new TemplateError('MISSING_CONTENT', [
    { field: 'text', problem: 'an inline message needs text or html' },
  ]);
}

const PARAGRAPH_BREAK = /\n[ \t]*\n\s*/;

/** Paragraphs at blank lines, <br> at single line breaks, every character escaped. */
function textToHtml(subject: string, text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(PARAGRAPH_BREAK)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`);
  return [
    '<!doctype html>',
    '<html>',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    '<body>',
    ...paragraphs,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
