import { compile } from 'html-to-text';

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const TABLE_CELLS = ['td', 'th'];

// Plain-text part of an email: no images, no hidden preview text, no shouting headings, and no
// hard wrapping (the mail transport's quoted-printable encoding takes care of long lines). Table
// cells are spaced rather than aligned in columns: widths measured at compile time, with variables
// still unfilled, would be wrong once values are in.
const convertHtmlToText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'div[style*="display:none"]', format: 'skip' },
    ...HEADINGS.map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    ...TABLE_CELLS.map((selector) => ({
      selector,
      format: 'inlineSurround',
      options: { prefix: '', suffix: '  ' },
    })),
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
});

const SPACE_AROUND_LINES = /^[ \t]+|[ \t]+$/gm;
const BLANK_LINES = /\n{3,}/g;

export function htmlToPlainText(html: string): string {
  return convertHtmlToText(html).replace(SPACE_AROUND_LINES, '').replace(BLANK_LINES, '\n\n').trim();
}
