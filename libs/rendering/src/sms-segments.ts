export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsMeasure {
  encoding: SmsEncoding;
  /** Septets for GSM-7 (an extension character costs two: escape + code), UTF-16 code units for UCS-2. */
  units: number;
  /** SMS parts the text is sent as; 0 for an empty text. */
  segments: number;
  /** Unicode code points (an emoji is one, though UCS-2 spends two units on it). */
  characters: number;
}

/** GSM 03.38 default alphabet, in code order 0x00–0x7F (0x1B is the escape to the extension table). */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** GSM 03.38 default extension table: each is sent as the escape septet plus its own. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const GSM_BASIC_SET = new Set([...GSM_BASIC].filter((character) => character !== '\u001b'));
const GSM_EXTENSION_SET = new Set(GSM_EXTENSION);

const LIMITS: Record<SmsEncoding, { single: number; perPart: number }> = {
  // A concatenated SMS spends 6 bytes of each part on the user data header (UDH).
  'GSM-7': { single: 160, perPart: 153 },
  'UCS-2': { single: 70, perPart: 67 },
};

/**
 * How an SMS text is encoded and into how many parts it is split. GSM-7 when every character is
 * in the GSM 03.38 default alphabet or its extension table, UCS-2 otherwise. Parts are packed
 * as phones and carriers do: an escape pair or a surrogate pair is never split, so a part may
 * carry one unit fewer than its limit.
 */
export function measureSms(text: string): SmsMeasure {
  if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${typeof text}`);
  const characters = [...text];
  const encoding: SmsEncoding = characters.every(
    (character) => GSM_BASIC_SET.has(character) || GSM_EXTENSION_SET.has(character),
  )
    ? 'GSM-7'
    : 'UCS-2';
  const costs = characters.map((character) =>
    encoding === 'GSM-7' ? (GSM_EXTENSION_SET.has(character) ? 2 : 1) : character.length,
  );
  const units = costs.reduce((sum, cost) => sum + cost, 0);
  return {
    encoding,
    units,
    segments: countSegments(costs, units, LIMITS[encoding]),
    characters: characters.length,
  };
}

function countSegments(costs: number[], units: number, limits: { single: number; perPart: number }): number {
  if (units === 0) return 0;
  if (units <= limits.single) return 1;
  let segments = 1;
  let filled = 0;
  for (const cost of costs) {
    if (filled + cost > limits.perPart) {
      segments++;
      filled = 0;
    }
    filled += cost;
  }
  return segments;
}
