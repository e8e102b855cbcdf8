// Every class of bad request maps to its status and an RFC 9457 problem+json body, and no error
// leaks internals. Security headers are present on all of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { kernelApp } from '../fixtures/kernel-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp(kernelApp, { env: { BODY_LIMIT_BYTES: '2048', JSON_MAX_DEPTH: '5' } });
});
afterAll(async () => t?.close());

const json = { 'content-type': 'application/json' };

function expectProblem(
  response: Awaited<ReturnType<TestApp['app']['inject']>>,
  status: number,
  code: string,
) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body).toMatchObject({ status, code, requestId: response.headers['x-request-id'] });
  expect(typeof body.detail).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['x-frame-options']).toBe('DENY');
  expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  return body;
}

describe('error mapping', () => {
  it('answers an unknown route with 404 route_not_found', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/nope' });
    expectProblem(response, 404, 'route_not_found');
  });

  it('answers a known path with another method with 405 and an Allow header', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: '/widgets' });
    expectProblem(response, 405, 'method_not_allowed');
    expect(response.headers.allow).toContain('POST');
    const withParam = await t.app.inject({ method: 'PUT', url: '/widgets/42' });
    expectProblem(withParam, 405, 'method_not_allowed');
    expect(withParam.headers.allow).toContain('GET');
  });

  it('answers a body over the size limit with 413', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: 'x'.repeat(5000),
    });
    expectProblem(response, 413, 'body_too_large');
  });

  it('answers an unsupported media type with 415', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expectProblem(response, 415, 'unsupported_media_type');
  });

  it('answers malformed JSON with 400 body_malformed_json', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: '{"name": ',
    });
    expectProblem(response, 400, 'body_malformed_json');
  });

  it('answers JSON nested deeper than the configured depth with 400 body_too_deep', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: '{"a":[[[[[[1]]]]]]}',
    });
    expectProblem(response, 400, 'body_too_deep');
  });

  it('does not count brackets inside strings towards the depth', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: JSON.stringify({ name: '[[[[[[[[{{{{{{', size: 2 }),
    });
    expect(response.statusCode).toBe(201);
  });

  it('answers invalid UTF-8 with 400 body_invalid_utf8', async () => {
    const payload = Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('","size":1}'),
    ]);
    const response = await t.app.inject({ method: 'POST', url: '/widgets', headers: json, payload });
    expectProblem(response, 400, 'body_invalid_utf8');
  });

  it('answers a string holding U+0000 with 400 body_nul_character, but accepts an escaped backslash before u0000', async () => {
    const nul = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: '{"name":"a\\u0000b","size":1}',
    });
    expectProblem(nul, 400, 'body_nul_character');
    const text = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: JSON.stringify({ name: 'a\\u0000b', size: 1 }),
    });
    expect(text.statusCode).toBe(201);
  });

  it('answers a lone UTF-16 surrogate with 400 body_lone_surrogate, and accepts a proper pair', async () => {
    const lone = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: '{"name":"a\\udfff\\ud800","size":1}',
    });
    expectProblem(lone, 400, 'body_lone_surrogate');
    const pair = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: '{"name":"\\ud83d\\ude00","size":1}',
    });
    expect(pair.statusCode).toBe(201);
  });

  it('item 12: refuses a numeric string in a JSON body as sent, never coercing it (to Infinity or else)', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: '{"name":"a","size":"1e400"}',
    });
    expectProblem(response, 400, 'validation_failed');
    expect(response.json().errors).toEqual([{ path: '/body/size', message: 'must be integer' }]);
  });

  it('answers %00 anywhere in the URL with 400 url_nul_character', async () => {
    expectProblem(
      await t.app.inject({ method: 'GET', url: '/widgets?name=a%00b' }),
      400,
      'url_nul_character',
    );
  });

  it('refuses prototype-pollution keys with 400 and leaves Object.prototype untouched', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: '{"name":"a","size":1,"__proto__":{"polluted":true}}',
    });
    expectProblem(response, 400, 'body_forbidden_key');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('lists every invalid field path in a validation error', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: { size: 99, extra: true },
    });
    const body = expectProblem(response, 400, 'validation_failed');
    const paths = body.errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['/body/name', '/body/size', '/body/extra']));
  });

  it('answers a domain error with its mapped status and code', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/conflict' });
    const body = expectProblem(response, 409, 'widget_exists');
    expect(body.detail).toBe('A widget with this name exists.');
  });

  it('hides internals of an unexpected failure and logs them with the request id', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/explode' });
    const body = expectProblem(response, 500, 'internal_error');
    expect(response.body).not.toMatch(/SELECT|password|\/srv\/|secret\.ts|at .*:\d+/);
    expect(body.detail).toBe('An unexpected error occurred.');
    const logged = t.logs.lines.find(
      (line) => line.msg === 'request failed' && line.requestId === body.requestId,
    );
    expect(logged).toBeDefined();
  });

  it('never serialises fields missing from the response schema', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/widgets',
      headers: json,
      payload: { name: 'a', size: 2 },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ name: 'a', size: 2 });
  });
});
