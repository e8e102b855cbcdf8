// Owns reading TRUST_PROXY: which hops in front of the server may set the client address through
// X-Forwarded-For. `true` believes every hop, so any client picks its own address (the left-most
// entry) and with it its own rate-limit and ban bucket: refused in production, a warning elsewhere.
// A hop count trusts that many proxies (the right-most entries they appended), which is only safe
// when nothing can reach the server but through them; a list of proxy addresses or CIDRs (or
// proxy-addr's `loopback`, `linklocal`, `uniquelocal`) trusts exactly those peers, wherever they stand.
import { isIP } from 'node:net';

export type TrustProxy = boolean | number | string[];

const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyEntry(entry: string): boolean {
  if (RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const TRUST_ALL =
  'TRUST_PROXY is "true": every client could choose its own address (the left-most X-Forwarded-For) ' +
  'and with it a fresh rate-limit and ban bucket';

export function parseTrustProxy(
  raw: string,
  production: boolean,
  problems: string[],
  warnings: string[],
): TrustProxy {
  if (raw === 'false') return false;
  if (raw === 'true') {
    const fix = 'give the number of proxies in front of the server, or their addresses/CIDRs';
    if (production) problems.push(`${TRUST_ALL}; it is refused in production: ${fix}`);
    else warnings.push(`${TRUST_ALL}; it would be refused in production: ${fix}`);
    return true;
  }
  if (/^\d{1,2}$/.test(raw)) return Number(raw);
  const entries = raw.split(',').map((entry) => entry.trim());
  const bad = entries.filter((entry) => !isProxyEntry(entry));
  if (bad.length === 0) return entries;
  problems.push(
    `TRUST_PROXY is ${JSON.stringify(raw)}: not an IP address or CIDR: ` +
      `${bad.map((entry) => JSON.stringify(entry)).join(', ')}; use false, a hop count (0-99), or a comma-separated list of ` +
      'proxy addresses/CIDRs (or loopback, linklocal, uniquelocal)',
  );
  return false;
}
