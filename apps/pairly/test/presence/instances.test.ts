// Presence across two app instances of one deployment (one database; one key-value store: the
// same in-process store embedded, Redis with REDIS_URL), each on its own port: a partner connected
// to one instance is told of a user on the other; a user moving from one instance to the other
// inside the grace (a load balancer rebalancing, an instance draining) tells nobody anything; a
// user of an instance shutting down reads offline once its sockets' grace has ended.
import type { Frame, RealtimeTestClient } from '@app/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, listen, openConversation, terminateClients } from '../messaging/support.js';
import { buildPairlyTestApp, type PairlyTestApp, signUp } from '../support/pairly-client.js';

let first: PairlyTestApp;
let second: PairlyTestApp;
let secondOpen = true;
const urls: string[] = [];

beforeAll(async () => {
  first = await buildPairlyTestApp({ presence: { sweepMs: 50 } });
  // Instances of one deployment share their secrets, so a token one issued is valid on the other.
  second = await buildPairlyTestApp(
    { presence: { sweepMs: 50 } },
    {
      peerOf: first,
      env: { JWT_SECRET: first.config.secrets.jwt, ENCRYPTION_KEY: first.config.secrets.encryption },
    },
  );
  urls.push(await listen(first), await listen(second));
});
afterEach(() => terminateClients());
afterAll(async () => {
  if (secondOpen) await second?.close();
  await first?.close();
});

const presenceOf = (userId: string, state: string) => (frame: Frame) =>
  frame.type === 'presence' && frame.userId === userId && frame.state === state;

const toldAbout = (client: RealtimeTestClient, userId: string): string[] =>
  client.frames
    .filter((frame) => frame.type === 'presence' && frame.userId === userId)
    .map((frame) => frame.state as string);

async function leaseMembers(userId: string): Promise<string[]> {
  const { leases } = await first.kv.readMany({ leases: [`presence:leases:${userId}`] });
  return leases[0] ?? [];
}

describe('presence on two instances', () => {
  it('tells a partner on the other instance, and nothing when the user moves inside the grace', async () => {
    const [fan, creator] = await Promise.all([signUp(first, 'fan'), signUp(first, 'creator')]);
    await openConversation(first, fan, creator);
    const watcher = await connect(urls[1] as string, creator);
    const onFirst = await connect(urls[0] as string, fan);
    await watcher.next(presenceOf(fan.id, 'online'));

    await onFirst.close();
    const onSecond = await connect(urls[1] as string, fan);
    const movedTo = onSecond.frames.find((frame) => frame.type === 'auth_ok')?.connectionId;
    await vi.waitFor(async () => expect(await leaseMembers(fan.id)).toEqual([movedTo]), { timeout: 5_000 });
    await onSecond.close();
    await watcher.next(presenceOf(fan.id, 'offline'));
    expect(toldAbout(watcher, fan.id)).toEqual(['online', 'offline']);
  });

  it("reads a shut-down instance's users offline and tells their partners", async () => {
    const [fan, creator] = await Promise.all([signUp(first, 'fan'), signUp(first, 'creator')]);
    await openConversation(first, fan, creator);
    const watcher = await connect(urls[0] as string, creator);
    await connect(urls[1] as string, fan);
    await watcher.next(presenceOf(fan.id, 'online'));

    secondOpen = false;
    await second.close();
    await watcher.next(presenceOf(fan.id, 'offline'));
    expect(await leaseMembers(fan.id)).toEqual([]);
    expect(toldAbout(watcher, fan.id)).toEqual(['online', 'offline']);
  });
});
