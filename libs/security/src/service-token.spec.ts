import { randomBytes } from 'node:crypto';
import { SecurityError } from './security-error';
import {
  issueServiceToken,
  ServiceCredentials,
  ServiceTokenVerifier,
  verifyServiceToken,
} from './service-token';

const currentSecret = randomBytes(32);
const previousSecret = 'the previous service token secret, 32+ bytes';
const issuedAt = new Date('2026-03-01T12:00:00.000Z');
const secondsLater = (seconds: number) => new Date(issuedAt.getTime() + seconds * 1000);

function issue(audience = 'router', secrets: (string | Buffer)[] = [currentSecret]) {
  return issueServiceToken({ issuer: 'gateway', audience }, secrets, issuedAt);
}

function verify(
  token: string,
  options: { audience?: string; at?: Date; secrets?: (string | Buffer)[] } = {},
) {
  return verifyServiceToken(token, options.secrets ?? [currentSecret], {
    audience: options.audience ?? 'router',
    now: options.at ?? secondsLater(1),
  });
}

function rewritePayload(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [payload, signature] = token.split('.');
  const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  change(decoded);
  return `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${signature}`;
}

describe('service tokens', () => {
  it('verify for their audience within their 60 s, naming issuer, audience and a random id', () => {
    const token = issue();

    const verification = verify(token, { at: secondsLater(59) });

    expect(verification).toEqual({
      valid: true,
      token: {
        issuer: 'gateway',
        audience: 'router',
        tokenId: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
        issuedAt,
        expiresAt: secondsLater(60),
      },
    });
    expect(verify(issue())).not.toEqual(verification);
  });

  it('are refused by any other service', () => {
    expect(verify(issue('router'), { audience: 'template' })).toEqual({
      valid: false,
      reason: 'wrong-audience',
    });
  });

  it('expire after their lifetime and the clock skew allowed (10 s)', () => {
    const token = issue();
    expect(verify(token, { at: secondsLater(69) }).valid).toBe(true);
    expect(verify(token, { at: secondsLater(70) })).toEqual({ valid: false, reason: 'expired' });
    expect(verify(token, { at: secondsLater(3600) })).toEqual({ valid: false, reason: 'expired' });
  });

  it('issued in the future beyond the clock skew are not yet valid', () => {
    const token = issue();
    expect(verify(token, { at: secondsLater(-10) }).valid).toBe(true);
    expect(verify(token, { at: secondsLater(-11) })).toEqual({ valid: false, reason: 'not-yet-valid' });
  });

  it('are refused when forged: another secret, an altered audience, expiry or issuer, a swapped signature', () => {
    const forgedWithAnotherSecret = issueServiceToken(
      { issuer: 'gateway', audience: 'router' },
      ['an attacker’s secret that is long enough, 32+'],
      issuedAt,
    );
    expect(verify(forgedWithAnotherSecret)).toEqual({ valid: false, reason: 'unknown-key' });

    const token = issue('template');
    const retargeted = rewritePayload(token, (payload) => (payload.aud = 'router'));
    expect(verify(retargeted)).toEqual({ valid: false, reason: 'bad-signature' });
    const extended = rewritePayload(token, (payload) => (payload.exp = (payload.exp as number) + 30));
    expect(verify(extended, { audience: 'template' })).toEqual({ valid: false, reason: 'bad-signature' });
    const otherIssuer = rewritePayload(token, (payload) => (payload.iss = 'analytics'));
    expect(verify(otherIssuer, { audience: 'template' })).toEqual({ valid: false, reason: 'bad-signature' });
    const swapped = `${issue('router').split('.')[0]}.${token.split('.')[1]}`;
    expect(verify(swapped)).toEqual({ valid: false, reason: 'bad-signature' });
  });

  it('are refused when they are not tokens of this kind', () => {
    const token = issue();
    const [payload, signature] = token.split('.');
    const notTokens = [
      '',
      'Bearer x',
      payload,
      `${payload}.${signature}.extra`,
      `${payload}.${signature.slice(0, -2)}`,
      `${payload}=.${signature}`,
      `${Buffer.from('not json').toString('base64url')}.${signature}`,
      rewritePayload(token, (claims) => (claims.v = 2)),
      rewritePayload(token, (claims) => (claims.tenant = 'acme')),
      rewritePayload(token, (claims) => delete claims.jti),
      // A lifetime longer than 5 minutes is never issued, whatever the signature says.
      rewritePayload(token, (claims) => (claims.exp = (claims.iat as number) + 301)),
      'a'.repeat(2000),
    ];
    for (const notToken of notTokens) {
      expect({ notToken, verification: verify(notToken) }).toEqual({
        notToken,
        verification: { valid: false, reason: 'malformed' },
      });
    }
  });

  it('keep verifying during a rotation: the first secret signs, every listed one verifies', () => {
    const signedWithPrevious = issue('router', [previousSecret]);
    const signedWithCurrent = issue('router', [currentSecret, previousSecret]);

    // Step 1: every receiver lists both; step 2: callers sign with the new one; step 3: the old one goes.
    expect(verify(signedWithPrevious, { secrets: [previousSecret, currentSecret] }).valid).toBe(true);
    expect(verify(signedWithCurrent, { secrets: [previousSecret, currentSecret] }).valid).toBe(true);
    expect(verify(signedWithCurrent, { secrets: [currentSecret] }).valid).toBe(true);
    expect(verify(signedWithPrevious, { secrets: [currentSecret] })).toEqual({
      valid: false,
      reason: 'unknown-key',
    });
  });

  it('refuse secrets shorter than 32 bytes and service names that are not names', () => {
    expect(() => issue('router', ['short'])).toThrow(SecurityError);
    expect(() => issue('router', [])).toThrow(/WEAK_SECRET: secrets: must hold at least one secret/);
    expect(() => issue('Router /internal')).toThrow(/INVALID_CLAIMS/);
    expect(() => new ServiceTokenVerifier([currentSecret], 'router', -1)).toThrow(/clockSkewSeconds/);
    expect(() => new ServiceTokenVerifier(['x'.repeat(31)], 'router')).toThrow(
      /secrets.0: must be at least 32 bytes long/,
    );
  });
});

describe('ServiceCredentials', () => {
  it('reuses one token per audience and renews it 20 s before it expires', () => {
    let now = issuedAt;
    const credentials = new ServiceCredentials({
      issuer: 'gateway',
      secrets: [currentSecret],
      now: () => now,
    });

    const forRouter = credentials.tokenFor('router');
    const forTemplate = credentials.tokenFor('template');
    expect(forTemplate).not.toBe(forRouter);
    now = secondsLater(39);
    expect(credentials.tokenFor('router')).toBe(forRouter);
    expect(credentials.authorizationFor('router')).toBe(`Bearer ${forRouter}`);

    now = secondsLater(40);
    const renewed = credentials.tokenFor('router');
    expect(renewed).not.toBe(forRouter);
    expect(verify(renewed, { at: secondsLater(99) }).valid).toBe(true);
    expect(verify(forTemplate, { audience: 'template', at: secondsLater(40) }).valid).toBe(true);
  });

  it('fails when made with an unusable secret or issuer, not at the first call', () => {
    expect(() => new ServiceCredentials({ issuer: 'gateway', secrets: ['short'] })).toThrow(/WEAK_SECRET/);
    expect(() => new ServiceCredentials({ issuer: 'Gateway!', secrets: [currentSecret] })).toThrow(
      /INVALID_CLAIMS/,
    );
    expect(
      () => new ServiceCredentials({ issuer: 'gateway', secrets: [currentSecret], renewBeforeSeconds: 60 }),
    ).toThrow(/renewBeforeSeconds/);
  });
});
