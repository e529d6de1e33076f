import { createHmac } from 'node:crypto';
import {
  linkKeyringSchema,
  parseLinkKeyring,
  PREFERENCE_LINK_LIFETIME_SECONDS,
  signLink,
  verifyLink,
  type LinkClaims,
} from './signed-links';
import { SecurityError } from './security-error';

const SECRET_A = 'a'.repeat(64);
const SECRET_B = Buffer.alloc(32, 7).toString('base64url');
const keyring = parseLinkKeyring(`2026a:${SECRET_A}`);
const issuedAt = new Date('2026-12-01T10:00:00Z');

const unsubscribe: LinkClaims = {
  tenantId: 'acme',
  recipientId: 'user-1',
  category: 'marketing',
  purpose: 'unsubscribe',
};

function parts(token: string): { payload: Record<string, unknown>; signature: string } {
  const [payload, signature] = token.split('.');
  return { payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), signature };
}

function withPayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const { payload, signature } = parts(token);
  change(payload);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

// What a forger who knew the format but not the secret would write: a payload signed with their own key.
function resigned(token: string, secret: string, change: (payload: Record<string, unknown>) => void): string {
  const { payload } = parts(token);
  change(payload);
  const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${encoded}.${createHmac('sha256', secret).update(encoded).digest('base64url')}`;
}

describe('signed links', () => {
  it('verifies a token it signed, with the recipient, tenant, category and purpose it names', () => {
    const token = signLink(unsubscribe, keyring, issuedAt);

    expect(verifyLink(token, 'unsubscribe', keyring, new Date('2031-01-01T00:00:00Z'))).toEqual({
      valid: true,
      link: { ...unsubscribe, issuedAt },
    });
  });

  it('carries an address for a message that named no recipient id', () => {
    const token = signLink(
      { tenantId: 'acme', address: 'ada@example.com', category: 'marketing', purpose: 'unsubscribe' },
      keyring,
      issuedAt,
    );

    const verification = verifyLink(token, 'unsubscribe', keyring, issuedAt);

    expect(verification).toEqual({
      valid: true,
      link: {
        tenantId: 'acme',
        address: 'ada@example.com',
        category: 'marketing',
        purpose: 'unsubscribe',
        issuedAt,
      },
    });
  });

  it('makes tokens safe to put in a URL path', () => {
    expect(signLink(unsubscribe, keyring)).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('expires preference links after 30 days but never unsubscribe links', () => {
    const preferences = signLink({ ...unsubscribe, purpose: 'preferences' }, keyring, issuedAt);
    const lastSecond = new Date(issuedAt.getTime() + (PREFERENCE_LINK_LIFETIME_SECONDS - 1) * 1000);
    const expiry = new Date(issuedAt.getTime() + PREFERENCE_LINK_LIFETIME_SECONDS * 1000);

    expect(verifyLink(preferences, 'preferences', keyring, lastSecond)).toMatchObject({
      valid: true,
      link: { expiresAt: expiry },
    });
    expect(verifyLink(preferences, 'preferences', keyring, expiry)).toEqual({
      valid: false,
      reason: 'expired',
    });
    const unsubscribeToken = signLink(unsubscribe, keyring, issuedAt);
    expect(verifyLink(unsubscribeToken, 'unsubscribe', keyring, new Date('2040-01-01T00:00:00Z')).valid).toBe(
      true,
    );
  });

  it('refuses a token used for the other purpose', () => {
    const unsubscribeToken = signLink(unsubscribe, keyring, issuedAt);
    const preferencesToken = signLink({ ...unsubscribe, purpose: 'preferences' }, keyring, issuedAt);

    expect(verifyLink(unsubscribeToken, 'preferences', keyring, issuedAt)).toEqual({
      valid: false,
      reason: 'wrong-purpose',
    });
    expect(verifyLink(preferencesToken, 'unsubscribe', keyring, issuedAt)).toEqual({
      valid: false,
      reason: 'wrong-purpose',
    });
  });

  it.each([
    ['another recipient', (payload: Record<string, unknown>) => (payload.r = 'user-2')],
    ['another tenant', (payload: Record<string, unknown>) => (payload.t = 'globex')],
    ['another category', (payload: Record<string, unknown>) => (payload.c = 'alert')],
    ['the other purpose', (payload: Record<string, unknown>) => (payload.p = 'preferences')],
    [
      'an address instead of the recipient',
      (payload: Record<string, unknown>) => {
        delete payload.r;
        payload.a = 'eve@example.com';
      },
    ],
    ['a later issue time', (payload: Record<string, unknown>) => (payload.iat = 1_900_000_000)],
  ])('refuses a payload changed to name %s', (_, change) => {
    const token = withPayload(signLink(unsubscribe, keyring, issuedAt), change);

    expect(verifyLink(token, 'unsubscribe', keyring, issuedAt)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyLink(token, 'preferences', keyring, issuedAt).valid).toBe(false);
  });

  it('refuses a payload signed with a secret it does not hold, under a known or an unknown key id', () => {
    const token = signLink(unsubscribe, keyring, issuedAt);
    const forgedSameKeyId = resigned(token, 'b'.repeat(64), (payload) => (payload.r = 'user-2'));
    const forgedNewKeyId = resigned(token, 'b'.repeat(64), (payload) => (payload.k = 'attacker'));

    expect(verifyLink(forgedSameKeyId, 'unsubscribe', keyring, issuedAt)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyLink(forgedNewKeyId, 'unsubscribe', keyring, issuedAt)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a key id switched to another key of the keyring', () => {
    const rotated = parseLinkKeyring(`2026a:${SECRET_A},2025b:${SECRET_B}`);
    const token = withPayload(signLink(unsubscribe, rotated, issuedAt), (payload) => (payload.k = '2025b'));

    expect(verifyLink(token, 'unsubscribe', rotated, issuedAt)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a changed signature, a cut token and text that is not a token', () => {
    const token = signLink(unsubscribe, keyring, issuedAt);
    const [payload, signature] = token.split('.');
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;

    expect(verifyLink(`${payload}.${flipped}`, 'unsubscribe', keyring, issuedAt)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyLink(`${payload}.${signature.slice(0, 20)}`, 'unsubscribe', keyring, issuedAt).valid).toBe(
      false,
    );
    expect(verifyLink(payload, 'unsubscribe', keyring, issuedAt)).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(verifyLink('not a token', 'unsubscribe', keyring, issuedAt)).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(verifyLink(`${'x'.repeat(3000)}.y`, 'unsubscribe', keyring, issuedAt)).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });

  it('keeps verifying links of an older key after a rotation, and signs with the first key', () => {
    const oldKeyring = parseLinkKeyring(`2025b:${SECRET_B}`);
    const rotated = parseLinkKeyring(`2026a:${SECRET_A},2025b:${SECRET_B}`);
    const oldToken = signLink(unsubscribe, oldKeyring, issuedAt);

    expect(verifyLink(oldToken, 'unsubscribe', rotated, issuedAt).valid).toBe(true);
    expect(parts(signLink(unsubscribe, rotated, issuedAt)).payload.k).toBe('2026a');
    expect(
      verifyLink(signLink(unsubscribe, rotated, issuedAt), 'unsubscribe', oldKeyring, issuedAt).valid,
    ).toBe(false);
  });

  it('refuses to sign claims that name nobody or an address link for the preference page', () => {
    expect(() => signLink({ ...unsubscribe, recipientId: '' }, keyring)).toThrow(SecurityError);
    expect(() =>
      signLink(
        { tenantId: 'acme', address: 'ada@example.com', category: 'marketing', purpose: 'preferences' },
        keyring,
      ),
    ).toThrow(SecurityError);
  });

  describe('keyring', () => {
    it('reads hex and base64url secrets of at least 32 bytes, in order', () => {
      const parsed = parseLinkKeyring(` one:${SECRET_A} , two:${SECRET_B} `);

      expect(parsed.keys.map((key) => key.keyId)).toEqual(['one', 'two']);
      expect(parsed.keys[0].secret).toEqual(Buffer.alloc(32, 0xaa));
      expect(parsed.keys[1].secret).toEqual(Buffer.alloc(32, 7));
    });

    it.each([
      ['a short secret', 'one:abcd', 'keys.0'],
      ['no key id', SECRET_A, 'keys.0'],
      ['a repeated key id', `one:${SECRET_A},one:${SECRET_B}`, 'keys.1'],
      ['a secret that is neither hex nor base64url', `one:${'+'.repeat(64)}`, 'keys.0'],
      ['nothing', ' , ', 'keys'],
    ])('refuses %s, naming the entry and not the secret', (_, text, field) => {
      const attempt = () => parseLinkKeyring(text);

      expect(attempt).toThrow(SecurityError);
      try {
        attempt();
      } catch (error) {
        expect((error as SecurityError).problems[0].field).toBe(field);
        expect((error as SecurityError).message).not.toContain(SECRET_B);
      }
    });

    it('reports the problem as a schema issue for config', () => {
      const result = linkKeyringSchema.safeParse('one:short');

      expect(result.success).toBe(false);
      expect(result.error?.issues[0].message).toMatch(/^keys\.0: the secret of key one must be/);
    });
  });
});
