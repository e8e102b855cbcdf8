// Item 12: a JSON body is validated as sent (a number where a string is expected is a 400, not the
// string "12345"), while query strings and path parameters, which are text, still coerce.
// Item 13: a value outside a set of literals gets one message naming the allowed values.
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../src/index.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { identityApp } from '../fixtures/identity-app.js';

const Kind = Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('closed')]);
const Item = Type.Object(
  {
    name: Type.String({ maxLength: 50 }),
    count: Type.Integer({ minimum: 0, maximum: 100 }),
    kind: Type.Optional(Kind),
    shade: Type.Optional(Type.Union([Kind, Type.Null()])),
    level: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    tags: Type.Optional(Type.Array(Type.String())),
    note: Type.String({ default: 'none' }),
  },
  { additionalProperties: false },
);
const Filters = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
    kind: Type.Optional(Kind),
    tags: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

const appWithItems: AppDefinition = {
  ...identityApp,
  async registerModules(app, dependencies) {
    await identityApp.registerModules(app, dependencies);
    app.post('/items', { schema: { body: Item } }, async (request) => ({ received: request.body }));
    app.get('/items', { schema: { querystring: Filters } }, async (request) => ({ received: request.query }));
    app.get(
      '/items/:id',
      { schema: { params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }) } },
      async (request) => ({ received: request.params }),
    );
  },
};

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(appWithItems);
});
afterAll(async () => t?.close());

const postItem = (payload: unknown) =>
  t.app.inject({ method: 'POST', url: '/items', payload: payload as object });

describe('request body types', () => {
  it('item 12: a number for a string field is a 400 naming the field, not a string', async () => {
    const response = await postItem({ name: 12345, count: 1 });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: '/body/name', message: 'must be string' }],
    });
  });

  it('item 12: a string for a number field is a 400, and a lone string is not wrapped into an array', async () => {
    const response = await postItem({ name: 'a', count: '7', tags: 'solo', level: '2' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: '/body/count', message: 'must be integer' },
      { path: '/body/level', message: 'must be integer or null' },
      { path: '/body/tags', message: 'must be array' },
    ]);
    const asString = await postItem({ name: 'a', count: 1, kind: true });
    expect(asString.statusCode).toBe(400);
  });

  it('item 12: a refresh token sent as a number is refused with a 400 naming the field', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/refresh',
      payload: { refreshToken: 12345 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ path: '/body/refreshToken', message: 'must be string' }]);
  });

  it('item 12: a well-typed body passes unchanged and still gets its defaults', async () => {
    const response = await postItem({ name: 'a', count: 3, kind: 'draft', shade: null, tags: ['x'] });
    expect(response.statusCode).toBe(200);
    expect(response.json().received).toEqual({
      name: 'a',
      count: 3,
      kind: 'draft',
      shade: null,
      tags: ['x'],
      note: 'none',
    });
  });

  it('item 12: query strings and path parameters still coerce from text', async () => {
    const query = await t.app.inject({ method: 'GET', url: '/items?limit=5&tags=solo&kind=closed' });
    expect(query.statusCode).toBe(200);
    expect(query.json().received).toEqual({ limit: 5, tags: ['solo'], kind: 'closed' });
    const defaults = await t.app.inject({ method: 'GET', url: '/items' });
    expect(defaults.json().received).toEqual({ limit: 10 });
    const params = await t.app.inject({ method: 'GET', url: '/items/42' });
    expect(params.json().received).toEqual({ id: 42 });
  });

  it('item 12: a numeric path parameter that coerces to Infinity is still refused', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/items/1e400' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([{ path: '/params/id', message: 'must be a finite number' }]);
  });
});

describe('validation messages', () => {
  it('item 13: a value outside a union of literals names the allowed values once', async () => {
    const response = await postItem({ name: 'a', count: 1, kind: 'archived' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: '/body/kind', message: 'must be one of: draft, published, closed' },
    ]);
    expect(response.json().detail).toBe(
      'The request is invalid: /body/kind must be one of: draft, published, closed.',
    );
  });

  it('item 13: a nullable union lists null among the allowed values; a wrong type says the same', async () => {
    const response = await postItem({ name: 'a', count: 1, shade: 'grey', kind: 5 });
    expect(response.json().errors).toEqual([
      { path: '/body/kind', message: 'must be one of: draft, published, closed' },
      { path: '/body/shade', message: 'must be one of: draft, published, closed, null' },
    ]);
  });

  it('item 13: the same message in a query string', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/items?kind=archived' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: '/querystring/kind', message: 'must be one of: draft, published, closed' },
    ]);
  });
});
