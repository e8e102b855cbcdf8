// Presence over real WebSockets, with the default lease, grace and away timings (only the periodic
// re-check is quicker, so away is quick to poll for): a socket makes its user present to their
// conversation partners (told by a `presence` event), a clean close ends its lease within the 1 s
// grace and partners are told offline once, a reconnect inside the grace tells nobody anything
// (P4: no flap), and away follows idling on the app clock while a heartbeat with activity or a
// message sent brings the user back online.
import { randomUUID } from 'node:crypto';
import type { Frame, RealtimeTestClient } from '@app/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, listen, openConversation, sendRest, terminateClients } from '../messaging/support.js';
import { buildPairlyTestApp, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';

const AWAY_AFTER_MS = 5 * 60_000;

let t: PairlyTestApp;
let url: string;
const start = new Date('2026-01-01T00:00:00.000Z');

beforeAll(async () => {
  t = await buildPairlyTestApp({ presence: { sweepMs: 50 } });
  url = await listen(t);
});
afterEach(() => {
  terminateClients();
  t.clock.set(start);
});
afterAll(async () => t?.close());

/** A fan and a creator with a conversation, the creator watching on a socket. */
async function partners(): Promise<{ fan: TestUser; creator: TestUser; watcher: RealtimeTestClient }> {
  const [fan, creator] = await Promise.all([signUp(t, 'fan'), signUp(t, 'creator')]);
  await openConversation(t, fan, creator);
  return { fan, creator, watcher: await connect(url, creator) };
}

/** The states a client was told about one user, in order. */
const toldAbout = (client: RealtimeTestClient, userId: string): string[] =>
  client.frames
    .filter((frame) => frame.type === 'presence' && frame.userId === userId)
    .map((frame) => frame.state as string);

const presenceOf = (userId: string, state: string) => (frame: Frame) =>
  frame.type === 'presence' && frame.userId === userId && frame.state === state;

async function leaseMembers(userId: string): Promise<string[]> {
  const { leases } = await t.kv.readMany({ leases: [`presence:leases:${userId}`] });
  return leases[0] ?? [];
}

const connectionIdOf = (client: RealtimeTestClient) =>
  client.frames.find((frame) => frame.type === 'auth_ok')?.connectionId as string;

describe('presence over WebSockets', () => {
  it('tells conversation partners when a user connects; the heartbeat frame answers the timings', async () => {
    const { fan, creator, watcher } = await partners();
    const stranger = await connect(url, await signUp(t));
    const socket = await connect(url, fan);
    const told = await watcher.next(presenceOf(fan.id, 'online'));
    expect(told).toEqual({
      type: 'presence',
      userId: fan.id,
      state: 'online',
      lastActiveAt: start.toISOString(),
    });

    const reply = await socket.request('presence.heartbeat', { active: true });
    expect(reply).toMatchObject({ type: 'reply', data: { heartbeatMs: 25_000, leaseTtlMs: 60_000 } });
    const bad = await socket.request('presence.heartbeat', { active: 'yes' });
    expect(bad).toMatchObject({ type: 'error', code: 'invalid_frame', status: 400 });

    // A socket is told of changes after it connected (a client looks up the rest); strangers of nothing.
    expect(toldAbout(watcher, fan.id)).toEqual(['online']);
    expect(stranger.frames.filter((frame) => frame.type === 'presence')).toEqual([]);
    expect(toldAbout(socket, creator.id)).toEqual([]);
  });

  it('ends a cleanly closed socket within the grace and tells partners offline once', async () => {
    const { fan, watcher } = await partners();
    const socket = await connect(url, fan);
    await watcher.next(presenceOf(fan.id, 'online'));
    await socket.close();

    // The lease now ends within the 1 s grace...
    await vi.waitFor(async () => {
      const left = await t.kv.ttlMs(`presence:leases:${fan.id}`);
      expect(left === null || left <= 1_000).toBe(true);
    });
    // ...after which the partner is told, once.
    await watcher.next(presenceOf(fan.id, 'offline'));
    expect(toldAbout(watcher, fan.id)).toEqual(['online', 'offline']);
    expect(await leaseMembers(fan.id)).toEqual([]);
  });

  it('tells nobody anything when a socket reconnects inside the grace (no flap)', async () => {
    const { fan, watcher } = await partners();
    const first = await connect(url, fan);
    await watcher.next(presenceOf(fan.id, 'online'));

    await first.close();
    const second = await connect(url, fan);
    // The first socket's lease ends with the grace; the second keeps the user online.
    await vi.waitFor(async () => expect(await leaseMembers(fan.id)).toEqual([connectionIdOf(second)]), {
      timeout: 5_000,
    });
    // Closing the second socket too: the only news since `online` is this one `offline`.
    await second.close();
    await watcher.next(presenceOf(fan.id, 'offline'));
    expect(toldAbout(watcher, fan.id)).toEqual(['online', 'offline']);
  });

  it('turns away after idling and online again on a heartbeat with activity or a message sent', async () => {
    const { fan, creator, watcher } = await partners();
    const conversationId = await openConversation(t, fan, creator);
    const socket = await connect(url, fan);
    await watcher.next(presenceOf(fan.id, 'online'));

    t.clock.advance(AWAY_AFTER_MS + 1);
    await watcher.next(presenceOf(fan.id, 'away'));
    // A heartbeat without activity keeps the socket present, not the user online.
    await socket.request('presence.heartbeat', { active: false });
    await socket.request('presence.heartbeat', { active: true });
    await vi.waitFor(() => expect(toldAbout(watcher, fan.id)).toEqual(['online', 'away', 'online']));

    t.clock.advance(AWAY_AFTER_MS + 1);
    await vi.waitFor(() => expect(toldAbout(watcher, fan.id)).toEqual(['online', 'away', 'online', 'away']));
    const sent = await sendRest(t, fan, conversationId, { clientMessageId: randomUUID(), body: 'back' });
    expect(sent.statusCode, sent.body).toBe(201);
    await vi.waitFor(() =>
      expect(toldAbout(watcher, fan.id)).toEqual(['online', 'away', 'online', 'away', 'online']),
    );
  });
});
