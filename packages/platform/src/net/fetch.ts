// Owns the one way to GET a URL a user supplied (job boards, careers pages, and later webhooks and
// avatars): every hop, redirects included, is checked by resolveTarget before anything connects,
// and the connection is pinned to the addresses that were checked through a custom `lookup`, so the
// socket cannot reach a different address than the one judged (no second DNS answer, no
// rebinding). Redirects are followed by hand up to a cap; a timeout covers every hop and the body;
// the body is capped. Built on node:http/https: the lookup hook is all the pinning needs, and fetch
// in Node 20 offers no way to pin an address without the separate undici package.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkUrl, NetError, type NetPolicy, type ResolvedAddress, resolveTarget } from './target.js';

export interface GuardedFetcherOptions extends NetPolicy {
  /** Redirects followed before giving up; default 5. */
  maxRedirects?: number;
  /** Largest body read; default 10 MiB. */
  maxBodyBytes?: number;
  /** For one get(): every lookup, hop and the body; default 10 s. */
  timeoutMs?: number;
}

export interface GuardedRequest {
  headers?: Record<string, string>;
  /** Cancels the request; its reason is what get() then rejects with. */
  signal?: AbortSignal;
}

export interface GuardedResponse {
  status: number;
  /** The URL that answered, after redirects. */
  url: URL;
  headers: IncomingHttpHeaders;
  /** The body of a 2xx answer; empty for any other status (it is not read). */
  body: Buffer;
}

export interface GuardedFetcher {
  /**
   * GETs `href`, following redirects. Rejects with a NetError when a hop is refused or a limit is
   * reached (`timeout` when timeoutMs runs out), with the signal's reason when the caller cancels,
   * and with the network error otherwise.
   */
  get(href: string | URL, request?: GuardedRequest): Promise<GuardedResponse>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Idle kept-alive sockets are closed after this long. */
const IDLE_SOCKET_MS = 15_000;

/** A lookup that answers only with the addresses already checked for this hop. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const candidates = family ? addresses.filter((entry) => entry.family === family) : addresses;
    const first = candidates[0];
    if (options.all) callback(null, candidates);
    else if (first) callback(null, first.address, first.family);
    else callback(Object.assign(new Error('no checked address of that family'), { code: 'ENOTFOUND' }), '');
  };
}

async function readBody(response: IncomingMessage, limit: number, signal: AbortSignal): Promise<Buffer> {
  const tooLarge = () => new NetError('response_too_large', `response larger than ${limit} bytes`);
  if (Number(response.headers['content-length']) > limit) {
    response.destroy();
    throw tooLarge();
  }
  const onAbort = () => response.destroy(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export function createGuardedFetcher(options: GuardedFetcherOptions = {}): GuardedFetcher {
  const maxRedirects = options.maxRedirects ?? 5;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agents = {
    http: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    https: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };

  function send(
    url: URL,
    addresses: ResolvedAddress[],
    headers: Record<string, string> | undefined,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    const secure = url.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(url, {
        method: 'GET',
        headers,
        agent: secure ? agents.https : agents.http,
        lookup: pinnedLookup(addresses),
        signal,
      });
      request.once('response', resolve);
      request.on('error', reject); // also after the answer: an abort mid-body must not go unhandled
      request.end();
    });
  }

  return {
    async get(href, request = {}) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      try {
        let url = checkUrl(href);
        for (let hop = 0; ; hop += 1) {
          const addresses = await resolveTarget(url, options, signal);
          const response = await send(url, addresses, request.headers, signal);
          const status = response.statusCode ?? 0;
          const location = response.headers.location;
          if (REDIRECTS.has(status) && location !== undefined) {
            response.destroy();
            if (hop >= maxRedirects)
              throw new NetError('too_many_redirects', `more than ${maxRedirects} redirects`);
            url = checkUrl(URL.canParse(location, url.href) ? new URL(location, url) : location);
            continue;
          }
          const ok = status >= 200 && status < 300;
          if (!ok) response.destroy();
          const body = ok ? await readBody(response, maxBodyBytes, signal) : Buffer.alloc(0);
          return { status, url, headers: response.headers, body };
        }
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        if (timeout.aborted) throw new NetError('timeout');
        throw error;
      }
    },
  };
}
