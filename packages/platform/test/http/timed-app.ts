// A fixture for the byte-for-byte tests of the access-log line and of /metrics: routes whose
// measured duration is set by the test. fastify times a request with performance.now(), which the
// test replaces by `elapsed.now`; a route advances it by the `ms` its path names, so every duration
// (and so every log line and histogram bucket) is known exactly. Wall time is frozen by the test.
import { vi } from 'vitest';
import type { AppDefinition } from '../../src/index.js';

export const elapsed = { now: 1_000 };

/** Replaces performance.now() by `elapsed.now` until the returned function restores it. */
export function controlElapsedTime(): () => void {
  const spy = vi.spyOn(performance, 'now').mockImplementation(() => elapsed.now);
  return () => spy.mockRestore();
}

export const timedApp: AppDefinition = {
  name: 'timed',
  defaultPort: 0,
  api: { title: 'Timed routes', version: '1.0.0', description: 'Routes that take a set time.' },
  migrations: [],
  async registerModules(app) {
    app.get('/took/:ms', async (request) => {
      const { ms } = request.params as { ms: string };
      elapsed.now += Number(ms);
      return { ok: true };
    });
    app.post('/took/:ms', async (request, reply) => {
      const { ms } = request.params as { ms: string };
      request.log.info({ event: 'item_created' }, 'item created');
      elapsed.now += Number(ms);
      return reply.code(201).send({ ok: true });
    });
    app.get('/fails', async () => {
      throw new Error('internal detail');
    });
  },
};
