import { isPublicAddress } from './public-address';

describe('isPublicAddress', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '142.250.74.106',
    '100.63.255.255', // just below carrier-grade NAT
    '100.128.0.0', // just above it
    '172.32.0.1', // just above 172.16.0.0/12
    '2a00:1450:4001:82a::200a',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:0808:0808::1',
  ])('accepts the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ['unspecified', '0.0.0.0'],
    ['"this network"', '0.1.2.3'],
    ['private 10/8', '10.20.30.40'],
    ['private 172.16/12', '172.31.255.255'],
    ['private 192.168/16', '192.168.1.1'],
    ['carrier-grade NAT', '100.64.0.1'],
    ['loopback', '127.0.0.1'],
    ['loopback, not only .1', '127.255.0.9'],
    ['link-local (cloud metadata)', '169.254.169.254'],
    ['IETF protocol assignments', '192.0.0.8'],
    ['documentation TEST-NET-1', '192.0.2.10'],
    ['documentation TEST-NET-2', '198.51.100.7'],
    ['documentation TEST-NET-3', '203.0.113.99'],
    ['benchmarking', '198.18.0.1'],
    ['multicast', '224.0.0.251'],
    ['reserved', '240.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['IPv6 unspecified', '::'],
    ['IPv6 loopback', '::1'],
    ['IPv6 loopback written in full', '0000:0000:0000:0000:0000:0000:0000:0001'],
    ['IPv6 unique-local', 'fd12:3456:789a::1'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv6 link-local with a zone', 'fe80::1%eth0'],
    ['IPv6 multicast', 'ff02::1'],
    ['IPv6 documentation', '2001:db8::1'],
    ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback in hex', '::ffff:7f00:1'],
    ['IPv4-mapped private', '::ffff:10.0.0.1'],
    ['IPv4-mapped metadata', '0:0:0:0:0:ffff:a9fe:a9fe'],
    ['IPv4-compatible (deprecated)', '::8.8.8.8'],
    ['NAT64 of a private address', '64:ff9b::192.168.0.1'],
    ['6to4 of loopback', '2002:7f00:0001::1'],
  ])('refuses %s (%s)', (_, address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['0x7f.0.0.1', '2130706433', '0177.0.0.1', '010.0.0.1', 'localhost', '', '1.2.3', '[::1]'])(
    'treats %p, which is not a plain address, as not public',
    (address) => {
      expect(isPublicAddress(address)).toBe(false);
    },
  );
});
