// What is refused before or right after the upgrade: an Origin not on the CORS allow-list (403; no
// Origin is a non-browser client), a banned address (403), a socket over the instance's cap (503),
// and a user's socket over the per-user cap, which closes that user's oldest socket (4409).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { REALTIME_CLOSE } from '../../src/index.js';
import { openRealtimeClient } from '../../src/testing/index.js';
import { type RealtimeInstance, startRealtimeApp, terminateClients } from './harness.js';

let rt: RealtimeInstance;
const allowed = 'https://app.example.com';

beforeAll(async () => {
  rt = await startRealtimeApp({ maxSockets: 3, maxSocketsPerUser: 2 }, { env: { CORS_ORIGINS: allowed } });
});
afterEach(async () => {
  terminateClients();
  // Every socket, authenticated or not, gone on the server side too: the next test starts under the cap.
  await vi.waitFor(() => expect(rt.t.app.websocketServer.clients.size).toBe(0));
});
afterAll(async () => rt?.t.close());

const refusal = (options: Parameters<typeof openRealtimeClient>[1]) =>
  openRealtimeClient(rt.url, options).then(
    async (client) => {
      await client.close();
      return 101;
    },
    (error: { status?: number }) => error.status,
  );

describe('realtime upgrade checks', () => {
  it('refuses an Origin not on the allow-list with 403, accepts a listed one and none', async () => {
    expect(await refusal({ origin: 'https://evil.example.com' })).toBe(403);
    expect(await refusal({ origin: 'null' })).toBe(403);
    expect(await refusal({ origin: allowed })).toBe(101);
    expect(await refusal({})).toBe(101);
  });

  it('refuses a banned address with 403', async () => {
    await rt.t.app.bans.ban('ip:127.0.0.1', { durationMs: 60_000, reason: 'test' });
    try {
      expect(await refusal({})).toBe(403);
    } finally {
      await rt.t.app.bans.lift('ip:127.0.0.1');
    }
    expect(await refusal({})).toBe(101);
  });

  it("refuses a socket over the instance's cap with 503, counting sockets not yet authenticated", async () => {
    const user = await rt.signUp();
    const held = [await rt.connect(user), await rt.connect(), await rt.connect()];
    expect(await refusal({})).toBe(503);
    await held[1]?.close();
    await vi.waitFor(async () => expect(await refusal({})).toBe(101));
  });

  it("closes the user's oldest socket with 4409 when a new one goes over the per-user cap", async () => {
    const user = await rt.signUp();
    const oldest = await rt.connect(user);
    const middle = await rt.connect(user);
    const newest = await rt.connect(user);
    expect(await oldest.closed).toMatchObject({ code: REALTIME_CLOSE.replaced });
    expect(rt.gateway.connectionsOf(user.id)).toHaveLength(2);
    for (const client of [middle, newest])
      expect((await client.request('echo', { text: 'ok' })).type).toBe('reply');
  });
});
