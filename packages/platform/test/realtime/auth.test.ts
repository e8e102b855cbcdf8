// Authenticating realtime sockets on a real port: by the first frame or by the `bearer.<token>`
// subprotocol (the server echoes only the app's subprotocol, never the token), with each failure's
// own close code (4400 not an auth frame, 4401 bad token, 4408 too slow); and a revoked session's
// sockets closed 4401 on every instance within seconds, through the published notice or, when the
// notice never came, the periodic re-check.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { identityDb } from '../../src/auth/schema.js';
import { REALTIME_CLOSE } from '../../src/index.js';
import { bearer, type TestUser } from '../fixtures/identity-client.js';
import { sessionStateKey } from '../fixtures/session-instance.js';
import { type RealtimeInstance, startRealtimeApp, terminateClients } from './harness.js';

let first: RealtimeInstance;
let second: RealtimeInstance;
/** A third instance whose re-check runs often; the others' never runs during the tests. */
let rechecking: RealtimeInstance;

beforeAll(async () => {
  const options = { authTimeoutMs: 500, sessionRecheckMs: 600_000 };
  first = await startRealtimeApp(options);
  second = await startRealtimeApp(options, { peerOf: first });
  rechecking = await startRealtimeApp({ sessionRecheckMs: 100 }, { peerOf: first });
});
afterEach(terminateClients);
afterAll(async () => {
  await rechecking?.t.close();
  await second?.t.close();
  await first?.t.close();
});

const authFrame = (user: TestUser) => JSON.stringify({ type: 'auth', token: user.accessToken });

describe('realtime authentication', () => {
  it('authenticates by the bearer subprotocol and echoes only the app subprotocol', async () => {
    const alice = await first.signUp();
    const client = await first.connect(undefined, {
      protocols: ['realtime.v1', `bearer.${alice.accessToken}`],
    });
    expect(await client.next((frame) => frame.type === 'auth_ok')).toMatchObject({ type: 'auth_ok' });
    expect(client.socket.protocol).toBe('realtime.v1');
    expect((await client.request('echo', { text: 'hi' })).data).toEqual({ text: 'hi' });
    expect(first.gateway.connectionsOf(alice.id)).toHaveLength(1);
  });

  it('closes 4401 for a bad subprotocol token, without waiting for a frame', async () => {
    const client = await first.connect(undefined, { protocols: ['realtime.v1', 'bearer.not-a-token'] });
    expect((await client.closed).code).toBe(REALTIME_CLOSE.unauthenticated);
    expect(client.frames).toEqual([]);
  });

  it('closes 4401 for a bad token frame, 4400 for another first frame, 4408 when none comes', async () => {
    const badToken = await first.connect();
    badToken.sendRaw(JSON.stringify({ type: 'auth', token: 'garbage' }));
    const notAuth = await first.connect();
    notAuth.sendRaw(JSON.stringify({ type: 'echo', text: 'hi' }));
    const silent = await first.connect();
    expect((await badToken.closed).code).toBe(4401);
    expect((await notAuth.closed).code).toBe(4400);
    expect((await silent.closed).code).toBe(REALTIME_CLOSE.authTimeout);
    for (const client of [badToken, notAuth, silent]) expect(client.frames).toEqual([]);
  });

  it("closes a logged-out session's sockets on both instances, and only those", async () => {
    const alice = await first.signUp();
    const other = await first.signUp();
    const here = await first.connect(alice);
    const there = await second.connect(alice);
    const bystander = await second.connect(other);
    const logout = await first.t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(alice) });
    expect(logout.statusCode).toBe(204);
    expect(await here.closed).toMatchObject({ code: 4401, reason: 'session ended' });
    expect(await there.closed).toMatchObject({ code: 4401, reason: 'session ended' });
    expect((await bystander.request('echo', { text: 'still' })).data).toEqual({ text: 'still' });
    // The same token cannot open a new socket.
    const again = await second.connect();
    again.sendRaw(authFrame(alice));
    expect((await again.closed).code).toBe(4401);
  });

  it('closes the socket of a session revoked without a notice at the next re-check', async () => {
    // A revocation committed while its notice was lost: the row says revoked, nothing was published.
    const alice = await first.signUp();
    const client = await rechecking.connect(alice);
    await identityDb(first.t.db)
      .updateTable('auth_sessions')
      .set({ revoked_at: first.t.clock.now(), revoked_reason: 'test' })
      .where('id', '=', alice.sessionId)
      .execute();
    await first.t.kv.delete(sessionStateKey(alice.sessionId));
    expect(await client.closed).toMatchObject({ code: 4401 });
    await vi.waitFor(() => expect(rechecking.gateway.connectionsOf(alice.id)).toHaveLength(0));
  });
});
