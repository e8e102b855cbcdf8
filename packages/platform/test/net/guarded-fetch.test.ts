// The guarded fetcher against real sockets on loopback: a fixture server that the test-only
// allowance names, redirects from it to internal addresses refused on the hop (the target never
// sees a request), names resolved once and the connection pinned to the checked address (DNS
// rebinding), and the limits on redirects, body size and time.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AllowedTarget,
  createGuardedFetcher,
  type GuardedFetcherOptions,
  NetError,
  type Resolver,
} from '../../src/net/index.js';

interface Fixture {
  port: number;
  /** Path and Host header of every request received. */
  requests: Array<{ path: string; host: string | undefined }>;
}

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  host = '127.0.0.1',
  port = 0,
): Promise<Fixture> {
  const requests: Fixture['requests'] = [];
  const server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', host: request.headers.host });
    handler(request, response);
  });
  servers.push(server);
  server.listen(port, host);
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, requests };
}

const text = (body: string) => (_request: IncomingMessage, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end(body);
};
const redirectTo = (location: string) => (_request: IncomingMessage, response: ServerResponse) => {
  response.writeHead(302, { location });
  response.end();
};

function fetcher(allowed: AllowedTarget[], options: GuardedFetcherOptions = {}) {
  return createGuardedFetcher({ allowedTargets: allowed, timeoutMs: 5_000, ...options });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NetError);
  return (error as NetError).code;
}

describe('item 1: the test-only allowance', () => {
  it('reaches a fixture server it names, and nothing else on loopback', async () => {
    const named = await serve(text('hello'));
    const other = await serve(text('internal'));
    const guarded = fetcher([{ address: '127.0.0.1', port: named.port }]);
    const response = await guarded.get(`http://127.0.0.1:${named.port}/page`);
    expect(response.status).toBe(200);
    expect(response.body.toString()).toBe('hello');
    // Another port on the same address is refused, even with that port allowed in general.
    const widened = fetcher([{ address: '127.0.0.1', port: named.port }], { allowedPorts: [other.port] });
    expect(await codeOf(widened.get(`http://127.0.0.1:${other.port}/`))).toBe('address_not_public');
    expect(await codeOf(createGuardedFetcher().get(`http://127.0.0.1:${named.port}/`))).toBe(
      'port_not_allowed',
    );
    expect(other.requests).toEqual([]);
  });
});

describe('item 1: redirects are checked on every hop', () => {
  it.each([
    ['loopback', (port: number) => `http://127.0.0.1:${port}/admin`],
    ['loopback by name', (port: number) => `http://localhost:${port}/admin`],
    ['IPv4-mapped loopback', (port: number) => `http://[::ffff:7f00:1]:${port}/admin`],
    ['decimal loopback', (port: number) => `http://2130706433:${port}/admin`],
  ])('refuses a redirect to %s, and the target never sees a request', async (_name, target) => {
    const internal = await serve(text('secret'));
    const board = await serve(redirectTo(target(internal.port)));
    const guarded = fetcher([{ address: '127.0.0.1', port: board.port }], {
      allowedPorts: [80, 443, internal.port], // only the address rule stands in the way
    });
    expect(await codeOf(guarded.get(`http://127.0.0.1:${board.port}/careers`))).toBe('address_not_public');
    expect(board.requests).toHaveLength(1);
    expect(internal.requests).toEqual([]);
  });

  it('refuses a redirect to the cloud metadata address before connecting', async () => {
    const board = await serve(redirectTo('http://169.254.169.254/latest/meta-data/iam/'));
    const guarded = fetcher([{ address: '127.0.0.1', port: board.port }]);
    const error = await guarded.get(`http://127.0.0.1:${board.port}/`).catch((caught) => caught);
    expect(error).toMatchObject({
      code: 'address_not_public',
      message: 'target refused: not a public address',
    });
  });

  it('refuses a redirect to a public-looking name that resolves to loopback, or to another scheme', async () => {
    const internal = await serve(text('secret'));
    const board = await serve((request, response) => {
      const location =
        request.url === '/file' ? 'file:///etc/passwd' : `http://metadata.example:${internal.port}/`;
      redirectTo(location)(request, response);
    });
    const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const guarded = fetcher([{ address: '127.0.0.1', port: board.port }], {
      resolve,
      allowedPorts: [80, 443, internal.port],
    });
    expect(await codeOf(guarded.get(`http://127.0.0.1:${board.port}/`))).toBe('address_not_public');
    expect(await codeOf(guarded.get(`http://127.0.0.1:${board.port}/file`))).toBe('scheme_not_allowed');
    expect(internal.requests).toEqual([]);
  });

  it('follows allowed redirects up to the cap and then gives up', async () => {
    const board = await serve((request, response) => {
      const hop = Number(request.url?.slice(1) || 0);
      if (hop < 3) redirectTo(`/${hop + 1}`)(request, response);
      else text(`arrived after ${hop}`)(request, response);
    });
    const allowed = [{ address: '127.0.0.1', port: board.port }];
    const followed = await fetcher(allowed).get(`http://127.0.0.1:${board.port}/`);
    expect(followed.body.toString()).toBe('arrived after 3');
    expect(followed.url.pathname).toBe('/3');
    board.requests.length = 0;
    const capped = fetcher(allowed, { maxRedirects: 2 }).get(`http://127.0.0.1:${board.port}/`);
    expect(await codeOf(capped)).toBe('too_many_redirects');
    expect(board.requests.map((request) => request.path)).toEqual(['/', '/1', '/2']);
  });
});

describe('item 1: names are resolved once and the connection is pinned (DNS rebinding)', () => {
  it('connects to the checked address even when the resolver would answer differently next time', async () => {
    const checked = await serve(text('the checked server'));
    // Where a second lookup would lead: the same port on another loopback address.
    const rebound = await serve(text('the rebound server'), '127.0.0.2', checked.port);
    const answers = ['127.0.0.1', '127.0.0.2'];
    const lookups: string[] = [];
    const rebinding: Resolver = async (hostname) => {
      lookups.push(hostname);
      return [{ address: answers[Math.min(lookups.length - 1, 1)] as string, family: 4 }];
    };
    const guarded = fetcher([{ address: '127.0.0.1', port: checked.port }], {
      resolve: rebinding,
      allowedPorts: [80, 443, checked.port],
    });
    const response = await guarded.get(`http://board.example:${checked.port}/jobs`);
    expect(response.body.toString()).toBe('the checked server');
    expect(lookups).toEqual(['board.example']);
    expect(checked.requests).toEqual([{ path: '/jobs', host: `board.example:${checked.port}` }]);
    expect(rebound.requests).toEqual([]);
    // The next request looks the name up again, gets the internal answer, and is refused.
    expect(await codeOf(guarded.get(`http://board.example:${checked.port}/jobs`))).toBe('address_not_public');
    expect(rebound.requests).toEqual([]);
  });
});

describe('item 1: limits', () => {
  it('caps the body, whether or not the server announces its length', async () => {
    const big = 'x'.repeat(4_096);
    const board = await serve((request, response) => {
      if (request.url === '/chunked') {
        response.writeHead(200);
        response.write(big);
        response.end(big);
      } else text(big)(request, response);
    });
    const guarded = fetcher([{ address: '127.0.0.1', port: board.port }], { maxBodyBytes: 1_024 });
    expect(await codeOf(guarded.get(`http://127.0.0.1:${board.port}/`))).toBe('response_too_large');
    expect(await codeOf(guarded.get(`http://127.0.0.1:${board.port}/chunked`))).toBe('response_too_large');
  });

  it('gives up on a server that never answers', async () => {
    const silent = await serve(() => {});
    const guarded = fetcher([{ address: '127.0.0.1', port: silent.port }], { timeoutMs: 200 });
    expect(await codeOf(guarded.get(`http://127.0.0.1:${silent.port}/`))).toBe('timeout');
  });

  it("rejects with the caller's reason when the caller cancels", async () => {
    const silent = await serve(() => {});
    const controller = new AbortController();
    const pending = fetcher([{ address: '127.0.0.1', port: silent.port }]).get(
      `http://127.0.0.1:${silent.port}/`,
      { signal: controller.signal },
    );
    controller.abort(new Error('run cancelled'));
    await expect(pending).rejects.toThrow('run cancelled');
  });
});
