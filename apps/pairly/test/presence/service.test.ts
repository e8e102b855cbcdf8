// The presence service on a real database and key-value store (memory, or Redis with REDIS_URL),
// driven as the gateway and the routes drive it: heartbeats take leases, a clean close shortens
// them to the grace, activity keeps a user online. Leases expire in real time (small TTLs, polled);
// away is decided by the app clock (a fake one the test moves). What peers are told is recorded at
// the gateway's publishToUsers. Shows P1 (a crashed client goes offline when its lease runs out),
// P2 (away after idling, online again on activity), P3 (a lookup of 500 users is ONE key-value
// call), P4 (no flap on a reconnect inside the grace) and P5 (one push per real change, only to
// interested peers who are not blocked, even with two instances deciding at once); a lookup shows
// a user only to their partners, and concurrent visibility changes leave the key-value mirror
// agreeing with the database.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PresenceOptions } from '../../src/modules/presence/options.js';
import { buildPairlyTestApp, type PairlyTestApp, signUp } from '../support/pairly-client.js';
import {
  block,
  buildPresence,
  newRelations,
  type PresenceInstance,
  type Push,
  type Relations,
  statesOf,
} from './support.js';

let t: PairlyTestApp;
let relations: Relations;
const started: PresenceInstance[] = [];
const start = new Date('2026-01-01T00:00:00.000Z');

/** Leases of a few hundred ms, re-checked every 20 ms: expiry is quick to poll for. */
const QUICK: Partial<PresenceOptions> = {
  heartbeatMs: 100,
  leaseTtlMs: 400,
  graceMs: 150,
  sweepMs: 20,
  awayAfterMs: 60_000,
};

/** A started instance (re-checking every sweepMs), stopped after the test. */
function instance(options: Partial<PresenceOptions> = QUICK, pushes: Push[] = []): PresenceInstance {
  const built = buildPresence(t, relations, options, pushes);
  built.presence.start();
  started.push(built);
  return built;
}

beforeAll(async () => {
  t = await buildPairlyTestApp();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map(({ presence }) => presence.stop()));
  t.clock.set(start);
});
afterAll(async () => t?.close());

const user = () => randomUUID();

describe('presence service', () => {
  it('looks up 500 users in ONE key-value call, hidden, blocked and non-partner users reading offline', async () => {
    relations = newRelations();
    // Not started: no periodic re-check shares the counted key-value store.
    const { presence, counter } = buildPresence(t, relations, { ...QUICK, leaseTtlMs: 60_000 });
    const [viewer, hiddenUser] = [await signUp(t), await signUp(t)];
    const ids: string[] = Array.from({ length: 499 }, user);
    ids[0] = hiddenUser.id;
    for (const id of ids.slice(0, 200)) await presence.heartbeat(id, `conn-${id}`, { active: true });
    await presence.setHidden(hiddenUser.id, true);
    block(relations, viewer.id, ids[1] as string);
    // The viewer shares a conversation with the first 100 only.
    relations.peers.set(viewer.id, ids.slice(0, 100));
    const asked = [...ids, viewer.id];

    counter.reset();
    const views = await presence.lookup(viewer.id, asked);
    expect(counter.total()).toBe(1);
    expect(counter.calls.get('readMany')).toBe(1);

    expect(views).toHaveLength(500);
    expect(views.map((view) => view.userId)).toEqual(asked);
    const byId = new Map(views.map((view) => [view.userId, view]));
    expect(byId.get(hiddenUser.id)).toEqual({ userId: hiddenUser.id, state: 'offline', lastActiveAt: null });
    expect(byId.get(ids[1] as string)).toEqual({ userId: ids[1], state: 'offline', lastActiveAt: null });
    expect(byId.get(ids[2] as string)).toEqual({
      userId: ids[2],
      state: 'online',
      lastActiveAt: start.toISOString(),
    });
    expect(byId.get(ids[300] as string)).toEqual({ userId: ids[300], state: 'offline', lastActiveAt: null });
    // Online, but no partner of the viewer: read as an unknown id.
    expect(byId.get(ids[150] as string)).toEqual({ userId: ids[150], state: 'offline', lastActiveAt: null });
    // The hidden user sees themself as they are.
    const [self] = await presence.lookup(hiddenUser.id, [hiddenUser.id]);
    expect(self?.state).toBe('online');
  });

  it('tells interested peers once per real change, never blocked ones', async () => {
    relations = newRelations();
    const [alice, bob, carol, mallory] = [user(), user(), user(), user()];
    relations.peers.set(alice, [bob, carol, mallory]);
    block(relations, mallory, alice);
    const { presence, pushes } = instance();

    await presence.heartbeat(alice, 'phone', { active: true });
    await presence.heartbeat(alice, 'phone', { active: true });
    await presence.heartbeat(alice, 'laptop');
    expect(pushes).toEqual([
      { userIds: [bob, carol].sort(), userId: alice, state: 'online', lastActiveAt: start.toISOString() },
    ]);
  });

  it('turns away after awayAfterMs without activity and online again on activity', async () => {
    relations = newRelations();
    const [alice, bob] = [user(), user()];
    relations.peers.set(alice, [bob]);
    const { presence, pushes } = instance({ ...QUICK, leaseTtlMs: 60_000 });
    await presence.heartbeat(alice, 'phone');
    expect(statesOf(pushes, alice)).toEqual(['online']);

    // Heartbeats without activity keep the lease, not the online state.
    t.clock.advance(60_001);
    await presence.heartbeat(alice, 'phone', { active: false });
    expect(statesOf(pushes, alice)).toEqual(['online', 'away']);

    await presence.touch(alice);
    expect(statesOf(pushes, alice)).toEqual(['online', 'away', 'online']);
    const [seen] = await presence.lookup(bob, [alice]);
    expect(seen?.state).toBe('online');

    // Nothing but time passing: the sweep finds the user idle.
    t.clock.advance(60_001);
    await vi.waitFor(() => expect(statesOf(pushes, alice)).toEqual(['online', 'away', 'online', 'away']));
  });

  it('takes a crashed client offline when its lease runs out (no close, no heartbeat)', async () => {
    relations = newRelations();
    const [alice, bob] = [user(), user()];
    relations.peers.set(alice, [bob]);
    const { presence, pushes } = instance();
    await presence.heartbeat(alice, 'phone');
    await vi.waitFor(() => expect(statesOf(pushes, alice)).toEqual(['online', 'offline']), {
      timeout: 5_000,
      interval: 20,
    });
    const [seen] = await presence.lookup(bob, [alice]);
    expect(seen).toEqual({ userId: alice, state: 'offline', lastActiveAt: start.toISOString() });
  });

  it('takes a cleanly closed connection offline after the grace; a reconnect inside it pushes nothing', async () => {
    relations = newRelations();
    const [alice, bob, dave, erin] = [user(), user(), user(), user()];
    relations.peers.set(alice, [bob]);
    relations.peers.set(dave, [erin]);
    const { presence, pushes } = instance({ ...QUICK, leaseTtlMs: 60_000, graceMs: 300 });

    await presence.heartbeat(dave, 'socket-1');
    await presence.release(dave, 'socket-1');
    await vi.waitFor(() => expect(statesOf(pushes, dave)).toEqual(['online', 'offline']), { interval: 20 });

    await presence.heartbeat(alice, 'socket-1');
    await presence.release(alice, 'socket-1');
    await presence.heartbeat(alice, 'socket-2');
    // Once the first socket's lease has ended, every instance's re-check agrees nothing changed.
    await vi.waitFor(async () => expect((await presence.lookup(alice, [alice]))[0]?.state).toBe('online'));
    await vi.waitFor(async () => {
      const { leases } = await t.kv.readMany({ leases: [`presence:leases:${alice}`] });
      expect(leases[0]).toEqual(['socket-2']);
    });
    await presence.sweepOrphans();
    expect(statesOf(pushes, alice)).toEqual(['online']);
  });

  it('hides a user: peers are told offline once, then nothing; showing them again tells their state', async () => {
    relations = newRelations();
    const [alice, bob] = [await signUp(t), await signUp(t)];
    relations.peers.set(alice.id, [bob.id]);
    const { presence, pushes } = instance({ ...QUICK, leaseTtlMs: 60_000 });
    await presence.heartbeat(alice.id, 'phone');

    await presence.setHidden(alice.id, true);
    expect(await presence.isHidden(alice.id)).toBe(true);
    t.clock.advance(60_001);
    await presence.heartbeat(alice.id, 'phone', { active: false });
    await presence.touch(alice.id);
    await presence.sweepOrphans();
    expect(pushes.filter((push) => push.userId === alice.id)).toEqual([
      expect.objectContaining({ state: 'online' }),
      { userIds: [bob.id], userId: alice.id, state: 'offline', lastActiveAt: null },
    ]);
    expect((await presence.statusOf([alice.id])).get(alice.id)).toBe('offline');

    await presence.setHidden(alice.id, false);
    // The instance's own re-check (every sweepMs) may claim the change first; its push lands when it is done.
    await expect.poll(() => statesOf(pushes, alice.id)).toEqual(['online', 'offline', 'online']);
  });

  it('keeps a hidden user hidden when the key-value store lost its mirror of the setting', async () => {
    relations = newRelations();
    const [alice, bob] = [await signUp(t), await signUp(t)];
    relations.peers.set(alice.id, [bob.id]);
    const { presence } = instance({ ...QUICK, leaseTtlMs: 60_000 });
    await presence.heartbeat(alice.id, 'phone');
    await presence.setHidden(alice.id, true);
    await t.kv.delete(`presence:hidden:${alice.id}`);

    expect(await presence.lookup(bob.id, [alice.id])).toEqual([
      { userId: alice.id, state: 'offline', lastActiveAt: null },
    ]);
    expect(await t.kv.get(`presence:hidden:${alice.id}`)).toBe('1');
  });

  it('leaves the mirror agreeing with the database when two visibility changes race', async () => {
    relations = newRelations();
    const alice = await signUp(t);
    const hiddenKey = `presence:hidden:${alice.id}`;
    // The first change's mirror write is held back until the test lets it go.
    let held: () => void = () => undefined;
    const heldBack = new Promise<void>((resolve) => {
      held = resolve;
    });
    let entered: () => void = () => undefined;
    const writing = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let holding = true;
    const slowKv = new Proxy(t.kv, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'set') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: Parameters<typeof t.kv.set>) => {
          if (holding && args[0] === hiddenKey && args[1] === '1') {
            holding = false;
            entered();
            await heldBack;
          }
          return target.set(...args);
        };
      },
    });
    const { presence } = buildPresence(t, relations, QUICK, [], slowKv);

    const hide = presence.setHidden(alice.id, true);
    await writing;
    const show = presence.setHidden(alice.id, false);
    // Give the second change every chance to overtake the held one.
    await Promise.race([show, new Promise((resolve) => setTimeout(resolve, 200))]);
    held();
    await Promise.all([hide, show]);

    const stored = await presence.isHidden(alice.id);
    expect(stored).toBe(false);
    expect(await t.kv.get(hiddenKey)).toBe(stored ? '1' : '0');
  });

  it('announces a change once when two instances see it at the same moment', async () => {
    relations = newRelations();
    const [alice, bob] = [user(), user()];
    relations.peers.set(alice, [bob]);
    const pushes: Push[] = [];
    const [first, second] = [instance(QUICK, pushes), instance(QUICK, pushes)];
    await Promise.all([first.presence.heartbeat(alice, 'phone'), second.presence.heartbeat(alice, 'laptop')]);
    await vi.waitFor(() => expect(statesOf(pushes, alice)).toEqual(['online', 'offline']));
  });

  it("tells peers offline from another instance when the user's instance died", async () => {
    relations = newRelations();
    const [alice, bob] = [user(), user()];
    relations.peers.set(alice, [bob]);
    const dying = buildPresence(t, relations, QUICK);
    await dying.presence.heartbeat(alice, 'phone');
    expect(statesOf(dying.pushes, alice)).toEqual(['online']);

    const survivor = instance();
    await vi.waitFor(async () => {
      await survivor.presence.sweepOrphans();
      expect(statesOf(survivor.pushes, alice)).toEqual(['offline']);
    });
  });
});
