import type { ResolvedAddress } from '@switchboard/security';
import { PushEndpointGuard, pinnedLookup } from './push-endpoint-guard';

const PUBLIC: ResolvedAddress = { address: '93.184.215.14', family: 4 };

describe('PushEndpointGuard', () => {
  it('allows a public https endpoint and connects to the address it checked', async () => {
    const guard = new PushEndpointGuard({ lookup: async () => [PUBLIC] });
    await expect(guard.check('https://push.example.com/send/abc')).resolves.toEqual({
      allowed: true,
      connectTo: PUBLIC,
    });
  });

  it('refuses a host that resolves to a private address now, although it was public at registration', async () => {
    const answers: ResolvedAddress[][] = [[PUBLIC], [{ address: '10.0.0.7', family: 4 }]];
    const guard = new PushEndpointGuard({ lookup: async () => answers.shift() ?? [] });
    await expect(guard.check('https://push.example.com/send/abc')).resolves.toMatchObject({ allowed: true });
    await expect(guard.check('https://push.example.com/send/abc')).resolves.toEqual({
      allowed: false,
      problem: 'the endpoint host push.example.com resolves to the non-public address 10.0.0.7',
    });
  });

  it('refuses loopback and metadata addresses, and plain http', async () => {
    const guard = new PushEndpointGuard({ lookup: async () => [PUBLIC] });
    await expect(guard.check('https://127.0.0.1:8080/push/1')).resolves.toEqual({
      allowed: false,
      problem: 'the endpoint points to the non-public address 127.0.0.1',
    });
    await expect(guard.check('https://169.254.169.254/latest')).resolves.toMatchObject({ allowed: false });
    await expect(guard.check('http://push.example.com/send/abc')).resolves.toEqual({
      allowed: false,
      problem: 'the endpoint must use https',
    });
  });

  it('allows a local push service only when its origin is in the sandbox list', async () => {
    const endpoint = 'http://127.0.0.1:4010/push/1';
    await expect(new PushEndpointGuard().check(endpoint)).resolves.toMatchObject({ allowed: false });
    await expect(
      new PushEndpointGuard({ sandboxOrigins: ['http://127.0.0.1:4010'] }).check(endpoint),
    ).resolves.toEqual({ allowed: true });
    await expect(
      new PushEndpointGuard({ sandboxOrigins: ['http://127.0.0.1:4010'] }).check(
        'http://127.0.0.1:4011/push/1',
      ),
    ).resolves.toMatchObject({ allowed: false });
  });

  it('names a sandbox origin that is not local when it is built', () => {
    expect(() => new PushEndpointGuard({ sandboxOrigins: ['http://push.example.com'] })).toThrow(
      /sandboxOrigins\.0: must be on 127\.0\.0\.1 or \[::1\]/,
    );
  });
});

describe('pinnedLookup', () => {
  it('answers with the checked address whatever the host, in both callback forms', () => {
    const lookup = pinnedLookup(PUBLIC);
    const single = jest.fn();
    const all = jest.fn();
    lookup('push.example.com', {}, single);
    lookup('push.example.com', { all: true }, all);
    expect(single).toHaveBeenCalledWith(null, '93.184.215.14', 4);
    expect(all).toHaveBeenCalledWith(null, [{ address: '93.184.215.14', family: 4 }]);
  });
});
