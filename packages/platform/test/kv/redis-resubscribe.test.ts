// A Redis store whose subscriber connection is lost subscribes again to every channel still in use
// and only then calls its onSubscriptionsRestored listeners, so they can refetch what was published
// meanwhile. The loss is made for real: the shared Redis at REDIS_URL kills just this store's
// subscriber connection (found by its name, so other suites' subscribers are left alone), and a
// private redis-server is restarted outright.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKeyValueStore, type KeyValueStore } from '../../src/kv/index.js';
import { hasRedisServer, type OwnRedis, startOwnRedis } from '../../src/testing/own-services.js';

const url = process.env.REDIS_URL;
const run = `kvresub:${randomUUID()}:`;
let stores = 0;
/** A reconnect waits up to 2 s between attempts; a restarted server takes a moment to start. */
const reconnected = { timeout: 15_000, interval: 20 };

/** Records what `store` receives on `channel` and how often its subscriptions were restored. */
async function watch(store: KeyValueStore, channel: string) {
  const received: string[] = [];
  let restorations = 0;
  await store.subscribe(channel, (message) => {
    received.push(message);
  });
  store.onSubscriptionsRestored(() => {
    restorations += 1;
  });
  return { received, restorations: () => restorations };
}

describe.skipIf(!url)('redis subscriptions after the subscriber connection is killed', () => {
  let admin: Redis;
  const opened: KeyValueStore[] = [];

  async function open() {
    const keyPrefix = `${run}${++stores}:`;
    const store = await createKeyValueStore({ url: url ?? '', keyPrefix, onError: () => {} });
    opened.push(store);
    return { store, keyPrefix };
  }

  /** The id of the store's subscriber connection, which it names after its key prefix. */
  async function subscriberId(keyPrefix: string): Promise<string> {
    const clients = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    const line = clients.split('\n').find((client) => client.includes(` name=kv-subscriber:${keyPrefix} `));
    const id = line?.match(/^id=(\d+) /)?.[1];
    if (!id) throw new Error(`no subscriber connection named after ${keyPrefix}`);
    return id;
  }

  /** Kills the subscriber and, in the same transaction so it cannot be back yet, publishes `message`. */
  async function killSubscriberAndPublish(keyPrefix: string, channel: string, message: string) {
    const id = await subscriberId(keyPrefix);
    const replies = await admin
      .multi()
      .client('KILL', 'ID', id, 'TYPE', 'pubsub')
      .publish(`${keyPrefix}${channel}`, message)
      .exec();
    return { killed: replies?.[0]?.[1], receivers: replies?.[1]?.[1] };
  }

  beforeAll(() => {
    admin = new Redis(url ?? '');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${run}*`, count: 1_000 })) keys.push(...batch);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('restores the subscriptions, then tells the listeners, who refetch what was missed', async () => {
    const { store, keyPrefix } = await open();
    const news = await watch(store, 'news');
    await store.set('latest', 'v1');
    const refetched: (string | null)[] = [];
    store.onSubscriptionsRestored(() => {
      // The channel is subscribed again by now: this message must arrive.
      void store.publish('news', 'published by the listener');
      void store.get('latest').then((latest) => refetched.push(latest));
    });
    await store.set('latest', 'v2');

    expect(await killSubscriberAndPublish(keyPrefix, 'news', 'v2 published while down')).toEqual({
      killed: 1,
      receivers: 0,
    });
    await vi.waitFor(() => expect(news.restorations()).toBe(1), reconnected);
    await vi.waitFor(() => expect(refetched).toEqual(['v2']));
    await vi.waitFor(() => expect(news.received).toEqual(['published by the listener']));
    await store.publish('news', 'after');
    await vi.waitFor(() => expect(news.received).toEqual(['published by the listener', 'after']));
  });

  it('subscribes again to every channel in use and to none that was left', async () => {
    const { store, keyPrefix } = await open();
    const news = await watch(store, 'news');
    const sport = await watch(store, 'sport');
    const leave = await store.subscribe('left', () => {});
    await leave();
    await killSubscriberAndPublish(keyPrefix, 'news', 'lost');
    await vi.waitFor(() => expect(news.restorations()).toBeGreaterThan(0), reconnected);
    const counts = await admin.pubsub('NUMSUB', `${keyPrefix}news`, `${keyPrefix}sport`, `${keyPrefix}left`);
    expect(counts).toEqual([`${keyPrefix}news`, 1, `${keyPrefix}sport`, 1, `${keyPrefix}left`, 0]);
    await store.publish('sport', 'goal');
    await store.publish('news', 'headline');
    await vi.waitFor(() => expect(sport.received).toEqual(['goal']));
    await vi.waitFor(() => expect(news.received).toEqual(['headline']));
  });

  it('calls a listener once per restoration, never after it was removed, and survives one that throws', async () => {
    const { store, keyPrefix } = await open();
    const news = await watch(store, 'news');
    let removedCalls = 0;
    const remove = store.onSubscriptionsRestored(() => {
      removedCalls += 1;
    });
    store.onSubscriptionsRestored(() => {
      throw new Error('listener failed');
    });
    expect(news.restorations()).toBe(0);
    await killSubscriberAndPublish(keyPrefix, 'news', 'lost');
    await vi.waitFor(() => expect(news.restorations()).toBe(1), reconnected);
    expect(removedCalls).toBe(1);
    remove();
    await killSubscriberAndPublish(keyPrefix, 'news', 'lost again');
    await vi.waitFor(() => expect(news.restorations()).toBe(2), reconnected);
    expect(removedCalls).toBe(1);
  });
});

describe.skipIf(!hasRedisServer)('redis subscriptions across a restart of the server', () => {
  let redis: OwnRedis;
  let store: KeyValueStore;

  beforeAll(async () => {
    redis = await startOwnRedis();
    store = await createKeyValueStore({ url: redis.url, keyPrefix: 'restart:', onError: () => {} });
  });
  afterAll(async () => {
    await store?.close();
    await redis?.close();
  });

  it('restores the subscriptions after the server came back empty, and leases work again', async () => {
    const news = await watch(store, 'news');
    await store.leaseSet('room', 'before-restart', 60_000);
    await redis.restart();
    await vi.waitFor(() => expect(news.restorations()).toBe(1), reconnected);
    // The command connection reconnects on its own schedule: retry until it is back.
    await vi.waitFor(() => store.publish('news', 'after restart'), reconnected);
    await vi.waitFor(() => expect(news.received).toContain('after restart'));
    // The server restarted empty, without the scripts cached: they are sent again.
    expect((await store.readMany({ leases: ['room'] })).leases).toEqual([[]]);
    await store.leaseSet('room', 'after-restart', 60_000);
    expect((await store.readMany({ leases: ['room'] })).leases).toEqual([['after-restart']]);
  });
});
