// The Redis store keeps the key-value contract against the server at REDIS_URL, really prefixes keys
// and channels, and refuses to start against a server it cannot reach: promptly, naming the
// problem, without leaking the password or a reconnect loop.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKeyValueStore } from '../../src/kv/index.js';
import { defineKeyValueContract } from '../../src/testing/kv-contract.js';

const url = process.env.REDIS_URL;
const run = `kvtest:${randomUUID()}:`;
let stores = 0;
const nextPrefix = () => `${run}${++stores}:`;

describe.skipIf(!url)('redis key-value store', () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(url ?? '');
  });
  afterAll(async () => {
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${run}*`, count: 1_000 })) keys.push(...batch);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  defineKeyValueContract('redis', () =>
    createKeyValueStore({ url: url ?? '', keyPrefix: nextPrefix(), onError: () => {} }),
  );

  it('stores keys and publishes channels under its prefix', async () => {
    const keyPrefix = nextPrefix();
    const store = await createKeyValueStore({ url: url ?? '', keyPrefix });
    await store.set('k', 'v', { ttlMs: 60_000 });
    expect(await admin.get(`${keyPrefix}k`)).toBe('v');
    const received: string[] = [];
    await store.subscribe('news', (message) => {
      received.push(message);
    });
    await admin.publish(`${keyPrefix}news`, 'from outside');
    await vi.waitFor(() => expect(received).toEqual(['from outside']));
    await store.close();
  });

  it('reports what a handler throws or rejects with', async () => {
    const errors: unknown[] = [];
    const store = await createKeyValueStore({
      url: url ?? '',
      keyPrefix: nextPrefix(),
      onError: (error) => errors.push(error),
    });
    await store.subscribe('news', () => {
      throw new Error('sync failure');
    });
    await store.subscribe('news', async () => {
      throw new Error('async failure');
    });
    await store.publish('news', 'hello');
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    expect(errors.map((error) => (error as Error).message).sort()).toEqual(['async failure', 'sync failure']);
    await store.close();
  });
});

describe('redis key-value store that cannot connect', () => {
  it('rejects at once when nothing listens, naming the address and the cause', async () => {
    await expect(createKeyValueStore({ url: 'redis://127.0.0.1:1' })).rejects.toThrow(
      /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1.*ECONNREFUSED/,
    );
  });

  it('never puts the password in the error', async () => {
    const failure = await createKeyValueStore({ url: 'redis://:s3cret-pass@127.0.0.1:1' }).catch(
      (error: Error) => error,
    );
    expect(String(failure)).toMatch(/redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(String(failure)).not.toContain('s3cret-pass');
  });

  it('rejects with a time-out when the server accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    // The server never answers: only the store's own connect timeout can end this (item 20: the
    // message proves which limit acted; no elapsed time is asserted).
    await expect(createKeyValueStore({ url: `redis://127.0.0.1:${port}` })).rejects.toThrow(/timed out/);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('leaves nothing behind that keeps the process alive', async () => {
    const script = `
      const { createKeyValueStore } = await import('./packages/platform/src/kv/index.ts');
      await createKeyValueStore({ url: 'redis://127.0.0.1:1' }).catch(() => {});
      await new Promise((resolve) => setImmediate(resolve));
      console.log(JSON.stringify(process.getActiveResourcesInfo()));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: fileURLToPath(new URL('../../../../', import.meta.url)), timeout: 20_000 },
    );
    // No timer, socket or handle survives the failed connect (item 20: what is left is asserted,
    // not how long the process took to exit).
    const resources: string[] = JSON.parse(stdout.trim());
    // The child's own stdio pipes are the only handles expected.
    expect(resources.filter((resource) => resource !== 'PipeWrap' && resource !== 'TTYWrap')).toEqual([]);
  });
});
