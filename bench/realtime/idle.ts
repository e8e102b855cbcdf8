// Owns the idle-connection phase of bench/realtime: the server's memory (after a full collection,
// read from the server process itself through GET /bench/memory) before and after opening many
// sockets that then stay idle, and again once they are closed; the difference divided by the number
// of sockets is what one idle connection costs the server.
import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { MEMORY_PATH, type MemorySnapshot } from './bench-routes.js';
import { authenticate, closeAll, connect, inBatches } from './load.js';

export interface IdleMemory {
  connections: number;
  openSeconds: number;
  rssPerConnection: number;
  heapPerConnection: number;
  /** Outside the JS heap: `ws` and socket buffers. */
  externalPerConnection: number;
  before: MemorySnapshot;
  open: MemorySnapshot;
  closed: MemorySnapshot;
}

const WARM_UP_SOCKETS = 200;
const SETTLE_MS = 2_000;

async function snapshot(baseUrl: string, headers: Record<string, string>): Promise<MemorySnapshot> {
  const response = await fetch(`${baseUrl}${MEMORY_PATH}`, { headers });
  if (!response.ok) throw new Error(`${MEMORY_PATH}: ${response.status} ${await response.text()}`);
  return (await response.json()) as MemorySnapshot;
}

/** Opens `count` sockets (authenticated with `tokenOf(index)` when given), measures, closes them. */
export async function measureIdleMemory(options: {
  baseUrl: string;
  wsUrl: string;
  count: number;
  tokenOf?: (index: number) => string;
  headers?: Record<string, string>;
  concurrency?: number;
}): Promise<IdleMemory> {
  const { baseUrl, wsUrl, count, tokenOf, headers = {}, concurrency = 100 } = options;
  const open = (howMany: number) =>
    inBatches(howMany, concurrency, async (index) => {
      const socket = await connect(wsUrl);
      if (tokenOf) await authenticate(socket, tokenOf(index));
      return socket;
    });
  // A first batch opened and closed, and a pause, so the code paths' first-use cost (compiled
  // code, caches) and the previous phase's garbage are not counted per connection.
  await closeAll(await open(Math.min(WARM_UP_SOCKETS, count)));
  await sleep(SETTLE_MS);
  const before = await snapshot(baseUrl, headers);
  const started = performance.now();
  const sockets: WebSocket[] = await open(count);
  const openSeconds = (performance.now() - started) / 1_000;
  // Whatever the server does right after a connect (presence, audit writes) has finished by now.
  await sleep(SETTLE_MS);
  const opened = await snapshot(baseUrl, headers);
  await closeAll(sockets);
  await sleep(SETTLE_MS);
  const closed = await snapshot(baseUrl, headers);
  const per = (field: keyof Omit<MemorySnapshot, 'collected'>) => (opened[field] - before[field]) / count;
  return {
    connections: count,
    openSeconds,
    rssPerConnection: per('rss'),
    heapPerConnection: per('heapUsed'),
    externalPerConnection: per('external'),
    before,
    open: opened,
    closed,
  };
}
