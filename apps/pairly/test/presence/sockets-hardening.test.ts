// Presence over real WebSockets, against abuse (the security review of issue 16): heartbeat frames
// count against the socket's frame budget (a burst is refused `rate_limited`, then the socket is
// closed 4429, like any other frame), a heartbeat soon after the last renewal does not touch the
// socket's lease, and staff sockets (moderators, even a superadmin holding every permission) take no
// lease and have their heartbeats refused with 403.
import type { RealtimeTestClient } from '@app/platform/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connect, listen, terminateClients } from '../messaging/support.js';
import { buildPairlyTestApp, type PairlyTestApp, signUp } from '../support/pairly-client.js';

let t: PairlyTestApp;
let url: string;

beforeAll(async () => {
  // The gateway's default frame rates: 20 frames per 10 s per socket, 5 refusals tolerated.
  t = await buildPairlyTestApp();
  url = await listen(t);
});
afterEach(() => terminateClients());
afterAll(async () => t?.close());

async function leaseMembers(userId: string): Promise<string[]> {
  const { leases } = await t.kv.readMany({ leases: [`presence:leases:${userId}`] });
  return leases[0] ?? [];
}

const connectionIdOf = (client: RealtimeTestClient) =>
  client.frames.find((frame) => frame.type === 'auth_ok')?.connectionId as string;

describe('presence heartbeats against abuse', () => {
  it('meters heartbeat frames: a burst is refused rate_limited, then the socket is closed 4429', async () => {
    const socket = await connect(url, await signUp(t));
    for (let index = 0; index < 60; index++) {
      socket.sendRaw(JSON.stringify({ type: 'presence.heartbeat', id: `beat-${index}`, active: true }));
    }
    expect((await socket.closed).code).toBe(4429);
    const refused = socket.frames.filter((frame) => frame.type === 'error' && frame.code === 'rate_limited');
    expect(refused.length).toBeGreaterThan(0);
    const answered = socket.frames.filter((frame) => frame.type === 'reply');
    expect(answered.length).toBeLessThanOrEqual(20);
  });

  it('renews a socket lease at most once per few seconds; heartbeats between leave it alone', async () => {
    const fan = await signUp(t);
    const socket = await connect(url, fan);
    await vi.waitFor(async () => expect(await leaseMembers(fan.id)).toEqual([connectionIdOf(socket)]));

    // The lease is gone (as if it had run out); heartbeats right after the connect's lease do not retake it.
    await t.kv.leaseDrop(`presence:leases:${fan.id}`, connectionIdOf(socket));
    for (const active of [false, true, false]) {
      expect(await socket.request('presence.heartbeat', { active })).toMatchObject({
        type: 'reply',
        data: { heartbeatMs: 25_000, leaseTtlMs: 60_000 },
      });
    }
    expect(await leaseMembers(fan.id)).toEqual([]);
  });

  it('gives staff sockets no lease and refuses their heartbeats with 403', async () => {
    for (const role of ['moderator', 'superadmin'] as const) {
      const staff = await signUp(t, role);
      const staffSocket = await connect(url, staff);
      // A member connecting after the staff socket: once their lease is there, the staff one would be too.
      const fan = await signUp(t);
      const fanSocket = await connect(url, fan);
      await vi.waitFor(async () => expect(await leaseMembers(fan.id)).toEqual([connectionIdOf(fanSocket)]));

      expect(await staffSocket.request('presence.heartbeat', { active: true })).toMatchObject({
        type: 'error',
        code: 'permission_denied',
        status: 403,
      });
      expect(await leaseMembers(staff.id)).toEqual([]);
    }
  });
});
