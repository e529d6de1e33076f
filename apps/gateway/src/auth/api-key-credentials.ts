import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'sb_live_';
// 256 bits: guessing a key is hopeless, which is what lets the hash below go unsalted.
const API_KEY_RANDOM_BYTES = 32;

/** A new key: the prefix (so a leaked key is easy to recognise and scan for) and 43 url-safe characters. */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(API_KEY_RANDOM_BYTES).toString('base64url')}`;
}

/**
 * Keys are long random strings, so an unsalted sha256 is enough to make a stolen table useless.
 * Looking a key up by its hash also needs no constant-time compare: an index lookup's timing can
 * only reveal a prefix of the hash, which says nothing about the key.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key of an `Authorization: Bearer <key>` header, or undefined when there is none. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return match?.[1];
}
