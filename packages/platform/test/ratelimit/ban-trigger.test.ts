// The automatic ban: a client past 150 requests in a minute is banned for an hour; one that stays
// within the threshold, however long, never is.
import { describe, expect, it } from 'vitest';
import { createKeyValueStore } from '../../src/kv/index.js';
import { createBanTrigger } from '../../src/ratelimit/ban-trigger.js';
import { createBanList } from '../../src/ratelimit/bans.js';
import { createMemoryRateLimitStore } from '../../src/ratelimit/memory-store.js';
import { createFakeClock } from '../../src/testing/clock.js';

async function setUp() {
  const clock = createFakeClock('2026-01-01T00:00:00.000Z');
  const bans = createBanList(await createKeyValueStore({ clock }), { clock });
  const trigger = createBanTrigger({ store: createMemoryRateLimitStore({ clock }), bans });
  return { clock, bans, trigger };
}

describe('ban trigger', () => {
  it('bans a client for an hour on its 151st request within a minute', async () => {
    const { bans, trigger } = await setUp();
    for (let i = 0; i < 150; i += 1) expect(await trigger.record('203.0.113.7')).toBeNull();
    const ban = { until: new Date('2026-01-01T01:00:00.000Z'), reason: 'more than 150 requests in 60 s' };
    expect(await trigger.record('203.0.113.7')).toEqual(ban);
    expect(await bans.isBanned('203.0.113.7')).toEqual(ban);
    expect(await bans.isBanned('203.0.113.8')).toBeNull();
  });

  it('never bans a client sending exactly 150 requests a minute', async () => {
    const { clock, bans, trigger } = await setUp();
    for (let i = 0; i < 150 * 10; i += 1) {
      expect(await trigger.record('steady')).toBeNull();
      clock.advance(400);
    }
    expect(await bans.list()).toEqual([]);
  });
});
