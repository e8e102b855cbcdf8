// The access line written without pino is the line pino itself writes for the same entry, byte for
// byte: for a root logger and a child with bindings (redacted ones included), generated and
// caller-supplied request ids (secret-shaped ones scrubbed), odd route text, fractional durations,
// at and above the logger's level. Pinned against the logger rather than against literals, so a pino
// upgrade that changes its output shows up here.
import { describe, expect, it, vi } from 'vitest';
import {
  type AccessLogEntry,
  createAccessLog,
  createLogger,
  runWithRequestContext,
} from '../../src/log/index.js';
import { captureLogs } from '../../src/testing/log-capture.js';

const TIME = '2026-03-04T05:06:07.089Z';

/**
 * What pino writes for the entry, as createServer logged it before the access line bypassed pino: in
 * fastify's onResponse hook, which runs inside the request's context, so pino's mixin put the
 * context's request id first.
 */
function throughPino(logger: ReturnType<typeof createLogger>['logger'], entry: AccessLogEntry): void {
  runWithRequestContext({ requestId: entry.requestId }, () =>
    logger.info(
      {
        event: 'http_request_complete',
        requestId: entry.requestId,
        method: entry.method,
        route: entry.route,
        status: entry.status,
        durationMs: Math.round(entry.durationMs * 1000) / 1000,
      },
      'http_request_complete',
    ),
  );
}

const entries: AccessLogEntry[] = [
  {
    requestId: '0b7f8c2e-1d7a-4f0e-9a51-3c2d4e5f6a7b',
    requestIdFromCaller: false,
    method: 'GET',
    route: '/things/:id',
    status: 200,
    durationMs: 1.23456,
  },
  {
    requestId: 'Bearer abc.def.ghi',
    requestIdFromCaller: true,
    method: 'POST',
    route: '/a "quoted" \\ route/ünïcode',
    status: 201,
    durationMs: 0.0004,
  },
  {
    requestId: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
    requestIdFromCaller: true,
    method: 'DELETE',
    route: 'unmatched',
    status: 404,
    durationMs: 12,
  },
  {
    requestId: 'order 4242 4242 4242 4242',
    requestIdFromCaller: true,
    method: 'PATCH',
    route: '/cards',
    status: 500,
    durationMs: 1234.5678,
  },
];

function pair(level: string, bindings?: Record<string, unknown>) {
  const viaPino = captureLogs();
  const direct = captureLogs();
  const make = (destination: typeof viaPino.stream) => {
    const { logger } = createLogger({ level, service: 'svc', destination });
    return bindings ? logger.child(bindings) : logger;
  };
  return {
    viaPino,
    direct,
    pinoLogger: make(viaPino.stream),
    accessLog: createAccessLog(make(direct.stream)),
  };
}

describe('the access line', () => {
  it.each([
    ['a root logger', undefined],
    ['a child logger with bindings, a secret among them', { module: 'billing', apiKey: 'sk_live_x' }],
  ])('is the line pino writes, through %s', (_name, bindings) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(TIME));
    try {
      const { viaPino, direct, pinoLogger, accessLog } = pair('info', bindings);
      for (const entry of entries) {
        throughPino(pinoLogger, entry);
        accessLog(entry);
      }
      expect(direct.text()).toBe(viaPino.text());
      expect(direct.text().split('\n')).toHaveLength(entries.length + 1);
      expect(direct.text()).not.toMatch(/abc\.def|eyJhbGciOiJIUzI1NiJ9\.|4242 4242|sk_live/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('is not written below the logger level, as pino writes nothing then', () => {
    const { viaPino, direct, pinoLogger, accessLog } = pair('warn');
    throughPino(pinoLogger, entries[0] as AccessLogEntry);
    accessLog(entries[0] as AccessLogEntry);
    expect(direct.text()).toBe('');
    expect(viaPino.text()).toBe('');
  });
});
