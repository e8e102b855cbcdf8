// A real HTTP server on 127.0.0.1 (port 0) that answers like the job boards, from the files in
// test/fixtures/job-boards: fixed replies, sequences (429 then 200), replies built from the query
// (pagination), replies that never come (timeouts), and a record of every request it received.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IngestionOptions } from '../../src/modules/ingestion/index.js';

const FIXTURES = new URL('../fixtures/job-boards/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

export function fixtureJson<T>(name: string): T {
  return JSON.parse(fixture(name)) as T;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** A file under fixtures/job-boards, or the body itself. */
  file?: string;
  body?: string;
  /** Never answers (the connection stays open until the server closes). */
  hang?: boolean;
  delayMs?: number;
}

/** One reply, a sequence (the last one repeats), or a reply built from the request URL. */
export type Route = Reply | Reply[] | ((url: URL) => Reply);

export interface FixtureServer {
  origin: string;
  /** Path and query of every request, its User-Agent and when it arrived (performance.now()). */
  requests: Array<{ path: string; userAgent: string | undefined; at: number }>;
  /** The most requests this server had in flight at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { json: 'application/json', html: 'text/html', txt: 'text/plain' };

/** Routes are keyed by path; a key ending in `/*` matches every path under it. */
export async function startFixtureServer(routes: Record<string, Route>): Promise<FixtureServer> {
  const requests: FixtureServer['requests'] = [];
  const served = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const find = (path: string): [string, Route] | undefined =>
    routes[path] !== undefined
      ? [path, routes[path]]
      : Object.entries(routes).find(([key]) => key.endsWith('/*') && path.startsWith(key.slice(0, -1)));
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push({
      path: url.pathname + url.search,
      userAgent: request.headers['user-agent'],
      at: performance.now(),
    });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.on('close', () => {
      inFlight -= 1;
    });
    const found = find(url.pathname);
    let reply: Reply = { status: 404, body: 'Not Found' };
    if (found) {
      const [key, route] = found;
      const count = served.get(key) ?? 0;
      served.set(key, count + 1);
      if (typeof route === 'function') reply = route(url);
      else if (Array.isArray(route)) reply = route[Math.min(count, route.length - 1)] as Reply;
      else reply = route;
    }
    if (reply.hang) return;
    const send = () => {
      const type = TYPES[reply.file?.split('.').pop() ?? 'json'] ?? 'application/octet-stream';
      response.writeHead(reply.status ?? 200, { 'content-type': type, ...reply.headers });
      response.end(reply.file ? fixture(reply.file) : (reply.body ?? ''));
    };
    if (reply.delayMs) setTimeout(send, reply.delayMs);
    else send();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    maxInFlight: () => maxInFlight,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Options for a run against fixture servers: short limits, no spacing, every board at `origin`.
 * The guarded fetcher refuses 127.0.0.1, so the fixture servers the boards point at (and only
 * those, by port) are named in the test-only `allowedTargets`.
 */
export function testOptions(origin: string, overrides: Partial<IngestionOptions> = {}): IngestionOptions {
  const options: IngestionOptions = {
    baseUrls: { greenhouse: origin, lever: origin, ashby: origin, smartrecruiters: origin },
    userAgent: 'HiringJobsBot/0.1 (+https://example.com/bot; jobs ingestion)',
    requestTimeoutMs: 2_000,
    deadlineMs: 10_000,
    perHostConcurrency: 4,
    perHostIntervalMs: 0,
    maxRetries: 2,
    ...overrides,
  };
  const origins = new Set([origin, ...Object.values(options.baseUrls ?? {})]);
  const allowedTargets = [...origins].map((fixture) => {
    const { hostname, port } = new URL(fixture);
    return { address: hostname, port: Number(port) };
  });
  return { ...options, network: { allowedTargets, ...overrides.network } };
}

/** A Lever site of `total` postings cloned from the fixture, paged by `skip` and `limit` like Lever. */
export function leverSite(total: number, delayMs = 0): (url: URL) => Reply {
  const templates =
    fixtureJson<Array<{ id: string; hostedUrl: string; text: string }>>('lever-postings.json');
  const postings = Array.from({ length: total }, (_, index) => {
    const template = templates[index % templates.length] as (typeof templates)[number];
    const id = `${template.id.slice(0, -6)}${String(index).padStart(6, '0')}`;
    return {
      ...template,
      id,
      text: `${template.text} ${index}`,
      hostedUrl: `https://jobs.lever.co/acmerobotics/${id}`,
    };
  });
  return (url) => {
    const skip = Number(url.searchParams.get('skip') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    return { body: JSON.stringify(postings.slice(skip, skip + limit)), delayMs };
  };
}

/** A SmartRecruiters company of `total` postings (list pages and details), cloned from the fixtures. */
export function smartRecruitersCompany(total: number, detailDelayMs = 0): Record<string, Route> {
  const list = fixtureJson<{ content: Array<{ id: string }> }>('smartrecruiters-postings.json');
  const detail = Object.values(fixtureJson<Record<string, object>>('smartrecruiters-details.json'))[0];
  const ids = Array.from({ length: total }, (_, index) => String(744000100000000 + index));
  const summary = list.content[0] as object;
  return {
    '/v1/companies/Globex1/postings': (url) => {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const content = ids.slice(offset, offset + limit).map((id) => ({ ...summary, id }));
      return { body: JSON.stringify({ offset, limit, totalFound: total, content }) };
    },
    '/v1/companies/Globex1/postings/*': (url) => {
      const id = url.pathname.split('/').pop() as string;
      const body = JSON.stringify({
        ...detail,
        id,
        postingUrl: `https://jobs.smartrecruiters.com/Globex1/${id}`,
      });
      return { body, delayMs: detailDelayMs };
    },
  };
}
