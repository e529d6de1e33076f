import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { verifyVapidAuthorization } from './web-push-crypto';

const NOW = 1_800_000_000;
const AUDIENCE = 'http://127.0.0.1:8090';

function vapidHeader(claims: Record<string, unknown>, signingKey?: KeyObject): string {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const rawPublicKey = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x as string, 'base64url'),
    Buffer.from(jwk.y as string, 'base64url'),
  ]);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ typ: 'JWT', alg: 'ES256' })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(unsigned), {
    key: signingKey ?? privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `vapid t=${unsigned}.${signature.toString('base64url')}, k=${rawPublicKey.toString('base64url')}`;
}

describe('verifyVapidAuthorization', () => {
  it('accepts a token for this origin that expires within 24 hours, and returns its subject', () => {
    const header = vapidHeader({ aud: AUDIENCE, exp: NOW + 12 * 3600, sub: 'mailto:ops@example.com' });

    expect(verifyVapidAuthorization(header, AUDIENCE, NOW)).toMatchObject({
      subject: 'mailto:ops@example.com',
    });
  });

  it('refuses an expired token and one that lives longer than 24 hours with 403', () => {
    const expired = vapidHeader({ aud: AUDIENCE, exp: NOW });
    const tooLong = vapidHeader({ aud: AUDIENCE, exp: NOW + 24 * 3600 + 1 });

    expect(() => verifyVapidAuthorization(expired, AUDIENCE, NOW)).toThrow(
      expect.objectContaining({ status: 403, message: 'the VAPID JWT has expired' }),
    );
    expect(() => verifyVapidAuthorization(tooLong, AUDIENCE, NOW)).toThrow(
      expect.objectContaining({ status: 403, message: 'the VAPID JWT expires more than 24 hours from now' }),
    );
  });

  it('refuses a token signed by another key than k=', () => {
    const { privateKey: otherKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const header = vapidHeader({ aud: AUDIENCE, exp: NOW + 60 }, otherKey);

    expect(() => verifyVapidAuthorization(header, AUDIENCE, NOW)).toThrow(
      expect.objectContaining({ status: 403, message: 'the VAPID JWT signature does not match the k= key' }),
    );
  });

  it('answers 401 to a missing or non-VAPID Authorization header', () => {
    expect(() => verifyVapidAuthorization(undefined, AUDIENCE, NOW)).toThrow(
      expect.objectContaining({ status: 401 }),
    );
    expect(() => verifyVapidAuthorization('Bearer abc', AUDIENCE, NOW)).toThrow(
      expect.objectContaining({ status: 401 }),
    );
  });
});
