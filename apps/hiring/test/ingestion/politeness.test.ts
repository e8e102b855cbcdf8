// How ingestion treats the boards it reads: it obeys robots.txt (reading it once per host), names
// itself, spaces and caps its requests per host, pages through whole boards, backs off when asked,
// gives up after a bounded number of retries, and says plainly what went wrong with a board.
import { afterEach, describe, expect, it } from 'vitest';
import { runSources, type SourceOutcome } from '../../src/modules/ingestion/index.js';
import {
  type FixtureServer,
  leverSite,
  type Route,
  smartRecruitersCompany,
  startFixtureServer,
  testOptions,
} from './fixture-server.js';

const servers: FixtureServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(routes: Record<string, Route>): Promise<FixtureServer> {
  const server = await startFixtureServer(routes);
  servers.push(server);
  return server;
}

const count = (server: FixtureServer, path: string) =>
  server.requests.filter((request) => request.path.split('?')[0] === path).length;

describe('robots.txt', () => {
  it('keeps us off what our group disallows, reads robots.txt once per host, and names us', async () => {
    const server = await serve({
      '/robots.txt': { file: 'robots-disallow.txt' },
      '/v1/boards/secret/jobs': { file: 'greenhouse-jobs.json' },
      '/v1/boards/northwind/jobs': { file: 'greenhouse-jobs.json' },
      '/posting-api/job-board/quantumleap': { file: 'ashby-job-board.json' },
    });
    const [secret, open, ashby] = await runSources(
      [
        { kind: 'greenhouse', boardToken: 'secret' },
        { kind: 'greenhouse', boardToken: 'northwind' },
        { kind: 'ashby', jobBoardName: 'quantumleap' },
      ],
      testOptions(server.origin),
    );
    expect(secret).toMatchObject({
      status: 'error',
      message: 'disallowed by robots.txt',
      fetched: 0,
      postings: [],
    });
    expect(count(server, '/v1/boards/secret/jobs')).toBe(0);
    expect(open).toMatchObject({ status: 'ok', fetched: 3 });
    expect(ashby).toMatchObject({ status: 'ok', fetched: 3 });
    expect(count(server, '/robots.txt')).toBe(1);
    expect(new Set(server.requests.map((request) => request.userAgent))).toEqual(
      new Set(['HiringJobsBot/0.1 (+https://example.com/bot; jobs ingestion)']),
    );
  });

  it('obeys the * group when it has none for us, and treats a missing robots.txt as allowing all', async () => {
    const guarded = await serve({
      '/robots.txt': { file: 'robots-star.txt' },
      '/v0/postings/acmerobotics': leverSite(3),
    });
    const open = await serve({ '/v0/postings/acmerobotics': leverSite(3) });
    const [blocked] = await runSources(
      [{ kind: 'lever', site: 'acmerobotics' }],
      testOptions(guarded.origin),
    );
    const [allowed] = await runSources([{ kind: 'lever', site: 'acmerobotics' }], testOptions(open.origin));
    expect(blocked).toMatchObject({ status: 'error', message: 'disallowed by robots.txt' });
    expect(count(guarded, '/v0/postings/acmerobotics')).toBe(0);
    expect(allowed).toMatchObject({ status: 'ok', fetched: 3 });
    expect(count(open, '/robots.txt')).toBe(1);
  });
});

describe('board answers', () => {
  it('maps a missing board, an empty board and malformed JSON to their own statuses', async () => {
    const server = await serve({
      '/v1/boards/gone/jobs': { status: 404, file: 'greenhouse-not-found.json' },
      '/v1/boards/quiet/jobs': { file: 'greenhouse-empty.json' },
      '/v1/boards/broken/jobs': { file: 'greenhouse-malformed.json' },
      '/v1/boards/odd/jobs': { body: '{"message":"maintenance"}' },
    });
    const outcomes = await runSources(
      ['gone', 'quiet', 'broken', 'odd'].map((boardToken) => ({ kind: 'greenhouse' as const, boardToken })),
      testOptions(server.origin),
    );
    const host = new URL(server.origin).host;
    expect(outcomes.map(({ status, message }) => ({ status, message }))).toEqual([
      { status: 'not_found', message: `HTTP 404 from ${host}/v1/boards/gone/jobs` },
      { status: 'empty', message: null },
      { status: 'error', message: `malformed JSON from ${host}` },
      { status: 'error', message: 'unexpected response shape from Greenhouse' },
    ]);
  });
});

describe('pagination and per-host limits', () => {
  it('pages through a whole Lever site with skip and limit', async () => {
    const server = await serve({ '/v0/postings/acmerobotics': leverSite(230) });
    const [lever] = (await runSources(
      [{ kind: 'lever', site: 'acmerobotics' }],
      testOptions(server.origin),
    )) as [SourceOutcome];
    expect(lever).toMatchObject({ status: 'ok', fetched: 230 });
    expect(new Set(lever.postings.map((posting) => posting.sourceJobId)).size).toBe(230);
    expect(server.requests.map((request) => request.path).filter((path) => path.startsWith('/v0/'))).toEqual([
      '/v0/postings/acmerobotics?mode=json&skip=0&limit=100',
      '/v0/postings/acmerobotics?mode=json&skip=100&limit=100',
      '/v0/postings/acmerobotics?mode=json&skip=200&limit=100',
    ]);
  });

  it('pages SmartRecruiters by offset, fetches each detail, and never exceeds the per-host concurrency', async () => {
    const server = await serve(smartRecruitersCompany(130, 5));
    const [smart] = (await runSources(
      [{ kind: 'smartrecruiters', companyIdentifier: 'Globex1' }],
      testOptions(server.origin, { perHostConcurrency: 2 }),
    )) as [SourceOutcome];
    expect(smart).toMatchObject({ status: 'ok', fetched: 130, message: null });
    expect(new Set(smart.postings.map((posting) => posting.sourceJobId)).size).toBe(130);
    expect(count(server, '/v1/companies/Globex1/postings')).toBe(2);
    expect(server.maxInFlight()).toBe(2);
  });

  it('leaves at least the minimum interval between two requests to one host', async () => {
    const server = await serve({ '/v0/postings/acmerobotics': leverSite(250) });
    await runSources(
      [{ kind: 'lever', site: 'acmerobotics' }],
      testOptions(server.origin, { perHostIntervalMs: 150, perHostConcurrency: 4 }),
    );
    const starts = server.requests.map((request) => request.at);
    expect(starts).toHaveLength(4); // robots.txt and three pages
    const gaps = starts.slice(1).map((at, index) => at - (starts[index] as number));
    // Measured where the server receives them, so allow for a little scheduling jitter.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(125);
  });
});

describe('retries', () => {
  it('honours Retry-After on 429 and then succeeds', async () => {
    const server = await serve({
      '/posting-api/job-board/quantumleap': [
        { status: 429, headers: { 'retry-after': '1' }, body: '{"error":"rate limited"}' },
        { file: 'ashby-job-board.json' },
      ],
    });
    const [ashby] = await runSources(
      [{ kind: 'ashby', jobBoardName: 'quantumleap' }],
      testOptions(server.origin),
    );
    expect(ashby).toMatchObject({ status: 'ok', fetched: 3 });
    const [first, second] = server.requests.filter((request) => request.path.startsWith('/posting-api/'));
    expect(second?.at).toBeDefined();
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('stops after maxRetries on a board that keeps failing', async () => {
    const server = await serve({ '/v1/boards/northwind/jobs': { status: 503, body: 'upstream down' } });
    const [greenhouse] = await runSources(
      [{ kind: 'greenhouse', boardToken: 'northwind' }],
      testOptions(server.origin, { maxRetries: 2 }),
    );
    expect(greenhouse).toMatchObject({
      status: 'error',
      message: `HTTP 503 from ${new URL(server.origin).host} after 3 attempts`,
    });
    expect(count(server, '/v1/boards/northwind/jobs')).toBe(3);
  });

  it('does not wait out a Retry-After longer than the bound', async () => {
    const server = await serve({
      '/v1/boards/northwind/jobs': { status: 429, headers: { 'retry-after': '3600' }, body: '' },
    });
    // Waiting out an hour would outlast the test's own timeout: the message and the single
    // request show the bound acted (item 20: no elapsed time is asserted).
    const [greenhouse] = await runSources(
      [{ kind: 'greenhouse', boardToken: 'northwind' }],
      testOptions(server.origin, { maxRetries: 5 }),
    );
    expect(greenhouse).toMatchObject({ status: 'error' });
    expect(greenhouse?.message).toMatch(/^HTTP 429 from .*; Retry-After exceeds 30 s$/);
    expect(count(server, '/v1/boards/northwind/jobs')).toBe(1);
  });
});
