// Two pairly instances of one deployment on a private redis-server that is restarted in the middle
// of a conversation: nothing is lost, because what pub/sub dropped while Redis was down is fetched
// from the database once the instances have resubscribed (live delivery and resume across
// instances: messaging/two-instances.test.ts).
import {
  buildTestApp,
  hasRedisServer,
  type OwnRedis,
  type RealtimeTestClient,
  startOwnRedis,
} from '@app/platform/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPairlyApp } from '../../src/app.js';
import {
  connect,
  listen,
  messagesReceived,
  openConversation,
  sendRest,
  terminateClients,
} from '../messaging/support.js';
import { type PairlyTestApp, signUp } from '../support/pairly-client.js';

const definition = createPairlyApp({ hasher: { memoryKiB: 1024, iterations: 1 } });
/** A lost Redis is noticed, reconnected (backoff up to 2 s) and resubscribed before the resync. */
const afterReconnect = { timeout: 20_000, interval: 25 };

const apps: PairlyTestApp[] = [];
const servers: OwnRedis[] = [];

/** Two instances sharing database, clock and key-value store; `env` points both at one Redis. */
async function twoInstances(env: Record<string, string> = {}) {
  const a = await buildTestApp(definition, { env });
  const b = await buildTestApp(definition, { env, peerOf: a });
  // The peer is closed first: the first instance owns the shared database.
  apps.push(b, a);
  return { a, b, urlA: await listen(a), urlB: await listen(b) };
}

afterEach(async () => {
  terminateClients();
  for (const app of apps.splice(0)) await app.close();
  for (const server of servers.splice(0)) await server.close();
});

async function fanAndCreator(t: PairlyTestApp) {
  const [fan, creator] = await Promise.all([signUp(t, 'fan'), signUp(t, 'creator')]);
  return { fan, creator, conversationId: await openConversation(t, fan, creator) };
}

function seqsReceived(client: RealtimeTestClient, conversationId: string): unknown[] {
  return messagesReceived(client, conversationId).map((frame) => frame.seq);
}

describe.skipIf(!hasRedisServer)('two instances on a Redis that restarts mid-conversation', () => {
  it('loses nothing: messages published while Redis was down are fetched from the database', async () => {
    const redis = await startOwnRedis();
    servers.push(redis);
    const { a, urlB } = await twoInstances({ REDIS_URL: redis.url });
    const { fan, creator, conversationId } = await fanAndCreator(a);
    const creatorOnB = await connect(urlB, creator);
    await sendRest(a, fan, conversationId, { clientMessageId: 'm1', body: 'before' });
    await creatorOnB.next((frame) => frame.type === 'message.new' && frame.seq === 1);

    await redis.stop();
    // Sending does not depend on Redis: the message is stored and its publication is only a hint.
    for (const n of [2, 3]) {
      const response = await sendRest(a, fan, conversationId, {
        clientMessageId: `m${n}`,
        body: `down ${n}`,
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    await redis.restart();

    await vi.waitFor(
      () => expect(seqsReceived(creatorOnB, conversationId)).toEqual([1, 2, 3]),
      afterReconnect,
    );
    // Delivery is live again, and nothing arrives twice.
    await vi.waitFor(async () => {
      await sendRest(a, fan, conversationId, { clientMessageId: 'm4', body: 'after' });
      expect(seqsReceived(creatorOnB, conversationId)).toContain(4);
    }, afterReconnect);
    expect(seqsReceived(creatorOnB, conversationId)).toEqual([1, 2, 3, 4]);
  });
});
