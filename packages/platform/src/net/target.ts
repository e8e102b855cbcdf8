// Owns the decision whether a URL may be fetched, and the addresses it may be fetched from: only
// http and https, no credentials in the URL, only the allowed ports (80 and 443 unless configured),
// and every address the host resolves to must be public (a name with one internal address is
// refused whole). The addresses returned are the ones the connection is then pinned to, so no
// second lookup can answer differently (DNS rebinding). Refusals of internal targets all carry
// the same message, decided before any connection, so they never tell whether something listens.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isPublicAddress } from './address.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * TEST ONLY: an internal address (and port, or any port when omitted) that may be reached anyway,
 * such as a fixture server on 127.0.0.1. Set by code that builds the options, never from input.
 */
export interface AllowedTarget {
  address: string;
  port?: number;
}

export interface NetPolicy {
  /** Ports a URL may name; default 80 and 443. */
  allowedPorts?: readonly number[];
  /** TEST ONLY: see AllowedTarget. Production configuration leaves this empty. */
  allowedTargets?: readonly AllowedTarget[];
  /** Default: the system resolver (getaddrinfo, so /etc/hosts counts). Tests inject their own. */
  resolve?: Resolver;
}

export type NetErrorCode =
  | 'url_invalid'
  | 'scheme_not_allowed'
  | 'credentials_in_url'
  | 'port_not_allowed'
  | 'address_not_public'
  | 'too_many_redirects'
  | 'response_too_large'
  | 'timeout';

const MESSAGES: Record<NetErrorCode, string> = {
  url_invalid: 'target refused: not a valid URL',
  scheme_not_allowed: 'target refused: only http and https URLs are fetched',
  credentials_in_url: 'target refused: URLs with credentials are not fetched',
  port_not_allowed: 'target refused: port not allowed',
  address_not_public: 'target refused: not a public address',
  too_many_redirects: 'too many redirects',
  response_too_large: 'response too large',
  timeout: 'no answer in time',
};

/** A refusal by the policy or a limit of the guarded fetcher; `message` is safe to show a user. */
export class NetError extends Error {
  constructor(
    readonly code: NetErrorCode,
    message = MESSAGES[code],
  ) {
    super(message);
    this.name = 'NetError';
  }
}

/** How long assertPublicUrl waits for a lookup before letting the URL through to the fetch-time check. */
const ASSERT_RESOLVE_TIMEOUT_MS = 3_000;

const DEFAULT_ALLOWED_PORTS: readonly number[] = [80, 443];

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** Stops waiting for `promise` (a lookup cannot be cancelled) when the signal aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** Parses and checks everything that can be told from the URL alone. */
export function checkUrl(href: string | URL): URL {
  if (!(href instanceof URL) && !URL.canParse(href)) throw new NetError('url_invalid');
  const url = new URL(href);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new NetError('scheme_not_allowed');
  if (url.username || url.password) throw new NetError('credentials_in_url');
  return url;
}

/**
 * The addresses `url` may be fetched from under `policy`, after resolving its host (IP literals in
 * any spelling the URL parser accepts, such as 2130706433 or 0x7f.1, are already normalised by it).
 * Throws a NetError when the URL or any of its addresses is refused; resolver failures propagate.
 */
export async function resolveTarget(
  url: URL,
  policy: NetPolicy,
  signal: AbortSignal,
): Promise<ResolvedAddress[]> {
  checkUrl(url);
  const port = portOf(url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  const addresses: ResolvedAddress[] =
    literal === 0
      ? await abortable((policy.resolve ?? systemResolver)(host), signal)
      : [{ address: host, family: literal === 6 ? 6 : 4 }];
  if (addresses.length === 0) throw new NetError('address_not_public');
  const allowedPorts = policy.allowedPorts ?? DEFAULT_ALLOWED_PORTS;
  for (const { address } of addresses) {
    const excepted = policy.allowedTargets?.some(
      (target) => target.address === address && (target.port === undefined || target.port === port),
    );
    if (excepted) continue;
    if (!allowedPorts.includes(port)) throw new NetError('port_not_allowed');
    if (!isPublicAddress(address)) throw new NetError('address_not_public');
  }
  return addresses;
}

/**
 * Checks a URL a user hands over for later fetching (a careers page, a webhook endpoint): throws a
 * NetError when it could never be fetched. A host that does not resolve now (or not within 3 s) is
 * let through, since DNS changes and every fetch checks again: this is a courtesy at the door, not
 * the guard itself.
 */
export async function assertPublicUrl(href: string, policy: NetPolicy = {}): Promise<URL> {
  const url = checkUrl(href);
  try {
    await resolveTarget(url, policy, AbortSignal.timeout(ASSERT_RESOLVE_TIMEOUT_MS));
  } catch (error) {
    if (error instanceof NetError) throw error;
  }
  return url;
}
