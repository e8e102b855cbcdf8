// The invite link and its start are in the platform's stricter `auth` rate-limit class (per client
// address), not only the default one: after RATE_LIMIT_AUTH_PER_MINUTE requests the next is 429.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildHiringTestApp, type HiringTestApp } from '../support/hiring-client.js';

let t: HiringTestApp;
beforeAll(async () => {
  t = await buildHiringTestApp({}, { env: { RATE_LIMIT_AUTH_PER_MINUTE: '3' } });
});
afterAll(async () => t?.close());

it('answers 429 rate_limited once the auth budget of the invite routes is spent', async () => {
  const unknown = 'A'.repeat(43);
  const open = () => t.app.inject({ method: 'GET', url: `/assessment-invites/${unknown}` });
  const start = () => t.app.inject({ method: 'POST', url: `/assessment-invites/${unknown}/start` });
  expect((await open()).statusCode).toBe(404);
  expect((await start()).statusCode).toBe(404);
  expect((await open()).statusCode).toBe(404);
  const limited = await start();
  expect(limited.statusCode).toBe(429);
  expect(limited.json().code).toBe('rate_limited');
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  expect((await open()).statusCode).toBe(429);
  // Another route in the default class is not affected.
  expect((await t.app.inject({ method: 'GET', url: '/me/assessment-attempts' })).statusCode).toBe(401);
});
