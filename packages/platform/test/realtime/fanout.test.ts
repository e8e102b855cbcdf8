// Fan-out between two instances of one deployment (shared database and key-value store: Redis when
// REDIS_URL is set, else the in-process store): an event published on one reaches the user's sockets
// on both, once each; durable stream events are deduplicated by seq, and a gap is repaired from the
// stream source before the event that revealed it, in order. With Redis, the subscriber connection
// killed mid-stream: what was published meanwhile is recovered by the resync once it is restored.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { REALTIME_CLOSE } from '../../src/index.js';
import type { RealtimeTestClient } from '../../src/testing/index.js';
import type { TestUser } from '../fixtures/identity-client.js';
import { type RealtimeInstance, startRealtimeApp, terminateClients } from './harness.js';

let first: RealtimeInstance;
let second: RealtimeInstance;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  first = await startRealtimeApp();
  second = await startRealtimeApp({}, { peerOf: first });
  alice = await first.signUp();
  bob = await first.signUp();
});
afterEach(terminateClients);
let secondClosed = false;
afterAll(async () => {
  if (!secondClosed) await second?.t.close();
  await first?.t.close();
});

const notes = (client: RealtimeTestClient, stream: string) =>
  client.frames.filter((frame) => frame.type === 'note' && frame.stream === stream).map((frame) => frame.seq);

describe('cross-instance fan-out', () => {
  it('delivers an event published on one instance to the user on both, once per socket', async () => {
    const onFirst = await first.connect(alice);
    const onSecond = await second.connect(alice);
    const sender = await first.connect(bob);
    const reply = await sender.request('note', { stream: 'fx:live', text: 'hi', to: [alice.id, alice.id] });
    expect(reply.data).toEqual({ seq: 1 });
    for (const client of [onFirst, onSecond]) {
      expect(await client.next((frame) => frame.type === 'note')).toMatchObject({
        type: 'note',
        stream: 'fx:live',
        seq: 1,
        text: 'hi',
      });
    }
    // A later request round-trips after any duplicate would have arrived.
    await onFirst.request('echo', { text: 'x' });
    await onSecond.request('echo', { text: 'x' });
    expect(notes(onFirst, 'fx:live')).toEqual([1]);
    expect(notes(onSecond, 'fx:live')).toEqual([1]);
  });

  it('subscribes to a user channel from their first socket to their last', async () => {
    const carol = await second.signUp();
    const client = await second.connect(carol);
    await first.gateway.publishToUsers([carol.id], {
      type: 'nudge',
      delivery: 'ephemeral',
      payload: { n: 1 },
    });
    await client.next((frame) => frame.type === 'nudge');
    await client.close();
    await vi.waitFor(() => expect(second.gateway.connectionsOf(carol.id)).toHaveLength(0));
    const again = await second.connect(carol);
    await first.gateway.publishToUsers([carol.id], {
      type: 'nudge',
      delivery: 'ephemeral',
      payload: { n: 2 },
    });
    expect(await again.next((frame) => frame.type === 'nudge')).toMatchObject({ n: 2 });
  });

  it('drops a durable event it already sent, and repairs a gap from the stream source in order', async () => {
    const client = await second.connect(alice);
    const { streams } = first.fixture;
    const publish = (event: ReturnType<typeof streams.append>) =>
      first.gateway.publishToUsers([alice.id], event);
    const one = streams.append('fx:gap', 'one');
    await publish(one);
    await client.next((frame) => frame.seq === 1);
    await publish(one);
    // 2 and 3 are stored but their publication is lost; 4 reveals the gap.
    streams.append('fx:gap', 'two');
    streams.append('fx:gap', 'three');
    const afterCalls = streams.calls.after;
    await publish(streams.append('fx:gap', 'four'));
    await client.next((frame) => frame.seq === 4);
    await publish(one);
    await client.request('echo', { text: 'sync' });
    expect(notes(client, 'fx:gap')).toEqual([1, 2, 3, 4]);
    expect(client.frames.filter((frame) => frame.type === 'note').map((frame) => frame.text)).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
    expect(streams.calls.after).toBe(afterCalls + 1);
    const [connection] = second.gateway.connectionsOf(alice.id);
    expect(connection?.lastSeq('fx:gap')).toBe(4);
  });

  it.runIf(process.env.REDIS_URL)(
    'resyncs the streams a socket has seen after the subscriber connection was lost',
    async () => {
      const client = await first.connect(alice);
      const { streams } = first.fixture;
      await second.gateway.publishToUsers([alice.id], streams.append('fx:resync', 'one'));
      await client.next((frame) => frame.stream === 'fx:resync' && frame.seq === 1);
      const resyncsBefore = streams.calls.resync;

      const admin = new Redis(process.env.REDIS_URL as string);
      try {
        const list = String(await admin.call('CLIENT', 'LIST'));
        const ids = list
          .split('\n')
          .filter((line) => line.includes(` name=kv-subscriber:${first.t.keyPrefix} `))
          .map((line) => /\bid=(\d+)/.exec(line)?.[1] as string);
        expect(ids.length).toBeGreaterThan(0);
        for (const id of ids) await admin.call('CLIENT', 'KILL', 'ID', id);
      } finally {
        admin.disconnect();
      }
      // Published while the subscribers are down (or, if one came back already, caught as a gap).
      streams.append('fx:resync', 'two');
      await second.gateway.publishToUsers([alice.id], streams.append('fx:resync', 'three'));

      await client.next((frame) => frame.stream === 'fx:resync' && frame.seq === 3, 10_000);
      await vi.waitFor(() => expect(streams.calls.resync).toBeGreaterThan(resyncsBefore), {
        timeout: 10_000,
      });
      await client.request('echo', { text: 'sync' });
      expect(notes(client, 'fx:resync')).toEqual([1, 2, 3]);
      expect((await client.request('echo', { text: 'still open' })).type).toBe('reply');
    },
  );

  // Last: it shuts the second instance down.
  it('closes its sockets with 1001 when an instance shuts down; the other instance keeps delivering', async () => {
    const leaving = await second.connect(alice);
    const staying = await first.connect(alice);
    const [connection] = second.gateway.connectionsOf(alice.id);
    secondClosed = true;
    await second.t.close();
    expect(await leaving.closed).toMatchObject({ code: REALTIME_CLOSE.goingAway });
    expect(second.fixture.disconnected).toContainEqual({
      connectionId: connection?.id,
      code: REALTIME_CLOSE.goingAway,
    });
    await first.gateway.publishToUsers([alice.id], {
      type: 'nudge',
      delivery: 'ephemeral',
      payload: { n: 9 },
    });
    expect(await staying.next((frame) => frame.type === 'nudge' && frame.n === 9)).toBeDefined();
  });
});
