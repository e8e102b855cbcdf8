// The access-log line, byte for byte: one `http_request_complete` line per request with the same
// fields in the same order (level, time, service, requestId, event, method, route, status,
// durationMs, msg), secret-shaped request ids redacted, unmatched requests under one route label,
// the duration in milliseconds rounded to three decimals, and nothing below the logger's level.
// Log collectors parse this line; the hot-path rewrite must keep every byte of it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestApp } from '../../src/testing/index.js';
import { controlElapsedTime, timedApp } from './timed-app.js';

const TIME = '2026-01-02T03:04:05.678Z';

let t: TestApp;
let restoreElapsedTime: () => void;
beforeAll(async () => {
  t = await buildTestApp(timedApp);
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(TIME));
  restoreElapsedTime = controlElapsedTime();
});
afterAll(async () => {
  restoreElapsedTime?.();
  vi.useRealTimers();
  await t?.close();
});

const line = (requestId: string, method: string, route: string, status: number, durationMs: string) =>
  `{"level":"info","time":"${TIME}","service":"timed","requestId":"${requestId}","event":"http_request_complete","method":"${method}","route":"${route}","status":${status},"durationMs":${durationMs},"msg":"http_request_complete"}\n`;

/** What the logger wrote while `send` ran. */
async function written(send: () => Promise<unknown>): Promise<string> {
  const before = t.logs.text().length;
  await send();
  return t.logs.text().slice(before);
}

const get = (url: string, requestId?: string) =>
  t.app.inject({ method: 'GET', url, headers: requestId ? { 'x-request-id': requestId } : {} });

describe('the access-log line', () => {
  it('is written byte for byte, with the duration rounded to three decimals', async () => {
    expect(await written(() => get('/took/0.9765625', 'req-00000001'))).toBe(
      line('req-00000001', 'GET', '/took/:ms', 200, '0.977'),
    );
    expect(await written(() => get('/took/250', 'req-00000002'))).toBe(
      line('req-00000002', 'GET', '/took/:ms', 200, '250'),
    );
    expect(await written(() => get('/health', 'req-00000003'))).toBe(
      line('req-00000003', 'GET', '/health', 200, '0'),
    );
    const head = () =>
      t.app.inject({ method: 'HEAD', url: '/took/3', headers: { 'x-request-id': 'req-00000004' } });
    expect(await written(head)).toBe(line('req-00000004', 'HEAD', '/took/:ms', 200, '3'));
  });

  it('redacts a caller-supplied request id shaped like a secret, and keeps a generated one', async () => {
    expect(await written(() => get('/took/1', 'eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl'))).toBe(
      line('[REDACTED_JWT]', 'GET', '/took/:ms', 200, '1'),
    );
    expect(await written(() => get('/took/1', '4111-1111-1111-1111'))).toBe(
      line('[REDACTED_PAN]', 'GET', '/took/:ms', 200, '1'),
    );
    let response: Awaited<ReturnType<typeof get>> | undefined;
    const text = await written(async () => {
      response = await get('/took/1');
    });
    const generated = String(response?.headers['x-request-id']);
    expect(generated).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(text).toBe(line(generated, 'GET', '/took/:ms', 200, '1'));
  });

  it('follows the lines the handler wrote, under the same request id', async () => {
    const text = await written(() =>
      t.app.inject({ method: 'POST', url: '/took/2', headers: { 'x-request-id': 'req-00000005' } }),
    );
    expect(text).toBe(
      `{"level":"info","time":"${TIME}","service":"timed","requestId":"req-00000005","event":"item_created","msg":"item created"}\n${line('req-00000005', 'POST', '/took/:ms', 201, '2')}`,
    );
  });

  it('labels refusals with their route and unmatched requests with one label', async () => {
    expect(await written(() => get('/nowhere/12345', 'req-00000006'))).toBe(
      line('req-00000006', 'GET', 'unmatched', 404, '0'),
    );
    const wrongMethod = () =>
      t.app.inject({ method: 'DELETE', url: '/took/1', headers: { 'x-request-id': 'req-00000007' } });
    expect(await written(wrongMethod)).toBe(line('req-00000007', 'DELETE', 'unmatched', 405, '0'));
    // Refused before its request context was entered. Through pino, such a line had the request id
    // after the event (it came from the line's fields instead of the context); written directly,
    // every line has the same order.
    expect(await written(() => get('/took/1%00', 'req-00000008'))).toBe(
      line('req-00000008', 'GET', '/took/:ms', 400, '0'),
    );
    const failed = await written(() => get('/fails', 'req-00000009'));
    const [errorLine, accessLine] = failed.split(/(?<=\n)/);
    expect(JSON.parse(errorLine ?? '')).toMatchObject({ level: 'error', requestId: 'req-00000009' });
    expect(accessLine).toBe(line('req-00000009', 'GET', '/fails', 500, '0'));
  });

  it('is not written when the logger level is above info, and is again once it is lowered', async () => {
    const { logger } = t.app.platform;
    logger.level = 'warn';
    try {
      expect(await written(() => get('/took/1', 'req-00000010'))).toBe('');
    } finally {
      logger.level = 'info';
    }
    expect(await written(() => get('/took/1', 'req-00000011'))).toBe(
      line('req-00000011', 'GET', '/took/:ms', 200, '1'),
    );
  });

  it('carries the time the line was written, to the millisecond', async () => {
    vi.setSystemTime(new Date('2026-01-02T03:04:06.001Z'));
    try {
      const text = await written(() => get('/took/1', 'req-00000012'));
      expect(text).toBe(
        line('req-00000012', 'GET', '/took/:ms', 200, '1').replace(TIME, '2026-01-02T03:04:06.001Z'),
      );
    } finally {
      vi.setSystemTime(new Date(TIME));
    }
  });
});
