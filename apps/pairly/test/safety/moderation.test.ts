// The moderation queue (issue 16): moderators and admins (`moderation:*`) list reported messages with
// their snapshots, resolve a report once (dismissed or upheld; a second decision is a 409), list
// messaging restrictions and lift one (404 when none is active); every decision is audited. Fans,
// creators, finance and readonly staff meet 403, checked against the app's real access policy.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../credits/http-support.js';
import { type PairlyTestApp, type Role, signUp, type TestUser } from '../support/pairly-client.js';
import { auditOf, buildSafetyTestApp, get, post, reported, sendMessage } from './support.js';

let t: PairlyTestApp;
let moderator: TestUser;
let admin: TestUser;
beforeAll(async () => {
  t = await buildSafetyTestApp({ autoRestrictAfterReports: 2 });
  [moderator, admin] = [await signUp(t, 'moderator'), await signUp(t, 'admin')];
});
afterAll(async () => t?.close());

const REPORTS = '/moderation/message-reports';
const RESTRICTIONS = '/moderation/messaging-restrictions';
const resolve = (staff: TestUser, reportId: string, payload: object) =>
  post(t, staff, `${REPORTS}/${reportId}/resolve`, payload);
const lift = (staff: TestUser, userId: string, payload?: object) =>
  post(t, staff, `${RESTRICTIONS}/${userId}/lift`, payload);

/** A creator reported by two fans (restricted, as the threshold is 2); answers the creator and the reports. */
async function restrictedCreator() {
  const [creator, first, second] = [await signUp(t, 'creator'), await signUp(t), await signUp(t)];
  const reports = [];
  for (const fan of [first, second]) {
    reports.push(await reported(t, fan, (await sendMessage(t, creator, fan, 'buy my stuff')).id, 'spam'));
    t.clock.advance(1);
  }
  return { creator, reports };
}

async function queue(staff: TestUser, query: string) {
  const response = await get(t, staff, `${REPORTS}${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    items: Array<Record<string, unknown> & { id: string }>;
    nextCursor: string | null;
  };
}

describe('who may moderate', () => {
  it('lets moderators and admins in, and keeps fans, creators, finance and readonly out', async () => {
    const { creator, reports } = await restrictedCreator();
    const reportId = reports[0]?.id as string;
    const denied: Role[] = ['fan', 'creator', 'finance', 'readonly'];
    for (const role of denied) {
      const user = await signUp(t, role);
      for (const response of [
        await get(t, user, REPORTS),
        await resolve(user, reportId, { outcome: 'upheld' }),
        await get(t, user, RESTRICTIONS),
        await lift(user, creator.id),
      ]) {
        expectProblem(response, 403, 'permission_denied');
      }
    }
    expectProblem(await t.app.inject({ method: 'GET', url: REPORTS }), 401);
    for (const staff of [moderator, admin]) {
      expect((await get(t, staff, REPORTS)).statusCode).toBe(200);
      expect((await get(t, staff, RESTRICTIONS)).statusCode).toBe(200);
    }
  });
});

describe('the report queue', () => {
  it('lists open reports oldest first with snapshots, by sender, page by page', async () => {
    const { creator, reports } = await restrictedCreator();
    const page = await queue(moderator, `?senderId=${creator.id}`);
    expect(page.items.map((item) => item.id)).toEqual(reports.map((item) => item.id));
    expect(page.items[0]).toMatchObject({
      senderId: creator.id,
      reason: 'spam',
      status: 'open',
      outcome: null,
      snapshot: { message: { senderId: creator.id, body: 'buy my stuff' }, context: [] },
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const next = await queue(admin, `?status=open&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...next.items.map((item) => item.id));
      cursor = next.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(reports.map((item) => item.id)));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('resolves a report once, audited; a second decision is a 409', async () => {
    const { creator, reports } = await restrictedCreator();
    const reportId = reports[0]?.id as string;
    const resolved = await resolve(moderator, reportId, { outcome: 'upheld', note: 'clear spam' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({
      id: reportId,
      status: 'resolved',
      outcome: 'upheld',
      resolvedBy: moderator.id,
      resolvedAt: t.clock.now().toISOString(),
      resolutionNote: 'clear spam',
    });
    expectProblem(await resolve(admin, reportId, { outcome: 'dismissed' }), 409, 'report_already_resolved');
    expect((await queue(moderator, `?senderId=${creator.id}`)).items.map((item) => item.id)).toEqual([
      reports[1]?.id,
    ]);
    expect(
      (await queue(moderator, `?status=resolved&senderId=${creator.id}`)).items.map((i) => i.id),
    ).toEqual([reportId]);
    expect(await auditOf(t, reportId)).toEqual([
      {
        actor_id: moderator.id,
        action: 'message_report.resolved',
        target_type: 'message_report',
        after: { status: 'resolved', outcome: 'upheld', note: 'clear spam', senderId: creator.id },
      },
    ]);
  });

  it('refuses bad input with a 400 and unknown reports with a 404', async () => {
    const reportId = (await restrictedCreator()).reports[0]?.id as string;
    expectProblem(await resolve(moderator, randomUUID(), { outcome: 'upheld' }), 404, 'report_not_found');
    expectProblem(
      await resolve(moderator, 'nope', { outcome: 'upheld' }),
      400,
      undefined,
      '/params/reportId',
    );
    for (const payload of [
      {},
      { outcome: 'maybe' },
      { outcome: 'upheld', note: '' },
      { outcome: 'upheld', x: 1 },
    ]) {
      expectProblem(await resolve(moderator, reportId, payload), 400);
    }
    expectProblem(await post(t, moderator, `${REPORTS}/${reportId}/resolve`), 400);
    for (const query of [
      '?status=closed',
      '?limit=0',
      '?limit=101',
      '?senderId=nope',
      '?cursor=bad',
      '?x=1',
    ]) {
      expectProblem(await get(t, moderator, `${REPORTS}${query}`), 400);
    }
    expect((await queue(moderator, '?status=open')).items.map((item) => item.id)).toContain(reportId);
  });
});

describe('messaging restrictions', () => {
  it('lists active restrictions and lifts one once, audited; lifted ones list as lifted', async () => {
    const { creator } = await restrictedCreator();
    const active = await get(t, moderator, `${RESTRICTIONS}?limit=100`);
    expect(active.statusCode).toBe(200);
    expect(active.json().items).toContainEqual(
      expect.objectContaining({ userId: creator.id, active: true, liftedAt: null }),
    );

    const lifted = await lift(admin, creator.id);
    expect(lifted.statusCode, lifted.body).toBe(200);
    expect(lifted.json()).toMatchObject({
      userId: creator.id,
      active: false,
      liftedBy: admin.id,
      liftNote: null,
    });
    expectProblem(await lift(moderator, creator.id, { note: 'again' }), 404, 'restriction_not_found');
    const after = await get(t, moderator, `${RESTRICTIONS}?status=lifted&limit=100`);
    expect(after.json().items).toContainEqual(expect.objectContaining({ userId: creator.id, active: false }));
    const stillActive = await get(t, moderator, `${RESTRICTIONS}?limit=100`);
    expect(stillActive.json().items.map((item: { userId: string }) => item.userId)).not.toContain(creator.id);
    expect((await auditOf(t, creator.id)).at(-1)).toEqual({
      actor_id: admin.id,
      action: 'messaging.restriction_lifted',
      target_type: 'user',
      after: { liftedAt: t.clock.now().toISOString(), note: null },
    });
  });

  it('refuses bad input with a 400 and users without an active restriction with a 404', async () => {
    expectProblem(await lift(moderator, randomUUID()), 404, 'restriction_not_found');
    expectProblem(await lift(moderator, 'nope'), 400, undefined, '/params/userId');
    expectProblem(await lift(moderator, randomUUID(), { note: 'x'.repeat(501) }), 400);
    expectProblem(await lift(moderator, randomUUID(), { reason: 'x' }), 400);
    for (const query of ['?status=gone', '?limit=0', '?cursor=bad']) {
      expectProblem(await get(t, moderator, `${RESTRICTIONS}${query}`), 400);
    }
  });
});
