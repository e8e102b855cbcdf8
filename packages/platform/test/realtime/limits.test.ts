// Limits on what a client sends: a frame over maxMessageBytes closes the socket 1009; frames over the
// socket's rate are answered `rate_limited` and, when the client keeps on, the socket is closed 4429
// (logged ws_rate_limit_exceeded); the user's rate is shared by their sockets.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { REALTIME_CLOSE } from '../../src/index.js';
import type { Frame, RealtimeTestClient } from '../../src/testing/index.js';
import { logsOf, type RealtimeInstance, startRealtimeApp, terminateClients } from './harness.js';

let rt: RealtimeInstance;

beforeAll(async () => {
  rt = await startRealtimeApp({
    maxMessageBytes: 1024,
    // Long periods: a burst of `limit` frames, then nothing for minutes, whatever the test's pace.
    connectionRate: { limit: 5, periodMs: 600_000 },
    userRate: { limit: 8, periodMs: 600_000 },
    toleratedRefusals: 3,
  });
});
afterEach(terminateClients);
afterAll(async () => rt?.t.close());

/** Sends `count` echo requests and returns their answers in order. */
async function echoes(client: RealtimeTestClient, count: number): Promise<Frame[]> {
  const answers: Frame[] = [];
  for (let n = 0; n < count; n += 1) answers.push(await client.request('echo', { text: `${n}` }));
  return answers;
}

describe('realtime frame limits', () => {
  it('closes the socket with 1009 for a frame over the size limit', async () => {
    const client = await rt.connect(await rt.signUp());
    client.sendRaw(JSON.stringify({ type: 'echo', id: 'big', text: 'x'.repeat(2000) }));
    expect((await client.closed).code).toBe(REALTIME_CLOSE.messageTooBig);
    expect(client.frames.some((frame) => frame.id === 'big')).toBe(false);
  });

  it('answers rate_limited past the socket rate, then closes 4429 when the client keeps sending', async () => {
    const user = await rt.signUp();
    const client = await rt.connect(user);
    const answers = await echoes(client, 5 + 3);
    expect(answers.slice(0, 5).map((frame) => frame.type)).toEqual(Array(5).fill('reply'));
    for (const refused of answers.slice(5)) {
      expect(refused).toMatchObject({ type: 'error', code: 'rate_limited', status: 429 });
      expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    }
    client.sendRaw(JSON.stringify({ type: 'echo', id: 'one-too-many', text: 'x' }));
    expect(await client.closed).toMatchObject({ code: REALTIME_CLOSE.rateLimited });
    await vi.waitFor(() => {
      const lines = logsOf(rt, 'ws_rate_limit_exceeded').filter((line) => line.userId === user.id);
      expect(lines.map((line) => line.closed)).toEqual([false, true]);
    });
  });

  it("shares the user's rate between their sockets", async () => {
    const user = await rt.signUp();
    const [first, second] = [await rt.connect(user), await rt.connect(user)];
    expect((await echoes(first, 5)).every((frame) => frame.type === 'reply')).toBe(true);
    const fromSecond = await echoes(second, 4);
    expect(fromSecond.map((frame) => frame.type)).toEqual(['reply', 'reply', 'reply', 'error']);
    expect(fromSecond[3]).toMatchObject({ code: 'rate_limited' });
    expect(String(fromSecond[3]?.detail)).toContain('user');
  });
});
