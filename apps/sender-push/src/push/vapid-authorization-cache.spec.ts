import { generateVAPIDKeys } from 'web-push';
import { VapidAuthorizationCache, type VapidSigner } from './vapid-authorization-cache';

const keys = { subject: 'mailto:push@example.com', ...generateVAPIDKeys() };

function countingSigner() {
  const signed: Array<{ audience: string; expiresAtSeconds: number }> = [];
  const sign: VapidSigner = (audience, _keys, expiresAtSeconds) => {
    signed.push({ audience, expiresAtSeconds });
    return `vapid t=token-${signed.length}, k=${keys.publicKey}`;
  };
  return { signed, sign };
}

describe('VapidAuthorizationCache', () => {
  it('signs once per audience and reuses the token for every later push there', () => {
    const { signed, sign } = countingSigner();
    let now = 1_000_000;
    const cache = new VapidAuthorizationCache({ keys, sign, nowSeconds: () => now });
    const first = cache.authorizationFor('https://fcm.googleapis.com');
    for (let push = 0; push < 50; push += 1) {
      now += 60;
      expect(cache.authorizationFor('https://fcm.googleapis.com')).toBe(first);
    }
    expect(cache.authorizationFor('https://updates.push.services.mozilla.com')).not.toBe(first);
    expect(signed.map((signature) => signature.audience)).toEqual([
      'https://fcm.googleapis.com',
      'https://updates.push.services.mozilla.com',
    ]);
    expect(cache.signatures).toBe(2);
  });

  it('signs again shortly before the token expires', () => {
    const { signed, sign } = countingSigner();
    let now = 1_000_000;
    const cache = new VapidAuthorizationCache({
      keys,
      sign,
      nowSeconds: () => now,
      lifetimeSeconds: 3600,
      renewBeforeSeconds: 300,
    });
    cache.authorizationFor('https://push.example.com');
    expect(signed[0].expiresAtSeconds).toBe(1_000_000 + 3600);
    now += 3600 - 301;
    cache.authorizationFor('https://push.example.com');
    expect(signed).toHaveLength(1);
    now += 1;
    cache.authorizationFor('https://push.example.com');
    expect(signed).toHaveLength(2);
    expect(signed[1].expiresAtSeconds).toBe(now + 3600);
  });

  it('drops the audience unused longest when it holds too many', () => {
    const { signed, sign } = countingSigner();
    const cache = new VapidAuthorizationCache({ keys, sign, maxAudiences: 2 });
    cache.authorizationFor('https://a.example');
    cache.authorizationFor('https://b.example');
    cache.authorizationFor('https://a.example');
    cache.authorizationFor('https://c.example');
    cache.authorizationFor('https://a.example');
    expect(signed).toHaveLength(3);
    cache.authorizationFor('https://b.example');
    expect(signed.map((signature) => signature.audience)).toEqual([
      'https://a.example',
      'https://b.example',
      'https://c.example',
      'https://b.example',
    ]);
  });

  it('signs a VAPID header with the real web-push library by default', () => {
    const cache = new VapidAuthorizationCache({ keys });
    const header = cache.authorizationFor('https://push.example.com');
    expect(header).toMatch(new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${keys.publicKey}$`));
    const claims = JSON.parse(Buffer.from(header.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ aud: 'https://push.example.com', sub: 'mailto:push@example.com' });
  });

  it('refuses a token lifetime that push services would reject', () => {
    expect(() => new VapidAuthorizationCache({ keys, lifetimeSeconds: 24 * 60 * 60 })).toThrow(
      /lifetimeSeconds must be a whole number of seconds under 24 hours/,
    );
    expect(
      () => new VapidAuthorizationCache({ keys, lifetimeSeconds: 600, renewBeforeSeconds: 600 }),
    ).toThrow(/renewBeforeSeconds must be at least 0 and below lifetimeSeconds \(600\)/);
  });
});
