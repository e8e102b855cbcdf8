// TRUST_PROXY on real requests: the address a request counts against (request.ip, which the rate
// limiter and the ban list key on) comes from X-Forwarded-For only as far as trusted proxies vouch for
// it, so a client cannot pick its own by sending a left-most entry.
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDefinition } from '../../src/runtime/app-definition.js';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';

const whoamiApp: AppDefinition = {
  name: 'proxied',
  defaultPort: 0,
  api: { title: 'Trust proxy test API', version: '1.0.0', description: 'Echoes the client address.' },
  migrations: [],
  async registerModules(app) {
    app.get(
      '/whoami',
      { schema: { response: { 200: Type.Object({ ip: Type.String() }) } } },
      async (request) => ({ ip: request.ip }),
    );
  },
};

async function addressSeen(t: TestApp, remoteAddress: string, forwardedFor: string): Promise<string> {
  const response = await t.app.inject({
    method: 'GET',
    url: '/whoami',
    remoteAddress,
    headers: { 'x-forwarded-for': forwardedFor },
  });
  expect(response.statusCode).toBe(200);
  return response.json().ip;
}

describe('TRUST_PROXY with a hop count', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(whoamiApp, { env: { TRUST_PROXY: '1' } });
  });
  afterAll(async () => t?.close());

  it('item 8: with one hop a spoofed left-most X-Forwarded-For is ignored for the address the proxy added', async () => {
    expect(await addressSeen(t, '10.0.0.5', '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    expect(await addressSeen(t, '10.0.0.5', '203.0.113.8')).toBe('203.0.113.8');
  });
});

describe('TRUST_PROXY with a list of proxy CIDRs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(whoamiApp, { env: { TRUST_PROXY: '10.0.0.0/8,192.0.2.10' } });
  });
  afterAll(async () => t?.close());

  it('item 8: believes X-Forwarded-For only from the listed proxies', async () => {
    // A listed proxy vouches for the address it received the request from.
    expect(await addressSeen(t, '10.1.2.3', '6.6.6.6, 203.0.113.7')).toBe('203.0.113.7');
    expect(await addressSeen(t, '192.0.2.10', '203.0.113.9')).toBe('203.0.113.9');
    // A peer that is not a listed proxy is the client, whatever it forwards.
    expect(await addressSeen(t, '198.51.100.20', '6.6.6.6, 10.1.2.3')).toBe('198.51.100.20');
  });

  it('item 8: walks a chain of listed proxies to the first address none of them is', async () => {
    expect(await addressSeen(t, '10.1.2.3', '6.6.6.6, 203.0.113.7, 10.9.9.9')).toBe('203.0.113.7');
  });
});
