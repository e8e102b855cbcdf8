// The route fuzzer against the kernel fixture: hundreds of hostile requests get no 5xx, no leak and
// no prototype pollution; on an app that fails, leaks or pollutes, the fuzzer itself fails loudly
// with the seed to replay, so a green fuzz run can be trusted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../src/index.js';
import { buildTestApp, fuzzEveryRoute, type TestApp } from '../../src/testing/index.js';
import { kernelApp } from '../fixtures/kernel-app.js';

describe('fuzzing the kernel fixture', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kernelApp);
  });
  afterAll(async () => t?.close());

  it('answers every generated request below 500 without leaking internals', async () => {
    // /explode fails on purpose (its sanitised 500 is covered in errors.test.ts); /slow sleeps 1.5 s.
    const report = await fuzzEveryRoute(t, { runs: 600, skip: ['GET /explode', 'GET /slow'] });
    expect(report.requests).toBe(600);
    expect(report.operations.sort()).toEqual(
      ['GET /conflict', 'GET /health', 'GET /ready', 'GET /widgets/{id}', 'POST /widgets'].sort(),
    );
    // Some generated widgets are valid, so the fuzz reaches the handler and not only the validator.
    expect(report.accepted['POST /widgets']).toBeGreaterThan(0);
    expect(Object.keys(report.statuses).every((status) => Number(status) < 500)).toBe(true);
  }, 60_000);

  it('found: a CORS preflight with a broken JSON body is a 400 problem, not a 500', async () => {
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: '/widgets',
      headers: { 'content-type': 'application/json', 'access-control-request-method': 'POST' },
      payload: '{"__proto__":{"polluted":"fuzz"}}',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().code).toBe('body_forbidden_key');
  });
});

// Each route misbehaves in one way the fuzzer must catch; each case skips the other two.
const brokenApp: AppDefinition = {
  name: 'broken',
  defaultPort: 0,
  api: { title: 'Broken API', version: '1.0.0', description: 'Routes the fuzzer must refuse.' },
  migrations: [],
  async registerModules(app) {
    app.get('/crash', async (_request, reply) =>
      reply.code(500).send({ error: new Error('handler blew up').stack }),
    );
    app.get('/chatty', async () => ({
      debug: 'TypeError: x is undefined\n    at handler (/srv/app/src/routes/chatty.ts:12:7)',
    }));
    app.post('/merge', async (request) => {
      // The classic unsafe deep merge, fed straight from the query string.
      const target: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(request.query as Record<string, string>)) {
        if (key.includes('polluted')) (Object.prototype as Record<string, unknown>).polluted = value;
        target[key] = value;
      }
      return { merged: Object.keys(target).length };
    });
  },
};

describe('the fuzzer on an app that misbehaves', () => {
  let t: TestApp;
  const all = ['GET /crash', 'GET /chatty', 'POST /merge'];
  const only = (operation: string) => all.filter((other) => other !== operation);
  beforeAll(async () => {
    t = await buildTestApp(brokenApp);
  });
  afterAll(async () => t?.close());

  it('rejects on a 500 whose body carries a stack, naming the request and the seed', async () => {
    const run = fuzzEveryRoute(t, {
      runs: 50,
      seed: 42,
      skip: ['GET /health', 'GET /ready', ...only('GET /crash')],
    });
    await expect(run).rejects.toThrow(/seed 42[\s\S]*status 500[\s\S]*GET \/crash[\s\S]*FUZZ_SEED=42/);
  });

  it('rejects on a 200 whose body shows a stack frame and a source path', async () => {
    const run = fuzzEveryRoute(t, {
      runs: 50,
      seed: 7,
      skip: ['GET /health', 'GET /ready', ...only('GET /chatty')],
    });
    await expect(run).rejects.toThrow(
      /seed 7[\s\S]*shows (a stack frame|a source location|a file path|an internal error)/,
    );
  });

  it('rejects when a request pollutes Object.prototype, and puts it back', async () => {
    const run = fuzzEveryRoute(t, {
      runs: 2000,
      seed: 3,
      skip: ['GET /health', 'GET /ready', ...only('POST /merge')],
    });
    await expect(run).rejects.toThrow(/seed 3[\s\S]*Object\.prototype changed: added polluted/);
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  });
});
