// A path parameter longer than the router accepts is answered 414 in problem+json like every other
// error, not with fastify's own JSON shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { kernelApp } from '../fixtures/kernel-app.js';

describe('over-long path parameters', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kernelApp);
  });
  afterAll(async () => t?.close());

  it('answers 414 problem+json', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/widgets/${'a'.repeat(201)}` });
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(response.json()).toMatchObject({
      status: 414,
      title: 'URI Too Long',
      code: 'uri_too_long',
      requestId: response.headers['x-request-id'],
    });
    expect(response.body).not.toContain('FST_ERR');
  });

  it('still serves a parameter of the accepted length', async () => {
    expect((await t.app.inject({ method: 'GET', url: `/widgets/${'a'.repeat(200)}` })).statusCode).toBe(200);
  });
});
