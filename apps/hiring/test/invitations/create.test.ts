// Creating invitations: one or many candidates, emails normalised and invited once, a mail per
// invitation whose link opens it, the token never in the response, the candidate's account bound
// when it exists, applications checked, and bad input answered per field. Only owners and
// recruiters of the organisation may invite, only to its own published assessments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildHiringTestApp,
  createJob,
  type HiringTestApp,
  publishJob,
  signUp,
} from '../support/hiring-client.js';
import {
  assessment,
  invite,
  inviteOne,
  mailsTo,
  rows,
  type Team,
  team,
  tokenFor,
  tokensOf,
} from './support.js';

let t: HiringTestApp;
let acme: Team;
let assessmentId: string;

beforeAll(async () => {
  t = await buildHiringTestApp({}, { env: { PUBLIC_APP_URL: 'https://hire.example.com/app/' } });
  acme = await team(t);
  assessmentId = await assessment(t, acme.organisationId, {
    title: 'Backend engineering',
    timeLimitMinutes: 45,
  });
});
afterAll(async () => {
  await t?.close();
});

describe('creating invitations', () => {
  it('invites one candidate, mails a working link and never returns the token', async () => {
    const response = await invite(t, acme.recruiter, acme.organisationId, assessmentId, {
      candidates: [{ email: 'ada@example.com', name: 'Ada Lovelace' }],
      expiresInHours: 48,
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body.items).toHaveLength(1);
    const [item] = body.items;
    expect(item).toMatchObject({
      organisationId: acme.organisationId,
      assessmentId,
      assessmentTitle: 'Backend engineering',
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      status: 'pending',
      linkActive: true,
      attemptsLimit: 1,
      attemptsUsed: 0,
      mailQueued: true,
      candidateUserId: null,
    });
    expect(new Date(item.expiresAt).getTime() - t.clock.now().getTime()).toBe(48 * 3_600_000);
    expect(body.quota).toMatchObject({ used: 1, limit: 25 });

    const [mail] = await mailsTo(t, 'ada@example.com');
    expect(mail?.subject).toContain('Acme Ltd');
    expect(mail?.subject).toContain('Backend engineering');
    expect(mail?.body).toContain('45 minutes');
    expect(mail?.body).toContain(new Date(item.expiresAt).toISOString().slice(0, 16).replace('T', ' '));
    expect(mail?.body).toMatch(/https:\/\/hire\.example\.com\/app\/assessments\/invite\/[A-Za-z0-9_-]{43}\n/);

    const token = await tokenFor(t, 'ada@example.com');
    expect(response.body).not.toContain(token);
    const stored = await rows(t, 'select token_hash from hiring_assessment_invitations where id = $1', [
      item.id,
    ]);
    expect(stored[0]?.token_hash).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token);

    const resolved = await tokensOf(t).resolve(token);
    expect(resolved).toMatchObject({
      id: item.id,
      assessmentId,
      organisationId: acme.organisationId,
      status: 'pending',
    });
  });

  it('invites many at once, normalising emails and inviting each once', async () => {
    const response = await invite(t, acme.owner, acme.organisationId, assessmentId, {
      candidates: [
        { email: 'Grace@Example.com' },
        { email: 'linus@example.com', name: 'Linus' },
        { email: 'grace@example.COM', name: 'Grace Hopper' },
      ],
      attemptsLimit: 3,
    });
    expect(response.statusCode).toBe(201);
    const items = response.json().items as Array<Record<string, unknown>>;
    expect(items.map((item) => item.email)).toEqual(['grace@example.com', 'linus@example.com']);
    expect(items[0]).toMatchObject({ name: 'Grace Hopper', attemptsLimit: 3, mailQueued: true });
    expect(await mailsTo(t, 'grace@example.com')).toHaveLength(1);
    const tokens = [await tokenFor(t, 'grace@example.com'), await tokenFor(t, 'linus@example.com')];
    expect(new Set(tokens).size).toBe(2);
  });

  it("binds the invitation to the candidate's account when one has the email", async () => {
    const candidate = await signUp(t, 'candidate');
    const { body } = await inviteOne(
      t,
      acme.recruiter,
      acme.organisationId,
      assessmentId,
      candidate.email.toUpperCase(),
    );
    expect(body.candidateUserId).toBe(candidate.id);
    expect(body.email).toBe(candidate.email);
  });

  it('refuses a second live invitation for the same email and assessment', async () => {
    await inviteOne(t, acme.recruiter, acme.organisationId, assessmentId, 'twice@example.com');
    const again = await invite(t, acme.recruiter, acme.organisationId, assessmentId, {
      candidates: [{ email: 'fresh@example.com' }, { email: 'TWICE@example.com' }],
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('invitation_exists');
    expect(await mailsTo(t, 'fresh@example.com')).toHaveLength(0);
  });

  it('links an application of the organisation made with the same email, and refuses others', async () => {
    const applicant = await signUp(t, 'candidate');
    const job = await createJob(t, acme.owner, acme.organisationId);
    await publishJob(t, acme.owner, job.id as string);
    const applied = await t.app.inject({
      method: 'POST',
      url: `/jobs/${job.id}/actions`,
      headers: applicant.headers,
      payload: { action: 'apply' },
    });
    const applicationId = applied.json().application.id as string;

    const linked = await invite(t, acme.recruiter, acme.organisationId, assessmentId, {
      candidates: [{ email: applicant.email, applicationId }],
    });
    expect(linked.statusCode).toBe(201);
    expect(linked.json().items[0]).toMatchObject({ applicationId, candidateUserId: applicant.id });

    const mismatch = await invite(t, acme.recruiter, acme.organisationId, assessmentId, {
      candidates: [{ email: 'someone-else@example.com' }, { email: 'other@example.com', applicationId }],
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json()).toMatchObject({
      code: 'application_email_mismatch',
      errors: [{ path: '/body/candidates/1/applicationId' }],
    });

    const unknown = await invite(t, acme.recruiter, acme.organisationId, assessmentId, {
      candidates: [{ email: 'x@example.com', applicationId: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      code: 'application_unknown',
      errors: [{ path: '/body/candidates/0/applicationId' }],
    });

    // Another organisation's application is unknown here.
    const other = await team(t, 'Other Ltd');
    const otherAssessment = await assessment(t, other.organisationId);
    const foreign = await invite(t, other.owner, other.organisationId, otherAssessment, {
      candidates: [{ email: applicant.email, applicationId }],
    });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().code).toBe('application_unknown');
    expect(await mailsTo(t, 'x@example.com')).toHaveLength(0);
  });

  it('answers bad input with 400 naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ candidates: [{ email: 'not-an-email' }] }, '/body/candidates/0/email'],
      [{ candidates: [] }, '/body/candidates'],
      [
        { candidates: Array.from({ length: 101 }, (_, index) => ({ email: `c${index}@example.com` })) },
        '/body/candidates',
      ],
      [{ candidates: [{ email: 'a@example.com' }], expiresInHours: 0 }, '/body/expiresInHours'],
      [{ candidates: [{ email: 'a@example.com' }], expiresInHours: 721 }, '/body/expiresInHours'],
      [{ candidates: [{ email: 'a@example.com' }], attemptsLimit: 11 }, '/body/attemptsLimit'],
      [{ candidates: [{ email: 'a@example.com', token: 'x' }] }, '/body/candidates/0'],
      [
        { candidates: [{ email: 'a@example.com', applicationId: 'nope' }] },
        '/body/candidates/0/applicationId',
      ],
    ];
    for (const [payload, path] of cases) {
      const response = await invite(t, acme.recruiter, acme.organisationId, assessmentId, payload);
      expect(response.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      const paths = (response.json().errors as Array<{ path: string }>).map((error) => error.path);
      expect(
        paths.some((given) => given.startsWith(path)),
        `${path} in ${paths}`,
      ).toBe(true);
    }
    expect(await mailsTo(t, 'a@example.com')).toHaveLength(0);
  });

  it('invites only to a published assessment of the same organisation', async () => {
    const draft = await assessment(t, acme.organisationId, { status: 'draft' });
    const drafted = await invite(t, acme.owner, acme.organisationId, draft, {
      candidates: [{ email: 'd@example.com' }],
    });
    expect(drafted.statusCode).toBe(409);
    expect(drafted.json().code).toBe('assessment_not_published');

    const other = await team(t, 'Globex');
    const theirs = await assessment(t, other.organisationId);
    const crossed = await invite(t, acme.owner, acme.organisationId, theirs, {
      candidates: [{ email: 'd@example.com' }],
    });
    expect(crossed.statusCode).toBe(404);
    expect(crossed.json().code).toBe('assessment_not_found');

    const outsider = await invite(t, other.owner, acme.organisationId, assessmentId, {
      candidates: [{ email: 'd@example.com' }],
    });
    expect(outsider.statusCode).toBe(404);
    expect(await mailsTo(t, 'd@example.com')).toHaveLength(0);
  });

  it('lets neither a viewer nor a candidate invite', async () => {
    const viewer = await invite(t, acme.viewer, acme.organisationId, assessmentId, {
      candidates: [{ email: 'v@example.com' }],
    });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().code).toBe('organisation_role_insufficient');
    const candidate = await signUp(t, 'candidate');
    const refused = await invite(t, candidate, acme.organisationId, assessmentId, {
      candidates: [{ email: 'v@example.com' }],
    });
    expect(refused.statusCode).toBe(403);
    expect(await mailsTo(t, 'v@example.com')).toHaveLength(0);
  });
});
