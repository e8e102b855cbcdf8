// Owns the one answer to "is this IP address on the public internet?". Everything the IANA
// special-purpose registries set aside is internal: loopback, RFC 1918, link-local (cloud metadata
// lives at 169.254.169.254), CGNAT, multicast, broadcast, reserved, documentation, benchmarking,
// "this network", IPv6 unique-local and everything else outside global unicast 2000::/3. IPv6 forms
// that carry an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96,
// 6to4 2002::/16) are judged by the IPv4 address they carry; other translation prefixes (NAT64
// local-use 64:ff9b:1::/48) lie outside 2000::/3 and are refused with it. node:net's BlockList does the
// matching; the tables are ours so they can be read and audited in one place.
import { BlockList, isIP } from 'node:net';

/** IPv4 ranges that are not public (RFC 6890 and the IANA IPv4 special-purpose registry). */
const INTERNAL_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", including the unspecified 0.0.0.0
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT shared space (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12], // private (RFC 1918)
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.88.99.0', 24], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // private (RFC 1918)
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including the broadcast 255.255.255.255
];

/** IPv6 ranges inside global unicast 2000::/3 that are still not public. */
const INTERNAL_V6: ReadonlyArray<readonly [string, number]> = [
  ['2001::', 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID, ...
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
];

/** Prefixes that embed an IPv4 address in their last 32 bits, and where 6to4 puts it. */
const EMBEDDING_V6: ReadonlyArray<readonly [prefix: (high: string, low: string) => string, offset: number]> =
  [
    [(high, low) => `::ffff:${high}:${low}`, 96], // IPv4-mapped
    [(high, low) => `::${high}:${low}`, 96], // IPv4-compatible (deprecated), including :: and ::1
    [(high, low) => `64:ff9b::${high}:${low}`, 96], // NAT64 well-known prefix (RFC 6052)
    [(high, low) => `2002:${high}:${low}::`, 16], // 6to4 (RFC 3056)
  ];

const internal4 = new BlockList();
const internal6 = new BlockList();
const embedding6 = new BlockList();
const global6 = new BlockList();

for (const [network, prefix] of INTERNAL_V4) {
  internal4.addSubnet(network, prefix, 'ipv4');
  const [a = 0, b = 0, c = 0, d = 0] = network.split('.').map(Number);
  const high = ((a << 8) | b).toString(16);
  const low = ((c << 8) | d).toString(16);
  for (const [embed, offset] of EMBEDDING_V6) internal6.addSubnet(embed(high, low), offset + prefix, 'ipv6');
}
for (const [network, prefix] of INTERNAL_V6) internal6.addSubnet(network, prefix, 'ipv6');
for (const [embed, offset] of EMBEDDING_V6) embedding6.addSubnet(embed('0', '0'), offset, 'ipv6');
global6.addSubnet('2000::', 3, 'ipv6');

/**
 * True when `address` (an IPv4 or IPv6 literal without brackets or zone) is a public unicast
 * address; false for every internal range and for anything that is not an IP address at all.
 */
export function isPublicAddress(address: string): boolean {
  switch (isIP(address)) {
    case 4:
      return !internal4.check(address, 'ipv4');
    case 6:
      if (internal6.check(address, 'ipv6')) return false;
      // An embedded IPv4 address that is not internal is public; anything else must be global unicast.
      return embedding6.check(address, 'ipv6') || global6.check(address, 'ipv6');
    default:
      return false;
  }
}
