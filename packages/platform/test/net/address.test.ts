// The guarded fetcher's rules that need no network: which addresses are public, how every spelling
// of an internal host in a URL is caught, and which schemes, ports and URLs are refused before any
// lookup. Names are resolved by an injected resolver, so "a public name that resolves to
// 127.0.0.1" is exactly that.
import { describe, expect, it } from 'vitest';
import { assertPublicUrl, isPublicAddress, type NetErrorCode, type Resolver } from '../../src/net/index.js';

describe('item 1: address classification', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', '"this network" 0/8'],
    ['10.0.0.1', 'RFC 1918 10/8'],
    ['10.255.255.255', 'RFC 1918 10/8'],
    ['100.64.0.1', 'CGNAT 100.64/10'],
    ['100.127.255.254', 'CGNAT 100.64/10'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback 127/8'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['172.16.0.1', 'RFC 1918 172.16/12'],
    ['172.31.255.255', 'RFC 1918 172.16/12'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', '6to4 relay anycast'],
    ['192.168.1.1', 'RFC 1918 192.168/16'],
    ['198.18.0.1', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
  ])('refuses IPv4 %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local fe80::/10'],
    ['febf::1', 'link-local fe80::/10'],
    ['fc00::1', 'unique-local fc00::/7'],
    ['fd12:3456::1', 'unique-local fc00::/7'],
    ['fec0::1', 'deprecated site-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation (RFC 9637)'],
    ['2001::1', 'Teredo'],
    ['2001:2::1', 'benchmarking'],
    ['100::1', 'discard-only'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata address'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['::a00:1', 'IPv4-compatible private'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b::169.254.169.254', 'NAT64 of the metadata address'],
    ['64:ff9b:1::a00:1', 'NAT64 local-use prefix'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2002:c0a8:101::1', '6to4 of 192.168.1.1'],
  ])('refuses IPv6 %s (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '1.1.1.1',
    '8.8.8.8',
    '93.184.215.14',
    '100.63.255.255', // just below CGNAT
    '172.32.0.1', // just above 172.16/12
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8', // mapped, carrying a public address
    '64:ff9b::808:808', // NAT64 of a public address (IPv6-only networks)
    '2002:808:808::1', // 6to4 of a public address
  ])('accepts the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each(['', 'localhost', '127.1', '[::1]', 'fe80::1%eth0', '999.1.1.1'])(
    'treats %j, which is not an IP address, as not public',
    (value) => {
      expect(isPublicAddress(value)).toBe(false);
    },
  );
});

/** A resolver that fails the test if a literal host ever reaches it. */
const noLookup: Resolver = async (hostname) => {
  throw new Error(`unexpected lookup of ${hostname}`);
};

async function refusal(href: string, resolve: Resolver = noLookup, allowedPorts?: number[]) {
  const error = await assertPublicUrl(href, { resolve, ...(allowedPorts && { allowedPorts }) }).then(
    () => null,
    (caught: { code?: NetErrorCode }) => caught,
  );
  return error?.code ?? null;
}

describe('item 1: URLs refused before any connection', () => {
  it.each([
    'http://127.0.0.1/',
    'http://2130706433/', // decimal
    'http://0x7f.1/', // hex and short form
    'http://0x7f000001/',
    'http://017700000001/', // octal
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://0/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:127.0.0.1]/',
    'https://[0:0:0:0:0:ffff:7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://100.100.100.200/', // Alibaba metadata, CGNAT
    'http://10.0.0.1/',
  ])('refuses the internal literal %s without a lookup', async (href) => {
    expect(await refusal(href)).toBe('address_not_public');
  });

  it.each([
    'ftp://example.com/',
    'file:///etc/passwd',
    'gopher://example.com/',
    'data:text/html,hi',
    'javascript:alert(1)',
    'ws://example.com/',
  ])('refuses the scheme of %s', async (href) => {
    expect(await refusal(href)).toBe('scheme_not_allowed');
  });

  it('refuses credentials in the URL and text that is not a URL', async () => {
    expect(await refusal('http://user:secret@example.com/')).toBe('credentials_in_url');
    expect(await refusal('http://user@example.com/')).toBe('credentials_in_url');
    expect(await refusal('not a url')).toBe('url_invalid');
  });

  it('refuses ports other than 80 and 443 unless they are configured', async () => {
    const publicName: Resolver = async () => [{ address: '93.184.215.14', family: 4 }];
    expect(await refusal('http://careers.example:8080/', publicName)).toBe('port_not_allowed');
    expect(await refusal('https://careers.example:22/', publicName)).toBe('port_not_allowed');
    expect(await refusal('http://careers.example:80/', publicName)).toBeNull();
    expect(await refusal('https://careers.example/', publicName)).toBeNull();
    expect(await refusal('http://careers.example:8080/', publicName, [80, 443, 8080])).toBeNull();
  });

  it('refuses a public-looking name that resolves to loopback, or to any internal address', async () => {
    const loopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const mixed: Resolver = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '::ffff:169.254.169.254', family: 6 },
    ];
    expect(await refusal('https://careers.example/', loopback)).toBe('address_not_public');
    expect(await refusal('https://careers.example/', mixed)).toBe('address_not_public');
  });

  it('refuses localhost through the system resolver', async () => {
    const error = await assertPublicUrl('http://localhost/').catch((caught) => caught);
    expect(error).toMatchObject({
      code: 'address_not_public',
      message: 'target refused: not a public address',
    });
  });

  it('lets a name that does not resolve through registration (every fetch checks it again)', async () => {
    const nxdomain: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await refusal('https://careers.invalid/', nxdomain)).toBeNull();
  });
});
