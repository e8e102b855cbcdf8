// Security headers on every response and CORS that answers listed origins only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { kernelApp } from '../fixtures/kernel-app.js';

const listed = 'https://app.example.com';

describe('security headers and CORS (development settings)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kernelApp, { env: { CORS_ORIGINS: `${listed},https://admin.example.com` } });
  });
  afterAll(async () => t?.close());

  it('sends the hardened header set on success, client errors and server errors', async () => {
    for (const url of ['/health', '/nope', '/explode', '/conflict']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'strict-origin-when-cross-origin',
        'x-xss-protection': '0',
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('allows a listed origin with credentials', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health', headers: { origin: listed } });
    expect(response.headers['access-control-allow-origin']).toBe(listed);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
    expect(response.headers['access-control-expose-headers']).toContain('x-request-id');
  });

  it('gives an unlisted origin no CORS grant at all', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers a preflight from a listed origin and grants nothing to an unlisted one', async () => {
    const preflight = (origin: string) =>
      t.app.inject({
        method: 'OPTIONS',
        url: '/widgets',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight(listed);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(listed);
    expect(allowed.headers['access-control-allow-methods']).toContain('POST');
    const refused = await preflight('https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('security headers in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kernelApp, {
      env: {
        NODE_ENV: 'production',
        JWT_SECRET: 'q8Vn3kZ2pL7xR4tY9wB1cF6hJ0mS5dG8aE2uI7oP4zX',
        ENCRYPTION_KEY: 'Zp4xR8tY2wB6cF0hJ3mS7dG1aE5uI9oP2kL4nV8q',
        CORS_ORIGINS: listed,
      },
    });
  });
  afterAll(async () => t?.close());

  it('adds HSTS in production', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health' });
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('keeps /docs and /metrics private in production unless configured', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });
});
