// Reports restrict a sender automatically (issue 16, "repeated reports against one sender within a
// window auto-block them from messaging pending review"): when `autoRestrictAfterReports` DISTINCT
// users report one sender within `reportWindowMs`, the sender is restricted once (audited with a
// system actor, logged); one user reporting many messages never restricts anyone alone, reports
// past the window or dismissed by a moderator do not count, concurrent reports restrict exactly
// once; the restricted sender's messages are refused, and a moderator's lift lets them write again
// (reports before the lift no longer count).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { type PairlyTestApp, signUp, type TestUser } from '../support/pairly-client.js';
import {
  auditOf,
  buildSafetyTestApp,
  post,
  reported,
  safetyOf,
  sendMessage,
  trySend,
  WINDOW_MS,
} from './support.js';

let t: PairlyTestApp;
let moderator: TestUser;
beforeAll(async () => {
  t = await buildSafetyTestApp({ autoRestrictAfterReports: 3 });
  moderator = await signUp(t, 'moderator');
});
afterAll(async () => t?.close());

const isRestricted = (user: TestUser) => safetyOf(t).restrictions.isRestricted(user.id);
const restrictionAudits = async (user: TestUser) =>
  (await auditOf(t, user.id)).filter((row) => row.action.startsWith('messaging.'));
const fans = async (n: number) => Promise.all(Array.from({ length: n }, () => signUp(t, 'fan')));

/** `reporter` reports a fresh message `sender` sent them. */
async function reportNew(reporter: TestUser, sender: TestUser) {
  const message = await sendMessage(t, sender, reporter);
  return reported(t, reporter, message.id);
}

describe('restricting a sender automatically', () => {
  it('restricts on the third distinct reporter, once, audited as the system and logged', async () => {
    const creator = await signUp(t, 'creator');
    const [first, second, third, fourth] = await fans(4);
    const late = await sendMessage(t, creator, fourth as TestUser);
    await reportNew(first as TestUser, creator);
    await reportNew(second as TestUser, creator);
    expect(await isRestricted(creator)).toBe(false);
    const trigger = await reportNew(third as TestUser, creator);
    expect(await isRestricted(creator)).toBe(true);
    expectProblem(await trySend(t, creator, first as TestUser), 403, 'messaging_restricted');
    await reported(t, fourth as TestUser, late.id);

    expect(await restrictionAudits(creator)).toEqual([
      {
        actor_id: null,
        action: 'messaging.restricted',
        target_type: 'user',
        after: expect.objectContaining({
          by: 'auto_restrict',
          reason: '3 users reported their messages within 1 minute',
          reporters: 3,
          threshold: 3,
          windowMs: WINDOW_MS,
          reportId: trigger.id,
          reporterId: third?.id,
        }),
      },
    ]);
    const logged = t.logs.lines.filter(
      (line) => line.event === 'messaging_auto_restricted' && line.userId === creator.id,
    );
    expect(logged).toEqual([expect.objectContaining({ reporters: 3, reportId: trigger.id })]);
  });

  it('never lets one user restrict someone alone, however many messages they report', async () => {
    const creator = await signUp(t, 'creator');
    const [fan, other] = await fans(2);
    for (let i = 0; i < 5; i++) await reportNew(fan as TestUser, creator);
    await reportNew(other as TestUser, creator);
    expect(await isRestricted(creator)).toBe(false);
  });

  it('counts only reports within the window', async () => {
    const creator = await signUp(t, 'creator');
    const [early, second, third] = await fans(3);
    await reportNew(early as TestUser, creator);
    t.clock.advance(WINDOW_MS / 2);
    await reportNew(second as TestUser, creator);
    t.clock.advance(WINDOW_MS / 2 + 1); // the first report is now older than the window
    await reportNew(third as TestUser, creator);
    expect(await isRestricted(creator)).toBe(false);
    await reportNew((await fans(1))[0] as TestUser, creator);
    expect(await isRestricted(creator)).toBe(true);
  });

  it('does not count reports a moderator dismissed', async () => {
    const creator = await signUp(t, 'creator');
    const [first, second, third] = await fans(3);
    const dismissed = await reportNew(first as TestUser, creator);
    const resolved = await post(t, moderator, `/moderation/message-reports/${dismissed.id}/resolve`, {
      outcome: 'dismissed',
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    await reportNew(second as TestUser, creator);
    await reportNew(third as TestUser, creator);
    expect(await isRestricted(creator)).toBe(false);
  });

  it('restricts exactly once when the deciding reports race', async () => {
    // Exactly as many reporters as the threshold (the restriction must not be missed) and more (it
    // must not happen twice), each group reporting all at once.
    for (const size of [3, 3, 3, 8]) {
      const creator = await signUp(t, 'creator');
      const reporters = await fans(size);
      const messages = await Promise.all(reporters.map((fan) => sendMessage(t, creator, fan)));
      const answers = await Promise.all(
        reporters.map((fan, i) =>
          t.app.inject({
            method: 'POST',
            url: `/messages/${messages[i]?.id}/reports`,
            headers: fan.headers,
            payload: { reason: 'spam' },
          }),
        ),
      );
      expect(answers.map((answer) => answer.statusCode)).toEqual(reporters.map(() => 201));
      expect(await isRestricted(creator)).toBe(true);
      expect(await restrictionAudits(creator)).toHaveLength(1);
      const logged = t.logs.lines.filter(
        (line) => line.event === 'messaging_auto_restricted' && line.userId === creator.id,
      );
      expect(logged).toHaveLength(1);
    }
  });
});

describe('lifting a restriction', () => {
  it('restores messaging; only reports after the lift count towards restricting again', async () => {
    const creator = await signUp(t, 'creator');
    const before = await fans(3);
    for (const fan of before) await reportNew(fan, creator);
    expect(await isRestricted(creator)).toBe(true);

    t.clock.advance(1_000);
    const lifted = await post(t, moderator, `/moderation/messaging-restrictions/${creator.id}/lift`, {
      note: 'reviewed',
    });
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(await isRestricted(creator)).toBe(false);
    expect((await trySend(t, creator, before[0] as TestUser)).statusCode).toBe(201);

    // Within the window of the earlier reports: one more report must not restrict them again at once.
    t.clock.advance(1_000);
    const after = await fans(3);
    await reportNew(after[0] as TestUser, creator);
    await reportNew(after[1] as TestUser, creator);
    expect(await isRestricted(creator)).toBe(false);
    await reportNew(after[2] as TestUser, creator);
    expect(await isRestricted(creator)).toBe(true);
    expect((await restrictionAudits(creator)).map((row) => row.action)).toEqual([
      'messaging.restricted',
      'messaging.restriction_lifted',
      'messaging.restricted',
    ]);
  });
});
