// Test support for presence: the presence service built directly on a test app's real database and
// key-value store (Redis when REDIS_URL is set), with the key-value store wrapped to count calls,
// the gateway's publishToUsers recorded (the only part presence uses to push) and the peers (both
// those told of changes and those a lookup shows a user to) and blocks it asks other modules about
// set by the test. Several services over one store are several
// instances of one deployment.
import { createLogger, type KeyValueStore, type OutgoingEvent } from '@app/platform';
import type { PresenceOptions } from '../../src/modules/presence/options.js';
import { createPresence, type Presence } from '../../src/modules/presence/service.js';
import type { PairlyTestApp } from '../support/pairly-client.js';

export interface CountingKv {
  kv: KeyValueStore;
  /** Calls made through the wrapper, by method name. */
  calls: Map<string, number>;
  total(): number;
  reset(): void;
}

export function countingKv(kv: KeyValueStore): CountingKv {
  const calls = new Map<string, number>();
  const wrapped = new Proxy(kv, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return {
    kv: wrapped,
    calls,
    total: () => [...calls.values()].reduce((sum, count) => sum + count, 0),
    reset: () => calls.clear(),
  };
}

export interface Push {
  userIds: string[];
  userId: string;
  state: string;
  lastActiveAt: string | null;
}

/** Who is interested in whom (conversation partners, both ways), and who blocked whom (either way), as the test sets them. */
export interface Relations {
  peers: Map<string, string[]>;
  blocks: Set<string>;
}

export const newRelations = (): Relations => ({ peers: new Map(), blocks: new Set() });

const pair = (a: string, b: string) => [a, b].sort().join('|');

export function block(relations: Relations, a: string, b: string): void {
  relations.blocks.add(pair(a, b));
}

export interface PresenceInstance {
  presence: Presence;
  counter: CountingKv;
  /** Every presence event pushed, oldest first (shared by instances built with the same array). */
  pushes: Push[];
}

const arePartners = (relations: Relations, a: string, b: string) =>
  (relations.peers.get(a) ?? []).includes(b) || (relations.peers.get(b) ?? []).includes(a);

export function buildPresence(
  t: PairlyTestApp,
  relations: Relations,
  options: Partial<PresenceOptions> = {},
  pushes: Push[] = [],
  kv: KeyValueStore = t.kv,
): PresenceInstance {
  const counter = countingKv(kv);
  const presence = createPresence({
    db: t.db,
    clock: t.clock,
    logger: createLogger({ level: 'info', service: 'presence-test', destination: t.logs.stream }).logger,
    options: { presence: options },
    kv: counter.kv,
    realtime: {
      async publishToUsers(userIds: readonly string[], event: OutgoingEvent) {
        pushes.push({ userIds: [...userIds].sort(), ...(event.payload as Omit<Push, 'userIds'>) });
      },
    },
    safety: {
      async blockedAmong(userId, others) {
        return new Set(others.filter((other) => relations.blocks.has(pair(userId, other))));
      },
    },
    interestedPeers: async (userId) => relations.peers.get(userId) ?? [],
    partnersAmong: async (viewerId, userIds) =>
      new Set(userIds.filter((userId) => arePartners(relations, viewerId, userId))),
  });
  return { presence, counter, pushes };
}

/** The states pushed about one user, in order. */
export const statesOf = (pushes: readonly Push[], userId: string): string[] =>
  pushes.filter((push) => push.userId === userId).map((push) => push.state);
