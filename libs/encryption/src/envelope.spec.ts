import { randomBytes } from 'node:crypto';
import {
  CIPHERTEXT_PREFIX,
  decryptWithKey,
  encryptWithKey,
  isEncrypted,
  NONCE_BYTES,
  parseCiphertext,
  type DataKeyMaterial,
  type ValueContext,
} from './envelope';
import { EncryptionError } from './encryption-error';

const key: DataKeyMaterial = { keyId: 'k1', material: randomBytes(32) };
const context: ValueContext = { tenantId: 'acme', recipientId: 'user-1', field: 'email' };

function decrypt(text: string, at: ValueContext = context) {
  return decryptWithKey(key.material, parseCiphertext(text), at);
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof EncryptionError) return error.code;
    throw error;
  }
  return undefined;
}

/** The same text with one byte of its decoded body changed at `index` (negative: from the end). */
function withFlippedByte(text: string, index: number): string {
  const prefix = text.slice(0, text.lastIndexOf(':') + 1);
  const body = Buffer.from(text.slice(prefix.length), 'base64url');
  body[index < 0 ? body.length + index : index] ^= 0x01;
  return prefix + body.toString('base64url');
}

describe('envelope encryption of one value', () => {
  it('reads back text and JSON values as they were written', () => {
    const attributes = { plan: 'gold', visits: 3, tags: ['a', 'b'], vip: true, note: null };
    expect(decrypt(encryptWithKey(key, 'jane@example.com', context))).toBe('jane@example.com');
    expect(decrypt(encryptWithKey(key, attributes, context))).toEqual(attributes);
    expect(decrypt(encryptWithKey(key, '', context))).toBe('');
    expect(decrypt(encryptWithKey(key, 'Zoë 👋', context))).toBe('Zoë 👋');
  });

  it('writes sbenc:v1:<key id>:<base64url> with no trace of the plaintext', () => {
    const text = encryptWithKey(key, 'jane@example.com', context);
    expect(text).toMatch(/^sbenc:v1:k1:[A-Za-z0-9_-]+$/);
    expect(text).not.toContain('jane');
    expect(isEncrypted(text)).toBe(true);
    expect(isEncrypted('jane@example.com')).toBe(false);
    // nonce (12) + kind byte + 16 bytes of text + tag (16)
    expect(Buffer.from(text.slice(`${CIPHERTEXT_PREFIX}k1:`.length), 'base64url')).toHaveLength(
      12 + 1 + 16 + 16,
    );
  });

  it('uses a fresh nonce every time, so the same value never gives the same ciphertext', () => {
    const nonces = new Set<string>();
    const texts = new Set<string>();
    for (let round = 0; round < 2000; round += 1) {
      const text = encryptWithKey(key, '+14155550123', context);
      texts.add(text);
      nonces.add(parseCiphertext(text).nonce.toString('hex'));
    }
    expect(nonces.size).toBe(2000);
    expect(texts.size).toBe(2000);
  });

  it('refuses a ciphertext, nonce or tag changed by one bit', () => {
    const text = encryptWithKey(key, 'jane@example.com', context);
    expect(codeOf(() => decrypt(withFlippedByte(text, 0)))).toBe('DECRYPTION_FAILED');
    expect(codeOf(() => decrypt(withFlippedByte(text, NONCE_BYTES + 2)))).toBe('DECRYPTION_FAILED');
    expect(codeOf(() => decrypt(withFlippedByte(text, -1)))).toBe('DECRYPTION_FAILED');
  });

  it('refuses a value moved to another tenant, recipient or field', () => {
    const text = encryptWithKey(key, 'jane@example.com', context);
    expect(codeOf(() => decrypt(text, { ...context, tenantId: 'globex' }))).toBe('DECRYPTION_FAILED');
    expect(codeOf(() => decrypt(text, { ...context, recipientId: 'user-2' }))).toBe('DECRYPTION_FAILED');
    expect(codeOf(() => decrypt(text, { tenantId: 'acme', field: 'email' }))).toBe('DECRYPTION_FAILED');
    expect(codeOf(() => decrypt(text, { ...context, field: 'phone' }))).toBe('DECRYPTION_FAILED');
  });

  it('refuses a value whose key id was rewritten to another key', () => {
    const text = encryptWithKey(key, 'jane@example.com', context);
    const relabelled = text.replace('sbenc:v1:k1:', 'sbenc:v1:k2:');
    expect(codeOf(() => decryptWithKey(key.material, parseCiphertext(relabelled), context))).toBe(
      'DECRYPTION_FAILED',
    );
  });

  it('refuses a value under the wrong data key', () => {
    const text = encryptWithKey(key, 'jane@example.com', context);
    expect(codeOf(() => decryptWithKey(randomBytes(32), parseCiphertext(text), context))).toBe(
      'DECRYPTION_FAILED',
    );
  });

  it.each([
    ['plaintext', 'jane@example.com'],
    ['another version', 'sbenc:v2:k1:AAAA'],
    ['no key id', 'sbenc:v1::AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a body that is not base64url', 'sbenc:v1:k1:not base64!'],
    ['a body too short for nonce and tag', `sbenc:v1:k1:${Buffer.alloc(20).toString('base64url')}`],
  ])('says a value with %s is malformed', (_case, text) => {
    expect(codeOf(() => parseCiphertext(text))).toBe('MALFORMED_CIPHERTEXT');
  });
});
