/** Where a marker (a placeholder or token standing for a variable) sits in compiled HTML. */
export type MarkerPlacement =
  | { kind: 'text' }
  | { kind: 'attribute'; attribute: string; valueStart: number; valueEnd: number }
  | { kind: 'unsafe'; reason: string };

export interface MarkerSpan {
  start: number;
  end: number;
}

type RegionKind = 'text' | 'comment' | 'markup' | 'raw-text' | 'quoted-value' | 'unquoted-value';

interface Region {
  kind: RegionKind;
  start: number;
  end: number;
  /** Attribute name for values, element name for raw text. */
  name: string;
}

// Their content is CSS or JavaScript, where HTML escaping does not make a value safe.
const RAW_TEXT_ELEMENTS = new Set(['style', 'script']);
const TAG_OPENING = /<(\/?)([A-Za-z][^\s/>]*)/y;
const WHITESPACE = /\s/;
const ATTRIBUTE_NAME_END = /[\s/>=]/;
const UNQUOTED_VALUE_END = /[\s>]/;

/**
 * Classifies each marker (sorted by position) by the HTML context around it. The scanner knows just
 * enough HTML for MJML's output: tags with attributes, comments (Outlook's conditional comments
 * included, whose content is treated as comment text) and raw-text elements.
 */
export function placeMarkers(html: string, markers: readonly MarkerSpan[]): MarkerPlacement[] {
  const regions = scanRegions(html);
  let regionIndex = 0;
  return markers.map(({ start, end }) => {
    while (regionIndex < regions.length && regions[regionIndex].end <= start) regionIndex++;
    const region = regions[regionIndex];
    if (!region || region.start > start || region.end < end) {
      return { kind: 'unsafe', reason: 'straddles HTML markup' };
    }
    return placementIn(region);
  });
}

function placementIn(region: Region): MarkerPlacement {
  switch (region.kind) {
    case 'text':
    case 'comment':
      return { kind: 'text' };
    case 'quoted-value':
      if (region.name === 'style') return { kind: 'unsafe', reason: 'is inside a style attribute (CSS)' };
      if (region.name.startsWith('on')) {
        return { kind: 'unsafe', reason: `is inside the ${region.name} attribute (JavaScript)` };
      }
      return { kind: 'attribute', attribute: region.name, valueStart: region.start, valueEnd: region.end };
    case 'unquoted-value':
      return { kind: 'unsafe', reason: `is inside the unquoted value of the ${region.name} attribute` };
    case 'raw-text':
      return {
        kind: 'unsafe',
        reason: `is inside a <${region.name}> element (${region.name === 'style' ? 'CSS' : 'JavaScript'})`,
      };
    case 'markup':
      return { kind: 'unsafe', reason: 'is inside a tag, outside any attribute value' };
  }
}

function scanRegions(html: string): Region[] {
  const regions: Region[] = [];
  const add = (kind: RegionKind, start: number, end: number, name = '') => {
    if (end > start) regions.push({ kind, start, end, name });
  };
  const length = html.length;
  let lowerCaseHtml: string | undefined;
  let position = 0;
  while (position < length) {
    const open = html.indexOf('<', position);
    if (open === -1) {
      add('text', position, length);
      break;
    }
    add('text', position, open);
    if (html.startsWith('<!--', open)) {
      const close = html.indexOf('-->', open + 4);
      position = close === -1 ? length : close + 3;
      add('comment', open, position);
      continue;
    }
    if (html[open + 1] === '!' || html[open + 1] === '?') {
      const close = html.indexOf('>', open);
      position = close === -1 ? length : close + 1;
      add('markup', open, position);
      continue;
    }
    TAG_OPENING.lastIndex = open;
    const tag = TAG_OPENING.exec(html);
    if (!tag) {
      add('text', open, open + 1);
      position = open + 1;
      continue;
    }
    position = scanAttributes(html, open, open + tag[0].length, add);
    const element = tag[2].toLowerCase();
    if (tag[1] === '' && RAW_TEXT_ELEMENTS.has(element)) {
      lowerCaseHtml ??= html.toLowerCase();
      const close = lowerCaseHtml.indexOf(`</${element}`, position);
      const end = close === -1 ? length : close;
      add('raw-text', position, end, element);
      position = end;
    }
  }
  return regions;
}

/** Adds the tag's markup and attribute value regions; answers the position after the tag. */
function scanAttributes(
  html: string,
  tagStart: number,
  from: number,
  add: (kind: RegionKind, start: number, end: number, name?: string) => void,
): number {
  const length = html.length;
  let markupStart = tagStart;
  let position = from;
  while (position < length) {
    while (position < length && (WHITESPACE.test(html[position]) || html[position] === '/')) position++;
    if (position >= length) break;
    if (html[position] === '>') {
      position++;
      break;
    }
    const nameStart = position;
    while (position < length && !ATTRIBUTE_NAME_END.test(html[position])) position++;
    if (position === nameStart) {
      position++; // a stray '=' where a name should be
      continue;
    }
    const attribute = html.slice(nameStart, position).toLowerCase();
    let valueStart = position;
    while (valueStart < length && WHITESPACE.test(html[valueStart])) valueStart++;
    if (html[valueStart] !== '=') continue;
    valueStart++;
    while (valueStart < length && WHITESPACE.test(html[valueStart])) valueStart++;
    const quote = html[valueStart];
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, valueStart + 1);
      const valueEnd = close === -1 ? length : close;
      add('markup', markupStart, valueStart + 1);
      add('quoted-value', valueStart + 1, valueEnd, attribute);
      markupStart = valueEnd;
      position = Math.min(valueEnd + 1, length);
    } else {
      let valueEnd = valueStart;
      while (valueEnd < length && !UNQUOTED_VALUE_END.test(html[valueEnd])) valueEnd++;
      add('markup', markupStart, valueStart);
      add('unquoted-value', valueStart, valueEnd, attribute);
      markupStart = valueEnd;
      position = valueEnd;
    }
  }
  add('markup', markupStart, position);
  return position;
}
