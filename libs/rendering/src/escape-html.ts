const HAS_HTML_SPECIAL_CHARACTER = /[&<>"']/;
const HTML_SPECIAL_CHARACTERS = /[&<>"']/g;
const HTML_ENTITY_BY_CHARACTER: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in element text and in quoted attribute values (either quote). */
export function escapeHtml(value: string): string {
  if (!HAS_HTML_SPECIAL_CHARACTER.test(value)) return value;
  return value.replace(HTML_SPECIAL_CHARACTERS, (character) => HTML_ENTITY_BY_CHARACTER[character]);
}

// A line break in a subject would let a value start a header of its own (header injection).
// eslint-disable-next-line no-control-regex -- control characters are what it removes
const HEADER_BREAKING_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f\u0085\u2028\u2029]+/g;

/** A subject on one line: line breaks and control characters (tab aside) become one space. */
export function toSingleLineHeader(value: string): string {
  return value.replace(HEADER_BREAKING_CHARACTERS, ' ');
}
