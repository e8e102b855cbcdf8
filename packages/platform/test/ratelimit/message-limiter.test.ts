// The per-connection WebSocket message limit: 20 messages per 10 s by default, refilled smoothly,
// each connection on its own budget.
import { describe, expect, it } from 'vitest';
import { createMessageLimiter } from '../../src/ratelimit/message-limiter.js';
import { createFakeClock } from '../../src/testing/clock.js';

describe('message limiter', () => {
  it('handles 20 messages at once, refuses the 21st for 500 ms, then one more', () => {
    const clock = createFakeClock();
    const limiter = createMessageLimiter({ clock });
    const handled = Array.from({ length: 25 }, () => limiter.take().allowed).filter(Boolean);
    expect(handled).toHaveLength(20);
    expect(limiter.take()).toEqual({ allowed: false, remaining: 0, resetAfterMs: 10_000, retryAfterMs: 500 });
    clock.advance(500);
    expect(limiter.take().allowed).toBe(true);
    expect(limiter.take().allowed).toBe(false);
  });

  it('gives every connection its own budget', () => {
    const clock = createFakeClock();
    const chatty = createMessageLimiter({ clock });
    const quiet = createMessageLimiter({ clock });
    for (let i = 0; i < 20; i += 1) chatty.take();
    expect(chatty.take().allowed).toBe(false);
    expect(quiet.take()).toMatchObject({ allowed: true, remaining: 19 });
  });

  it('refuses an impossible rate when the connection opens', () => {
    expect(() => createMessageLimiter({ limit: 0 })).toThrow(/limit/);
  });
});
