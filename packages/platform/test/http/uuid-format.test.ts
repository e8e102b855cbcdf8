// `format: 'uuid'` accepts only the plain form PostgreSQL's uuid type reads: the `urn:uuid:` form
// ajv-formats would let through (and the database then refuse as a 500) is a 400 in a path, a query
// string or a body, while the plain form, in either case, reaches the handler.
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../src/index.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';

const Id = Type.String({ format: 'uuid' });
const id = '0f8fad5b-d9cb-469f-a165-70867728950e';

const appWithIds: AppDefinition = {
  ...identityApp,
  async registerModules(app, dependencies) {
    await identityApp.registerModules(app, dependencies);
    app.get(
      '/gadgets/:id',
      { schema: { params: Type.Object({ id: Id }) } },
      async (request) => request.params,
    );
    app.get(
      '/gadgets',
      { schema: { querystring: Type.Object({ id: Id }) } },
      async (request) => request.query,
    );
    app.post('/gadgets', { schema: { body: Type.Object({ id: Id }) } }, async (request) => request.body);
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(appWithIds);
});
afterAll(() => t?.close());

describe("format: 'uuid'", () => {
  it('accepts the plain form, in lower or upper case', async () => {
    for (const value of [id, id.toUpperCase()]) {
      const response = await t.app.inject({ method: 'GET', url: `/gadgets/${value}` });
      expect(response.statusCode, response.body).toBe(200);
    }
  });

  it('refuses the urn:uuid: form and other look-alikes with a 400 in every part of the request', async () => {
    for (const value of [`urn:uuid:${id}`, `{${id}}`, id.replaceAll('-', ''), `${id} `]) {
      const responses = await Promise.all([
        t.app.inject({ method: 'GET', url: `/gadgets/${encodeURIComponent(value)}` }),
        t.app.inject({ method: 'GET', url: `/gadgets?id=${encodeURIComponent(value)}` }),
        t.app.inject({ method: 'POST', url: '/gadgets', payload: { id: value } }),
      ]);
      for (const response of responses) expect(response.statusCode, `${value}: ${response.body}`).toBe(400);
    }
  });
});
