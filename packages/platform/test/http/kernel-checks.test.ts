// Checks the kernel applies to every route, wherever it is registered: a non-finite number in a
// body, query string or path parameter is a 400 naming it, also on routes an encapsulated plugin
// registers, on routes without a schema and before a route's own preHandler runs; and a WebSocket
// upgrade that is refused has its socket closed even when rate limiting is switched off.
import { connect } from 'node:net';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/index.js';
import type { AppDefinition } from '../../src/index.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';

const pluginApp: AppDefinition = {
  name: 'checks',
  defaultPort: 0,
  api: { title: 'Kernel checks', version: '1.0.0', description: 'Routes inside a plugin.' },
  migrations: [],
  async registerModules(app) {
    await app.register(async (plugin) => {
      plugin.get(
        '/scores',
        { schema: { querystring: Type.Object({ min: Type.Number() }) } },
        async (request) => request.query,
      );
      plugin.post('/notes', async (request) => ({ received: request.body }));
      plugin.put(
        '/guarded',
        {
          preHandler: async () => {
            throw new AppError({ kind: 'forbidden', code: 'guard_ran', detail: 'The guard ran.' });
          },
        },
        async () => ({ ok: true }),
      );
    });
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(pluginApp, { env: { RATE_LIMIT_ENABLED: 'false' } });
});
afterAll(async () => t?.close());

const json = { 'content-type': 'application/json' };

describe('the finite-number check', () => {
  it('covers the query string of a route registered by a plugin', async () => {
    const refused = await t.app.inject({ method: 'GET', url: '/scores?min=1e400' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([{ path: '/querystring/min', message: 'must be a finite number' }]);
    expect((await t.app.inject({ method: 'GET', url: '/scores?min=2.5' })).json()).toEqual({ min: 2.5 });
  });

  it('covers the body of a route without a schema', async () => {
    const refused = await t.app.inject({
      method: 'POST',
      url: '/notes',
      headers: json,
      payload: '{"a":[1e999]}',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([{ path: '/body/a/0', message: 'must be a finite number' }]);
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/notes',
      headers: json,
      payload: '{"a":[1]}',
    });
    expect(accepted.json()).toEqual({ received: { a: [1] } });
  });

  it("runs before the route's own preHandler", async () => {
    const refused = await t.app.inject({
      method: 'PUT',
      url: '/guarded',
      headers: json,
      payload: '{"a":-1e400}',
    });
    expect(refused.statusCode).toBe(400);
    const guarded = await t.app.inject({ method: 'PUT', url: '/guarded', headers: json, payload: '{}' });
    expect(guarded.json()).toMatchObject({ status: 403, code: 'guard_ran' });
  });
});

describe('a refused upgrade', () => {
  it('has its socket closed after the answer, with rate limiting switched off', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      'GET /nowhere HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    );
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
  });
});
