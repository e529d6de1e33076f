import { randomBytes } from 'node:crypto';
import { issueRecipientToken, verifyRecipientToken } from './recipient-token';
import { SecurityError } from './security-error';

const currentSecret = randomBytes(32);
const previousSecret = 'an older secret that is at least thirty-two bytes long';
const issuedAt = new Date('2026-03-01T12:00:00.000Z');
const oneMinuteLater = new Date(issuedAt.getTime() + 60_000);

function issue(recipientId = 'recipient-ada', secret: string | Buffer = currentSecret) {
  return issueRecipientToken({ tenantId: 'tenant-1', recipientId, ttlSeconds: 3600 }, secret, issuedAt);
}

function rewritePayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [payload, signature] = token.split('.');
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  change(decoded);
  return `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
}

describe('recipient tokens', () => {
  it('verify as the tenant and recipient they were issued for, until they expire', () => {
    expect(verifyRecipientToken(issue(), [currentSecret], oneMinuteLater)).toEqual({
      valid: true,
      tenantId: 'tenant-1',
      recipientId: 'recipient-ada',
      expiresAt: new Date('2026-03-01T13:00:00.000Z'),
    });
  });

  it('never verify as another recipient or tenant', () => {
    const forAda = issue('recipient-ada');
    const forGrace = issue('recipient-grace');
    expect(verifyRecipientToken(forGrace, [currentSecret], oneMinuteLater)).toMatchObject({
      valid: true,
      recipientId: 'recipient-grace',
    });
    const adaPayloadWithGraceSignature = `${forAda.split('.')[0]}.${forGrace.split('.')[1]}`;
    expect(verifyRecipientToken(adaPayloadWithGraceSignature, [currentSecret], oneMinuteLater)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    const adaAsGrace = rewritePayload(forAda, (payload) => (payload.recipientId = 'recipient-grace'));
    expect(verifyRecipientToken(adaAsGrace, [currentSecret], oneMinuteLater)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    const otherTenant = rewritePayload(forAda, (payload) => (payload.tenantId = 'tenant-2'));
    expect(verifyRecipientToken(otherTenant, [currentSecret], oneMinuteLater)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('are rejected when the expiry was extended after signing', () => {
    const extended = rewritePayload(
      issue(),
      (payload) => (payload.expiresAt = (payload.expiresAt as number) + 86_400),
    );
    expect(verifyRecipientToken(extended, [currentSecret], oneMinuteLater)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('are rejected from the second they expire', () => {
    const token = issue();
    const almost = new Date('2026-03-01T12:59:59.999Z');
    expect(verifyRecipientToken(token, [currentSecret], almost).valid).toBe(true);
    expect(verifyRecipientToken(token, [currentSecret], new Date('2026-03-01T13:00:00.000Z'))).toEqual({
      valid: false,
      reason: 'expired',
    });
  });

  it('keep verifying during a rotation while the old secret is still listed', () => {
    const oldToken = issue('recipient-ada', previousSecret);
    const newToken = issue('recipient-ada', currentSecret);
    const duringRotation = [currentSecret, previousSecret];
    expect(verifyRecipientToken(oldToken, duringRotation, oneMinuteLater).valid).toBe(true);
    expect(verifyRecipientToken(newToken, duringRotation, oneMinuteLater).valid).toBe(true);
    expect(verifyRecipientToken(oldToken, [currentSecret], oneMinuteLater)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it('signed with an unknown secret are rejected even when it claims a known key id', () => {
    const attackerSecret = randomBytes(32);
    const knownKeyId = JSON.parse(Buffer.from(issue().split('.')[0], 'base64url').toString()).keyId;
    const forged = issueRecipientToken(
      { tenantId: 'tenant-1', recipientId: 'recipient-ada', ttlSeconds: 3600 },
      attackerSecret,
      issuedAt,
    );
    expect(verifyRecipientToken(forged, [currentSecret], oneMinuteLater).valid).toBe(false);
    const forgedWithKnownKeyId = rewritePayload(forged, (payload) => (payload.keyId = knownKeyId));
    expect(verifyRecipientToken(forgedWithKnownKeyId, [currentSecret], oneMinuteLater)).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
  });

  it.each([
    ['an empty string', ''],
    ['a token without a signature', 'eyJ2ZXJzaW9uIjoxfQ'],
    ['three parts', 'a.b.c'],
    ['characters outside base64url', 'abc+/.def'],
    ['a payload that is not JSON', `${Buffer.from('not json').toString('base64url')}.${'A'.repeat(43)}`],
    [
      'a payload with an unknown field',
      `${Buffer.from('{"version":1,"admin":true}').toString('base64url')}.AAAA`,
    ],
  ])('are malformed when they are %s', (_, token) => {
    expect(verifyRecipientToken(token, [currentSecret], oneMinuteLater)).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });

  it('are malformed when the signature is written in a non-canonical way', () => {
    const token = issue();
    // 32 bytes take 43 characters whose last one has two unused bits; setting them changes the text only.
    const last = token.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const variant = `${token.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
    expect(Buffer.from(variant.split('.')[1], 'base64url')).toEqual(
      Buffer.from(token.split('.')[1], 'base64url'),
    );
    expect(verifyRecipientToken(variant, [currentSecret], oneMinuteLater)).toEqual({
      valid: false,
      reason: 'malformed',
    });
  });

  it('refuse secrets shorter than 32 bytes and invalid claims', () => {
    expect(() => issue('recipient-ada', 'short secret')).toThrow(SecurityError);
    expect(() => verifyRecipientToken(issue(), [currentSecret, randomBytes(31)], oneMinuteLater)).toThrow(
      'WEAK_SECRET: secrets.1: must be at least 32 bytes long',
    );
    expect(() => verifyRecipientToken(issue(), [], oneMinuteLater)).toThrow(SecurityError);
    expect(() =>
      issueRecipientToken(
        { tenantId: '', recipientId: 'recipient-ada', ttlSeconds: 0 },
        currentSecret,
        issuedAt,
      ),
    ).toThrow(/INVALID_CLAIMS: tenantId: .*; ttlSeconds: /);
  });
});
