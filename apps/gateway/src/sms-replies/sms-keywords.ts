/** Replies that opt the number out of the tenant's SMS: the carriers' and CTIA's words, and China's 退订/TD. */
const OPT_OUT_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', '退订', 'TD']);
/** Replies that opt it back in. */
const OPT_IN_KEYWORDS = new Set(['START', 'UNSTOP', 'YES']);

export type ReplyIntent = 'opt-out' | 'opt-in';

/**
 * What a reply asks for, when the whole message is one of the keywords, ignoring surrounding
 * space and case. Full-width letters (ＳＴＯＰ, as some phone keyboards type them) count as theirs.
 * Anything else, "STOP it" included, asks for nothing.
 */
export function replyIntentOf(body: string): ReplyIntent | undefined {
  const word = body.normalize('NFKC').trim().toUpperCase();
  if (OPT_OUT_KEYWORDS.has(word)) return 'opt-out';
  if (OPT_IN_KEYWORDS.has(word)) return 'opt-in';
  return undefined;
}
