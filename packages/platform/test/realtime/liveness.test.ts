// Peers that stop keeping up: one that no longer answers pings is terminated and the gateway tells
// onDisconnect (1006), while one that answers stays; one that stops reading has ephemeral events
// shed once its unsent bytes pass the high-water mark, keeps receiving durable ones, and is closed
// 4008 when a durable event no longer fits: every durable event queued before that arrives in order.
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { REALTIME_CLOSE } from '../../src/index.js';
import { logsOf, type RealtimeInstance, startRealtimeApp, terminateClients } from './harness.js';

let rt: RealtimeInstance;

beforeAll(async () => {
  rt = await startRealtimeApp({
    pingIntervalMs: 100,
    sendQueueHighWaterBytes: 32 * 1024,
    sendQueueMaxBytes: 128 * 1024,
  });
});
afterEach(terminateClients);
afterAll(async () => rt?.t.close());

describe('realtime liveness and slow consumers', () => {
  it('terminates a peer that stops answering pings and keeps one that answers', async () => {
    const user = await rt.signUp();
    const healthy = await rt.connect(user);
    let pings = 0;
    healthy.socket.on('ping', () => {
      pings += 1;
    });
    const silent = await rt.connect(user, { autoPong: false });
    const [gone] = rt.gateway.connectionsOf(user.id).slice(-1);
    expect((await silent.closed).code).toBe(REALTIME_CLOSE.abnormal);
    await vi.waitFor(() =>
      expect(rt.fixture.disconnected).toContainEqual({
        connectionId: gone?.id,
        code: REALTIME_CLOSE.abnormal,
      }),
    );
    await vi.waitFor(() => expect(pings).toBeGreaterThanOrEqual(5));
    expect((await healthy.request('echo', { text: 'alive' })).type).toBe('reply');
  });

  it('sheds ephemeral events first, then closes a slow consumer with 4008, losing no durable event', async () => {
    const user = await rt.signUp();
    const client = await rt.connect(user);
    const [connection] = rt.gateway.connectionsOf(user.id);
    if (!connection) throw new Error('no connection');
    const tcp = (client.socket as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const text = 'x'.repeat(4096);
    let sent = 0;
    // The kernel's buffers take a few megabytes before the gateway's own queue starts to grow.
    while (rt.gateway.connectionsOf(user.id).length > 0 && sent < 10_000) {
      sent += 1;
      connection.send({
        type: 'note',
        delivery: 'durable',
        stream: { id: 'fx:slow', seq: sent },
        payload: { text },
      });
      connection.send({ type: 'nudge', delivery: 'ephemeral', payload: { n: sent } });
    }
    expect(rt.gateway.connectionsOf(user.id)).toHaveLength(0);
    tcp.resume();
    expect(await client.closed).toMatchObject({ code: REALTIME_CLOSE.slowConsumer, reason: 'slow consumer' });

    const notes = client.frames.filter((frame) => frame.type === 'note').map((frame) => frame.seq);
    const nudges = client.frames.filter((frame) => frame.type === 'nudge').map((frame) => frame.n);
    // Every durable event but the one that did not fit, in order.
    expect(notes).toEqual(Array.from({ length: sent - 1 }, (_, index) => index + 1));
    expect(nudges.length).toBeLessThan(sent - 1);
    // Shedding started before the close: durable events kept arriving after the last nudge.
    expect(Number(nudges.at(-1))).toBeLessThan(sent - 1);
    await vi.waitFor(() =>
      expect(logsOf(rt, 'ws_disconnect').find((line) => line.connectionId === connection.id)).toMatchObject({
        code: REALTIME_CLOSE.slowConsumer,
        shed: sent - 1 - nudges.length,
      }),
    );
    expect(logsOf(rt, 'ws_slow_consumer')).toHaveLength(1);
  });
});
