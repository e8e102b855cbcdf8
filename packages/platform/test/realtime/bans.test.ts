// Bans reach the WebSocket as they reach HTTP: a banned user (or address) is refused 4003 when its
// socket authenticates, whatever the upgrade request carried; and sockets already open when a ban
// is placed are closed 4003 by the periodic re-check.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_CLOSE } from '../../src/index.js';
import { type RealtimeInstance, startRealtimeApp, terminateClients } from './harness.js';

let rt: RealtimeInstance;
const hour = { durationMs: 3_600_000, reason: 'test ban' };

beforeAll(async () => {
  rt = await startRealtimeApp({ sessionRecheckMs: 100 });
});
afterEach(async () => {
  terminateClients();
  for (const { client } of await rt.t.app.bans.list()) await rt.t.app.bans.lift(client);
});
afterAll(() => rt?.t.close());

describe('bans on realtime sockets', () => {
  it('refuses a banned user 4003 at authentication, though the upgrade carried no user', async () => {
    const user = await rt.signUp();
    await rt.t.app.bans.ban(`user:${user.id}`, hour);
    const client = await rt.connect();
    client.sendRaw(JSON.stringify({ type: 'auth', token: user.accessToken }));
    expect(await client.closed).toMatchObject({ code: REALTIME_CLOSE.banned });
    expect(client.frames).toEqual([]);
    expect(rt.gateway.connectionsOf(user.id)).toHaveLength(0);
  });

  it('closes the open sockets of a user banned after they connected', async () => {
    const [banned, bystander] = await Promise.all([rt.signUp(), rt.signUp()]);
    const [bannedSocket, otherSocket] = await Promise.all([rt.connect(banned), rt.connect(bystander)]);
    await rt.t.app.bans.ban(`user:${banned.id}`, hour);
    expect(await bannedSocket.closed).toMatchObject({ code: REALTIME_CLOSE.banned });
    expect((await otherSocket.request('echo', { text: 'still here' })).type).toBe('reply');
  });

  it('closes the open sockets of an address banned after they connected', async () => {
    const user = await rt.signUp();
    const client = await rt.connect(user);
    await rt.t.app.bans.ban('ip:127.0.0.1', hour);
    expect(await client.closed).toMatchObject({ code: REALTIME_CLOSE.banned });
  });
});
