import { BlockList, isIP } from 'node:net';

// Every IPv4 range that is not ordinary public unicast (IANA special-purpose registry).
const NON_PUBLIC_IPV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", including the unspecified address
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including the broadcast address 255.255.255.255
];

// Public IPv6 is global unicast (2000::/3) without these; everything outside 2000::/3
// (unspecified, loopback, unique-local fc00::/7, link-local fe80::/10, multicast ff00::/8, ...)
// is refused by not being in it.
const NON_PUBLIC_GLOBAL_IPV6: ReadonlyArray<readonly [string, number]> = [
  ['2001::', 23], // IETF protocol assignments, including Teredo and benchmarking
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
];

const nonPublicIpv4 = new BlockList();
for (const [network, prefix] of NON_PUBLIC_IPV4) nonPublicIpv4.addSubnet(network, prefix, 'ipv4');

const globalUnicastIpv6 = new BlockList();
globalUnicastIpv6.addSubnet('2000::', 3, 'ipv6');

const nonPublicGlobalIpv6 = new BlockList();
for (const [network, prefix] of NON_PUBLIC_GLOBAL_IPV6)
  nonPublicGlobalIpv6.addSubnet(network, prefix, 'ipv6');

/**
 * Whether an address is ordinary public unicast, safe for a server to connect to on a caller's
 * behalf. Anything that is not a well-formed IPv4 dotted quad or IPv6 address is not public.
 * Senders call this again on the address they actually connect to (DNS can change in between).
 */
export function isPublicAddress(address: string): boolean {
  switch (isIP(address)) {
    case 4:
      return !nonPublicIpv4.check(address, 'ipv4');
    case 6:
      return isPublicIpv6(address);
    default:
      return false;
  }
}

function isPublicIpv6(address: string): boolean {
  // A zone index (fe80::1%eth0) only means something for link-local and site-scoped addresses.
  if (address.includes('%')) return false;
  let bytes: Uint8Array;
  try {
    bytes = ipv6Bytes(address);
  } catch {
    // node:net and the URL parser disagreeing about an address is reason enough to refuse it.
    return false;
  }
  const embeddedIpv4 = embeddedIpv4Address(bytes);
  if (embeddedIpv4 !== undefined) return !nonPublicIpv4.check(embeddedIpv4, 'ipv4');
  // The rest of ::/96 is unspecified, loopback or deprecated IPv4-compatible addresses.
  if (bytes.subarray(0, 12).every((byte) => byte === 0)) return false;
  return globalUnicastIpv6.check(address, 'ipv6') && !nonPublicGlobalIpv6.check(address, 'ipv6');
}

// Forms that carry an IPv4 address the packet ends up at, so that address decides.
function embeddedIpv4Address(bytes: Uint8Array): string | undefined {
  const zeroes = (from: number, to: number) => bytes.subarray(from, to).every((byte) => byte === 0);
  // ::ffff:a.b.c.d, IPv4-mapped
  if (zeroes(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return dottedQuad(bytes.subarray(12, 16));
  // 64:ff9b::a.b.c.d, the well-known NAT64 prefix
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeroes(4, 12)) {
    return dottedQuad(bytes.subarray(12, 16));
  }
  // 2002:aabb:ccdd::/48, 6to4
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return dottedQuad(bytes.subarray(2, 6));
  return undefined;
}

function dottedQuad(bytes: Uint8Array): string {
  return Array.from(bytes).join('.');
}

/** The 16 bytes of an IPv6 address that node:net has already accepted as valid. */
function ipv6Bytes(address: string): Uint8Array {
  // The URL parser rewrites any valid IPv6 text, a dotted IPv4 tail included, into hex groups
  // with at most one "::", so only that form needs reading here.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head, tail] = canonical.includes('::') ? canonical.split('::') : [canonical, ''];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const headGroups = groups(head);
  const tailGroups = groups(tail);
  const all = [
    ...headGroups,
    ...new Array<number>(8 - headGroups.length - tailGroups.length).fill(0),
    ...tailGroups,
  ];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}
