// The invitation token through its life: what a token opens, single use (also when two starts race
// with one token), attempts, completion, expiry on the server clock, resend (a new link, the old one
// dead, expiry re-armed, rate limited) and revoke (410 from then on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock } from '../applications/support.js';
import { buildHiringTestApp, type HiringTestApp } from '../support/hiring-client.js';
import {
  assessment,
  failure,
  get,
  inviteOne,
  mailsTo,
  post,
  rows,
  type Team,
  team,
  tokenFor,
  tokensOf,
} from './support.js';

const HOUR = 3_600_000;

let t: HiringTestApp;
let acme: Team;
let assessmentId: string;
let tokens: ReturnType<typeof tokensOf>;
let counter = 0;
const nextEmail = () => `cand${++counter}@example.com`;

beforeAll(async () => {
  t = await buildHiringTestApp();
  acme = await team(t);
  assessmentId = await assessment(t, acme.organisationId);
  tokens = tokensOf(t);
});
afterAll(async () => {
  await t?.close();
});

/** Moves the server clock on; the team signs in again (their access tokens expire meanwhile). */
const later = (milliseconds: number) =>
  advanceClock(t, milliseconds, [acme.owner, acme.recruiter, acme.viewer]);

const invitationUrl = (id: string, action: 'resend' | 'revoke') =>
  `/organisations/${acme.organisationId}/invitations/${id}/${action}`;

describe('what a token opens', () => {
  it('answers an unknown or malformed token with 404, like any wrong token', async () => {
    const { token } = await inviteOne(t, acme.recruiter, acme.organisationId, assessmentId, nextEmail());
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const guess of [wrong, 'x', '', 'a'.repeat(500)]) {
      expect(await failure(tokens.resolve(guess))).toEqual({
        kind: 'not_found',
        code: 'invitation_not_found',
      });
    }
    expect((await tokens.resolve(token)).status).toBe('pending');
  });

  it('starts one attempt per token: a second start answers 410 invitation_used', async () => {
    const email = nextEmail();
    const { id, token } = await inviteOne(t, acme.recruiter, acme.organisationId, assessmentId, email);
    const started = await tokens.start(token);
    expect(started).toMatchObject({ id, status: 'started', attemptsUsed: 1, attemptsLimit: 1, email });
    expect(await failure(tokens.start(token))).toEqual({ kind: 'gone', code: 'invitation_used' });
    expect(await failure(tokens.resolve(token))).toEqual({ kind: 'gone', code: 'invitation_used' });
    // An attempt in progress: resending is refused until it is scored.
    const resend = await post(t, acme.recruiter, invitationUrl(id, 'resend'));
    expect(resend.statusCode).toBe(409);
    expect(resend.json().code).toBe('invitation_in_progress');
  });

  it('lets exactly one of two racing starts with one token win', async () => {
    const { id, token } = await inviteOne(t, acme.recruiter, acme.organisationId, assessmentId, nextEmail(), {
      attemptsLimit: 2,
    });
    const results = await Promise.allSettled([tokens.start(token), tokens.start(token), tokens.start(token)]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason.code).toBe('invitation_used');
    }
    const [row] = await rows(
      t,
      'select attempts_used, status from hiring_assessment_invitations where id = $1',
      [id],
    );
    expect(row).toMatchObject({ attempts_used: 1, status: 'started' });
  });

  it('completes when the last attempt is scored, idempotently; with attempts left a resend gives the next', async () => {
    const email = nextEmail();
    const { id, token } = await inviteOne(t, acme.recruiter, acme.organisationId, assessmentId, email, {
      attemptsLimit: 2,
    });
    await tokens.start(token);
    await tokens.completed(id);
    await tokens.completed(id);
    const listed = await get(
      t,
      acme.viewer,
      `/organisations/${acme.organisationId}/invitations?email=${email}`,
    );
    expect(listed.json().items[0]).toMatchObject({
      status: 'pending',
      attemptsUsed: 1,
      linkActive: false,
      completedAt: null,
    });
    expect(await failure(tokens.resolve(token))).toEqual({ kind: 'gone', code: 'invitation_used' });

    const resent = await post(t, acme.recruiter, invitationUrl(id, 'resend'));
    expect(resent.statusCode).toBe(200);
    expect(resent.json()).toMatchObject({ linkActive: true, mailQueued: true });
    const second = await tokenFor(t, email);
    expect(second).not.toBe(token);
    expect(await tokens.start(second)).toMatchObject({ attemptsUsed: 2, status: 'started' });
    await tokens.completed(id);
    await tokens.completed(id);
    const done = await get(
      t,
      acme.viewer,
      `/organisations/${acme.organisationId}/invitations?email=${email}`,
    );
    expect(done.json().items[0]).toMatchObject({ status: 'completed', attemptsUsed: 2, linkActive: false });
    expect(done.json().items[0].completedAt).toEqual(expect.any(String));

    const again = await post(t, acme.recruiter, invitationUrl(id, 'resend'));
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('invitation_completed');
    const revoke = await post(t, acme.recruiter, invitationUrl(id, 'revoke'));
    expect(revoke.statusCode).toBe(409);
  });
});

describe('expiry, resend and revoke', () => {
  it('expires on the server clock (410), and a resend re-arms it from now with a new link', async () => {
    const email = nextEmail();
    const { id, token } = await inviteOne(t, acme.recruiter, acme.organisationId, assessmentId, email, {
      expiresInHours: 2,
    });
    await later(2 * HOUR);
    expect(await failure(tokens.resolve(token))).toEqual({ kind: 'gone', code: 'invitation_expired' });
    expect(await failure(tokens.start(token))).toEqual({ kind: 'gone', code: 'invitation_expired' });
    const link = await t.app.inject({ method: 'GET', url: `/assessment-invites/${token}` });
    expect(link.statusCode).toBe(410);
    expect(link.json().code).toBe('invitation_expired');
    const listed = await get(
      t,
      acme.viewer,
      `/organisations/${acme.organisationId}/invitations?status=expired`,
    );
    expect(listed.json().items.map((item: { id: string }) => item.id)).toContain(id);

    const resent = await post(t, acme.recruiter, invitationUrl(id, 'resend'));
    expect(resent.statusCode).toBe(200);
    expect(resent.json()).toMatchObject({ status: 'pending', linkActive: true, mailQueued: true });
    expect(new Date(resent.json().expiresAt).getTime()).toBe(t.clock.now().getTime() + 2 * HOUR);
    expect(resent.body).not.toContain(await tokenFor(t, email));

    const fresh = await tokenFor(t, email);
    expect(fresh).not.toBe(token);
    expect(await failure(tokens.resolve(token))).toEqual({ kind: 'not_found', code: 'invitation_not_found' });
    expect((await tokens.resolve(fresh)).status).toBe('pending');
    const [latest] = await mailsTo(t, email);
    expect(latest?.subject).toMatch(/^Reminder: /);

    const longer = await post(t, acme.recruiter, invitationUrl(id, 'resend'), { expiresInHours: 720 });
    expect(new Date(longer.json().expiresAt).getTime()).toBe(t.clock.now().getTime() + 720 * HOUR);
    const bad = await post(t, acme.recruiter, invitationUrl(id, 'resend'), { expiresInHours: 721 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/body/expiresInHours');
  });

  it('rate limits resends per invitation with Retry-After, and allows them again an hour later', async () => {
    const email = nextEmail();
    const { id } = await inviteOne(t, acme.recruiter, acme.organisationId, assessmentId, email);
    const other = await inviteOne(t, acme.recruiter, acme.organisationId, assessmentId, nextEmail());
    for (let index = 0; index < 3; index++) {
      expect((await post(t, acme.recruiter, invitationUrl(id, 'resend'))).statusCode).toBe(200);
    }
    const limited = await post(t, acme.owner, invitationUrl(id, 'resend'));
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('invitation_resend_limited');
    expect(Number(limited.headers['retry-after'])).toBe(3600);
    const token = await tokenFor(t, email);
    expect((await tokens.resolve(token)).status).toBe('pending');
    // Another invitation has its own allowance.
    expect((await post(t, acme.recruiter, invitationUrl(other.id, 'resend'))).statusCode).toBe(200);

    await later(HOUR + 1000);
    expect((await post(t, acme.recruiter, invitationUrl(id, 'resend'))).statusCode).toBe(200);
    expect(await tokenFor(t, email)).not.toBe(token);
  });

  it('revokes idempotently; the token then answers 410 invitation_revoked and resend 410', async () => {
    const { id, token } = await inviteOne(t, acme.recruiter, acme.organisationId, assessmentId, nextEmail());
    const revoked = await post(t, acme.recruiter, invitationUrl(id, 'revoke'));
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id, status: 'revoked', linkActive: false });
    const again = await post(t, acme.owner, invitationUrl(id, 'revoke'));
    expect(again.statusCode).toBe(200);
    expect(again.json().revokedAt).toBe(revoked.json().revokedAt);
    expect(await failure(tokens.resolve(token))).toEqual({ kind: 'gone', code: 'invitation_revoked' });
    expect(await failure(tokens.start(token))).toEqual({ kind: 'gone', code: 'invitation_revoked' });
    const resend = await post(t, acme.recruiter, invitationUrl(id, 'resend'));
    expect(resend.statusCode).toBe(410);
    expect(resend.json().code).toBe('invitation_revoked');
  });
});
