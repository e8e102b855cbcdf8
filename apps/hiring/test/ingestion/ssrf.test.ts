// What an employer can make the server fetch: a careers page on an internal address, directly, by a
// name that resolves inward, or through a redirect from a public page, ends its source as `error`
// with one fixed message whether or not anything listens there (the internal server never sees a
// request), and the same URLs are refused at registration with a 400. The app here runs with the
// production defaults: no test allowance at all.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSources } from '../../src/modules/ingestion/index.js';
import {
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { type FixtureServer, startFixtureServer, testOptions } from './fixture-server.js';

const REFUSED = 'target refused: not a public address';
let board: FixtureServer;
let internal: FixtureServer;
let closedPort: number;

beforeAll(async () => {
  internal = await startFixtureServer({ '/*': { file: 'careers-initech.html' } });
  // A port that certainly has nothing listening: bind one, note it, close it.
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  board = await startFixtureServer({
    '/careers': { file: 'careers-initech.html' },
    '/to-internal': { status: 302, headers: { location: `${internal.origin}/careers` } },
    '/to-metadata': { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
    '/to-mapped': {
      status: 302,
      headers: { location: `http://[::ffff:7f00:1]:${new URL(internal.origin).port}/careers` },
    },
  });
});
afterAll(async () => {
  await board?.close();
  await internal?.close();
});

describe('item 1: ingestion never reaches an internal address', () => {
  it('reports an internal careers page as the same refusal whether or not something listens', async () => {
    const options = testOptions(board.origin); // the allowance names the board server only
    const internalPort = Number(new URL(internal.origin).port);
    // Even with the ports themselves allowed, the address rule alone refuses them.
    options.network = { ...options.network, allowedPorts: [80, 443, internalPort, closedPort] };
    options.network.resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const outcomes = await runSources(
      [
        { kind: 'jsonld', url: `${internal.origin}/careers` },
        { kind: 'jsonld', url: `http://127.0.0.1:${closedPort}/careers` },
        { kind: 'jsonld', url: `http://careers.example:${internalPort}/careers` },
        { kind: 'jsonld', url: 'http://169.254.169.254/latest/meta-data/' },
        { kind: 'jsonld', url: `http://[::ffff:7f00:1]:${internalPort}/careers` },
      ],
      options,
    );
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 'error', message: REFUSED, fetched: 0, postings: [] });
    }
    expect(internal.requests).toEqual([]);
  });

  it('refuses a redirect from an allowed page to loopback, mapped loopback or the metadata address', async () => {
    const options = testOptions(board.origin);
    const internalPort = Number(new URL(internal.origin).port);
    options.network = { ...options.network, allowedPorts: [80, 443, internalPort] };
    const outcomes = await runSources(
      ['/to-internal', '/to-metadata', '/to-mapped'].map((path) => ({
        kind: 'jsonld' as const,
        url: `${board.origin}${path}`,
      })),
      options,
    );
    expect(outcomes.map((outcome) => [outcome.status, outcome.message])).toEqual([
      ['error', REFUSED],
      ['error', REFUSED],
      ['error', REFUSED],
    ]);
    expect(board.requests.map((request) => request.path)).toEqual(
      expect.arrayContaining(['/to-internal', '/to-metadata', '/to-mapped']),
    );
    expect(internal.requests).toEqual([]);
  });

  it('still reads the fixture page the test allowance names', async () => {
    const [page] = await runSources(
      [{ kind: 'jsonld', url: `${board.origin}/careers` }],
      testOptions(board.origin),
    );
    expect(page?.status).toBe('ok');
    expect(page?.postings.length).toBeGreaterThan(0);
  });
});

describe('item 1: job sources on internal addresses are refused at registration', () => {
  let t: HiringTestApp;
  let owner: TestUser;
  let organisationId: string;

  beforeAll(async () => {
    t = await buildHiringTestApp(); // the app's own ingestion defaults: no allowance
    owner = await signUp(t, 'employer');
    organisationId = await createOrganisation(t, owner);
  });
  afterAll(async () => {
    await t?.close();
  });

  const register = (identifier: string) =>
    t.app.inject({
      method: 'POST',
      url: '/job-sources',
      headers: owner.headers,
      payload: { kind: 'jsonld', identifier, organisationId },
    });

  it.each([
    () => `${internal.origin}/careers`,
    () => `http://localhost:${new URL(internal.origin).port}/careers`,
    () => 'http://localhost/careers',
    () => 'http://169.254.169.254/latest/meta-data/',
    () => 'http://2130706433/',
    () => 'http://0x7f.1/',
    () => 'http://[::ffff:7f00:1]/',
    () => 'http://[::1]/',
    () => 'http://10.0.0.8/careers',
    () => 'https://93.184.215.14:8443/careers',
    () => 'https://user:secret@93.184.215.14/careers',
  ])('answers 400 job_source_url_not_public for %#', async (identifier) => {
    const response = await register(identifier());
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json();
    expect(body.code).toBe('job_source_url_not_public');
    expect(body.errors.map((error: { path: string }) => error.path)).toEqual(['/body/identifier']);
    expect(internal.requests).toEqual([]);
  });

  it('accepts a careers page on a public address and port', async () => {
    const response = await register('https://93.184.215.14/careers');
    expect(response.statusCode).toBe(201);
  });
});
