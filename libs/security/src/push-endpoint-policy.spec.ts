import { createECDH, randomBytes } from 'node:crypto';
import { PushEndpointPolicy, type AddressLookup } from './push-endpoint-policy';
import { SecurityError } from './security-error';

const browserKey = createECDH('prime256v1');
browserKey.generateKeys();
const p256dh = browserKey.getPublicKey().toString('base64url');
const auth = randomBytes(16).toString('base64url');

// Stands in for DNS: names the test knows, and NXDOMAIN for the rest.
const zone: Record<string, string[]> = {
  'fcm.googleapis.com': ['142.250.74.106', '2a00:1450:4001:82a::200a'],
  'updates.push.services.mozilla.com': ['34.117.237.239'],
  'internal.example.com': ['10.1.2.3'],
  'rebinding.example.com': ['93.184.216.34', '127.0.0.1'],
  'metadata.example.com': ['fd00:ec2::254'],
};
const lookupCalls: string[] = [];
const lookup: AddressLookup = async (hostname) => {
  lookupCalls.push(hostname);
  const addresses = zone[hostname];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const policy = new PushEndpointPolicy({ lookup });

function subscription(endpoint: string, keys: Record<string, unknown> = { p256dh, auth }) {
  return { endpoint, expirationTime: null, keys };
}

async function endpointProblem(endpoint: string) {
  const result = await policy.validateSubscription(subscription(endpoint));
  return result.ok ? undefined : result.problems;
}

describe('PushEndpointPolicy', () => {
  beforeEach(() => (lookupCalls.length = 0));

  it('accepts a subscription to a push service on the public internet', async () => {
    const result = await policy.validateSubscription(
      subscription('https://fcm.googleapis.com/fcm/send/abc:123'),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        endpoint: 'https://fcm.googleapis.com/fcm/send/abc:123',
        expirationTime: null,
        keys: { p256dh, auth },
      },
    });
    expect(lookupCalls).toEqual(['fcm.googleapis.com']);
  });

  it('accepts padded base64url keys and returns them unpadded', async () => {
    const result = await policy.validateSubscription(
      subscription('https://updates.push.services.mozilla.com/wpush/v2/x', {
        p256dh: `${p256dh}=`,
        auth: `${auth}==`,
      }),
    );
    expect(result.ok && result.value.keys).toEqual({ p256dh, auth });
  });

  it.each([
    ['http://fcm.googleapis.com/fcm/send/x', 'must use https'],
    ['ftp://fcm.googleapis.com/x', 'must use https'],
    ['not a url', 'is not a URL'],
    ['https://user:secret@fcm.googleapis.com/x', 'must not carry user information'],
    ['https://user@fcm.googleapis.com/x', 'must not carry user information'],
  ])('refuses the endpoint %s: %s', async (endpoint, problem) => {
    expect(await endpointProblem(endpoint)).toEqual([{ field: 'endpoint', problem }]);
  });

  it.each([
    ['https://127.0.0.1/push', '127.0.0.1'],
    ['https://2130706433/push', '127.0.0.1'],
    ['https://0x7f.1/push', '127.0.0.1'],
    ['https://0177.0.0.1/push', '127.0.0.1'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254'],
    ['https://0xa9fea9fe/', '169.254.169.254'],
    ['https://[::1]:8443/push', '::1'],
    ['https://[::ffff:127.0.0.1]/push', '::ffff:7f00:1'],
    ['https://[fe80::1]/push', 'fe80::1'],
    ['https://0.0.0.0/push', '0.0.0.0'],
  ])('refuses the IP literal in %s without resolving it', async (endpoint, address) => {
    expect(await endpointProblem(endpoint)).toEqual([
      { field: 'endpoint', problem: `points to the non-public address ${address}` },
    ]);
    expect(lookupCalls).toEqual([]);
  });

  it('accepts a public IP literal', async () => {
    expect(await endpointProblem('https://93.184.216.34/push')).toBeUndefined();
  });

  it.each([
    ['internal.example.com', '10.1.2.3'],
    ['rebinding.example.com', '127.0.0.1'],
    ['metadata.example.com', 'fd00:ec2::254'],
  ])('refuses %s because one of its addresses is %s', async (host, address) => {
    expect(await endpointProblem(`https://${host}/push`)).toEqual([
      { field: 'endpoint', problem: `host ${host} resolves to the non-public address ${address}` },
    ]);
  });

  it('refuses a host that does not resolve', async () => {
    expect(await endpointProblem('https://nowhere.invalid/push')).toEqual([
      { field: 'endpoint', problem: 'host nowhere.invalid does not resolve' },
    ]);
  });

  it('refuses the local push sandbox unless its origin is allowed', async () => {
    const sandboxEndpoint = 'http://127.0.0.1:4780/push/abc';
    expect(await endpointProblem(sandboxEndpoint)).toEqual([
      { field: 'endpoint', problem: 'must use https' },
    ]);

    const sandboxPolicy = new PushEndpointPolicy({ lookup, sandboxOrigins: ['http://127.0.0.1:4780'] });
    expect((await sandboxPolicy.validateSubscription(subscription(sandboxEndpoint))).ok).toBe(true);
    // Another port on loopback is still refused.
    expect(await sandboxPolicy.checkEndpoint('http://127.0.0.1:5432/')).toBe('must use https');
    expect(await sandboxPolicy.checkEndpoint('https://127.0.0.1:5432/')).toBe(
      'points to the non-public address 127.0.0.1',
    );
  });

  it('allows only loopback origins as sandboxes', () => {
    let thrown: unknown;
    try {
      new PushEndpointPolicy({
        sandboxOrigins: ['http://10.0.0.5:4780', 'http://127.0.0.1:1/x', 'http://[::1]:4780'],
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SecurityError);
    expect((thrown as SecurityError).problems).toEqual([
      { field: 'sandboxOrigins.0', problem: 'must be on 127.0.0.1 or [::1]: the sandbox is local only' },
      {
        field: 'sandboxOrigins.1',
        problem: 'must be an origin such as http://127.0.0.1:4000, not http://127.0.0.1:1/x',
      },
    ]);
  });

  describe('keys', () => {
    const endpoint = 'https://fcm.googleapis.com/fcm/send/x';
    async function keyProblems(keys: Record<string, unknown>) {
      const result = await policy.validateSubscription(subscription(endpoint, keys));
      return result.ok ? [] : result.problems;
    }

    it('refuses a p256dh that is not 65 bytes', async () => {
      expect(await keyProblems({ p256dh: randomBytes(33).toString('base64url'), auth })).toEqual([
        {
          field: 'keys.p256dh',
          problem: 'must decode to 65 bytes (an uncompressed P-256 point), not 33 bytes',
        },
      ]);
    });

    it('refuses a compressed or off-curve p256dh', async () => {
      const compressed = Buffer.from(browserKey.getPublicKey());
      compressed[0] = 0x02;
      const offCurve = Buffer.from(browserKey.getPublicKey());
      offCurve[64] ^= 0x01;
      for (const point of [compressed, offCurve]) {
        expect(await keyProblems({ p256dh: point.toString('base64url'), auth })).toEqual([
          { field: 'keys.p256dh', problem: 'is not an uncompressed point on the P-256 curve' },
        ]);
      }
    });

    it('refuses an auth secret that is not 16 bytes, and keys that are not base64url', async () => {
      expect(await keyProblems({ p256dh, auth: randomBytes(12).toString('base64url') })).toEqual([
        { field: 'keys.auth', problem: 'must decode to 16 bytes, not 12 bytes' },
      ]);
      expect(await keyProblems({ p256dh: `${p256dh.slice(0, -2)}+/`, auth: 'a b' })).toEqual([
        { field: 'keys.p256dh', problem: 'must be base64url' },
        { field: 'keys.auth', problem: 'must be base64url' },
      ]);
    });

    it('names missing fields and does not resolve anything', async () => {
      const result = await policy.validateSubscription({ endpoint, keys: { p256dh } });
      expect(result).toEqual({ ok: false, problems: [expect.objectContaining({ field: 'keys.auth' })] });
      expect(lookupCalls).toEqual([]);
    });
  });
});
