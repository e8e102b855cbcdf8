// Auto-restriction is not a tool for throwaway accounts (the security review of issue 16, M5): only
// reporters whose accounts were at least `minReporterAccountAgeMs` old when they reported count
// toward the distinct-reporter threshold. Newer accounts' reports still reach the moderation queue,
// and once enough established accounts report, the sender is restricted as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import { auditOf, buildSafetyTestApp, get, reported, safetyOf, sendMessage } from './support.js';

/** Shorter than the test's access tokens live (30 minutes), so the clock can step past it. */
const MIN_AGE_MS = 10 * 60_000;

let t: PairlyTestApp;
let moderator: TestUser;
beforeAll(async () => {
  t = await buildSafetyTestApp({ autoRestrictAfterReports: 3, minReporterAccountAgeMs: MIN_AGE_MS });
  moderator = await signUp(t, 'moderator');
});
afterAll(async () => t?.close());

const fans = async (n: number) => Promise.all(Array.from({ length: n }, () => signUp(t, 'fan')));

/** `reporter` reports a fresh message `sender` sent them. */
async function reportNew(reporter: TestUser, sender: TestUser) {
  const message = await sendMessage(t, sender, reporter);
  return reported(t, reporter, message.id);
}

describe('reporters with new accounts', () => {
  it('do not count toward auto-restriction, yet their reports reach the queue', async () => {
    const creator = await signUp(t, 'creator');
    const established = (await fans(3)) as [TestUser, TestUser, TestUser];
    t.clock.advance(MIN_AGE_MS);
    const throwaways = await fans(4);

    const fresh = [];
    for (const throwaway of throwaways) fresh.push(await reportNew(throwaway, creator));
    await reportNew(established[0], creator);
    await reportNew(established[1], creator);
    expect(await safetyOf(t).restrictions.isRestricted(creator.id)).toBe(false);

    const queue = await get(t, moderator, `/moderation/message-reports?status=open&senderId=${creator.id}`);
    expect(queue.statusCode, queue.body).toBe(200);
    const queued = (queue.json().items as { id: string }[]).map((item) => item.id);
    expect(queued).toEqual(expect.arrayContaining(fresh.map((report) => report.id)));
    expect(queued).toHaveLength(6);

    // The third established reporter restricts the sender; only the established ones were counted.
    await reportNew(established[2], creator);
    expect(await safetyOf(t).restrictions.isRestricted(creator.id)).toBe(true);
    const audits = (await auditOf(t, creator.id)).filter((row) => row.action === 'messaging.restricted');
    expect(audits).toEqual([
      expect.objectContaining({
        after: expect.objectContaining({ reporters: 3, minReporterAccountAgeMs: MIN_AGE_MS }),
      }),
    ]);
  });
});
