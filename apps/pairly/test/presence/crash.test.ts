// Crashed clients over real WebSockets (P1), with a 3 s lease instead of 60 s so expiry is quick to
// poll for. A client that goes silent without closing (its socket still open, nothing read or sent:
// a frozen app, a lost network) reads offline once its lease runs out, while a partner that keeps
// sending heartbeats stays online; a connection dropped without a close frame is noticed by the
// gateway, and its lease is cut to the grace at once. Either way partners are told offline once.
import type { Frame, RealtimeTestClient } from '@app/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, listen, openConversation, terminateClients } from '../messaging/support.js';
import { buildPairlyTestApp, type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';

const LEASE_TTL_MS = 3_000;
const GRACE_MS = 300;

let t: PairlyTestApp;
let url: string;
const heartbeats: NodeJS.Timeout[] = [];

beforeAll(async () => {
  t = await buildPairlyTestApp({
    presence: { heartbeatMs: 1_000, leaseTtlMs: LEASE_TTL_MS, graceMs: GRACE_MS, sweepMs: 50 },
  });
  url = await listen(t);
});
afterEach(() => {
  for (const timer of heartbeats.splice(0)) clearInterval(timer);
  terminateClients();
});
afterAll(async () => t?.close());

const presenceOf = (userId: string, state: string) => (frame: Frame) =>
  frame.type === 'presence' && frame.userId === userId && frame.state === state;

const toldAbout = (client: RealtimeTestClient, userId: string): string[] =>
  client.frames
    .filter((frame) => frame.type === 'presence' && frame.userId === userId)
    .map((frame) => frame.state as string);

/** Sends a heartbeat every second, as a live client does (no id: no reply). */
function keepBeating(client: RealtimeTestClient): void {
  heartbeats.push(setInterval(() => client.sendRaw(JSON.stringify({ type: 'presence.heartbeat' })), 1_000));
}

async function stateSeenBy(viewer: TestUser, userId: string): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/presence/lookup',
    headers: viewer.headers,
    payload: { userIds: [userId] },
  });
  return response.json().users[0].state;
}

describe('crashed clients', () => {
  it('takes a silent client offline when its lease runs out; a beating one stays online', async () => {
    const [creator, silent, beating] = await Promise.all([
      signUp(t, 'creator'),
      signUp(t, 'fan'),
      signUp(t, 'fan'),
    ]);
    await Promise.all([openConversation(t, silent, creator), openConversation(t, beating, creator)]);
    const watcher = await connect(url, creator);
    keepBeating(watcher);
    const [frozen, live] = await Promise.all([connect(url, silent), connect(url, beating)]);
    keepBeating(live);
    await watcher.next(presenceOf(silent.id, 'online'));
    await watcher.next(presenceOf(beating.id, 'online'));

    // The app freezes: it reads nothing (no pong) and sends nothing; its socket stays open.
    frozen.socket.pause();
    await vi.waitFor(async () => expect(await stateSeenBy(creator, silent.id)).toBe('offline'), {
      timeout: 4 * LEASE_TTL_MS,
      interval: 100,
    });
    await watcher.next(presenceOf(silent.id, 'offline'));
    expect(toldAbout(watcher, silent.id)).toEqual(['online', 'offline']);
    expect(await stateSeenBy(creator, beating.id)).toBe('online');
    expect(toldAbout(watcher, beating.id)).toEqual(['online']);
  });

  it('cuts the lease of a connection dropped without a close frame to the grace', async () => {
    const [creator, fan] = await Promise.all([signUp(t, 'creator'), signUp(t, 'fan')]);
    await openConversation(t, fan, creator);
    const watcher = await connect(url, creator);
    keepBeating(watcher);
    const socket = await connect(url, fan);
    await watcher.next(presenceOf(fan.id, 'online'));

    // The TCP connection goes away under the WebSocket: no close frame is ever sent.
    (socket.socket as unknown as { _socket: { destroy(): void } })._socket.destroy();
    await vi.waitFor(async () => {
      const left = await t.kv.ttlMs(`presence:leases:${fan.id}`);
      expect(left === null || left <= GRACE_MS).toBe(true);
    });
    await watcher.next(presenceOf(fan.id, 'offline'));
    expect(toldAbout(watcher, fan.id)).toEqual(['online', 'offline']);
  });
});
