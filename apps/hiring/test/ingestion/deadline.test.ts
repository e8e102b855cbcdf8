// A slow or silent board costs a run no more than its limits: a request that gets no answer ends
// its source as 'timeout' while the others finish, and the run as a whole ends at its deadline
// with whatever each unfinished source had read by then.
import { afterEach, describe, expect, it } from 'vitest';
import { runSources, type SourceOutcome } from '../../src/modules/ingestion/index.js';
import {
  type FixtureServer,
  leverSite,
  type Route,
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

describe('timeouts', () => {
  it('one board that never answers times out without failing the others', async () => {
    const silent = await serve({ '/v1/boards/northwind/jobs': { hang: true } });
    const healthy = await serve({
      '/v0/postings/acmerobotics': leverSite(3),
      '/posting-api/job-board/quantumleap': { file: 'ashby-job-board.json' },
    });
    const outcomes = await runSources(
      [
        { kind: 'greenhouse', boardToken: 'northwind' },
        { kind: 'lever', site: 'acmerobotics' },
        { kind: 'ashby', jobBoardName: 'quantumleap' },
      ],
      testOptions(healthy.origin, {
        baseUrls: { greenhouse: silent.origin, lever: healthy.origin, ashby: healthy.origin },
        requestTimeoutMs: 400,
      }),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['timeout', 'ok', 'ok']);
    expect(outcomes[0]?.message).toBe(`no answer from ${new URL(silent.origin).host} within 400 ms`);
    expect(outcomes[1]?.postings).toHaveLength(3);
    expect(outcomes[2]?.postings).toHaveLength(3);
  });

  it('ends the run at its deadline, keeping what an unfinished source had read', async () => {
    // The first page answers at once; the second never does. Only the run deadline (far shorter
    // than the request timeout) can end the source, so its message proves which limit acted,
    // whatever the machine's load: no elapsed time is asserted.
    const firstPage = leverSite(230);
    const slow = await serve({
      '/v0/postings/acmerobotics': (url) =>
        url.searchParams.get('skip') === '0' ? firstPage(url) : { hang: true },
    });
    const fast = await serve({ '/v1/boards/northwind/jobs': { file: 'greenhouse-jobs.json' } });
    const [lever, greenhouse] = (await runSources(
      [
        { kind: 'lever', site: 'acmerobotics' },
        { kind: 'greenhouse', boardToken: 'northwind' },
      ],
      testOptions(slow.origin, {
        baseUrls: { lever: slow.origin, greenhouse: fast.origin },
        deadlineMs: 1_500,
        requestTimeoutMs: 60_000,
      }),
    )) as [SourceOutcome, SourceOutcome];
    expect(lever).toMatchObject({
      status: 'timeout',
      message: 'run deadline of 1500 ms reached',
      fetched: 100,
    });
    expect(lever.postings).toHaveLength(100);
    expect(greenhouse).toMatchObject({ status: 'ok', fetched: 3 });
  });

  it('ends every source when the caller cancels the run', async () => {
    const server = await serve({ '/v1/boards/northwind/jobs': { hang: true } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const [greenhouse] = await runSources(
      [{ kind: 'greenhouse', boardToken: 'northwind' }],
      testOptions(server.origin, { signal: controller.signal, requestTimeoutMs: 5_000 }),
    );
    expect(greenhouse).toMatchObject({ status: 'error', message: 'run cancelled' });
  });
});
