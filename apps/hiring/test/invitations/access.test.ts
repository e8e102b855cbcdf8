// Who sees and does what: the organisation's list with its filters and keyset paging (members),
// viewers read but never create, resend or revoke, another organisation gets 404 on every route
// (organisation paths and spec paths alike), a candidate sees only the invitations addressed to them,
// and the spec-compatible paths behave as the organisation's paths do.
import { operationsWithoutExamples } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, collectPages } from '../applications/support.js';
import {
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  signUp,
} from '../support/hiring-client.js';
import {
  assessment,
  failure,
  get,
  invite,
  inviteOne,
  mailsTo,
  post,
  type Team,
  team,
  tokenFor,
  tokensOf,
} from './support.js';

let t: HiringTestApp;
let acme: Team;
let globex: Team;
let first: string;
let second: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  [acme, globex] = await Promise.all([team(t, 'Acme Ltd'), team(t, 'Globex')]);
  [first, second] = await Promise.all([
    assessment(t, acme.organisationId, { title: 'First' }),
    assessment(t, acme.organisationId, { title: 'Second' }),
  ]);
});
afterAll(async () => {
  await t?.close();
});

const listUrl = (query = '') => `/organisations/${acme.organisationId}/invitations${query}`;
const ids = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id);

describe("the organisation's list", () => {
  it('filters by assessment, computed status and email, and pages newest first', async () => {
    const batch = await invite(t, acme.recruiter, acme.organisationId, first, {
      candidates: Array.from({ length: 5 }, (_, index) => ({ email: `list${index}@example.com` })),
    });
    const created = batch.json().items as Array<{ id: string; email: string }>;
    t.clock.advance(1000); // newest first: the later invitation heads the list
    const expiring = await inviteOne(t, acme.recruiter, acme.organisationId, second, 'soon@example.com', {
      expiresInHours: 1,
    });
    const revoked = created[0] as { id: string };
    await post(t, acme.recruiter, `/organisations/${acme.organisationId}/invitations/${revoked.id}/revoke`);
    const startedToken = await tokenFor(t, 'list1@example.com');
    await tokensOf(t).start(startedToken);

    const all = await collectPages(t, acme.viewer, listUrl('?limit=2'));
    expect(all.pages).toBeGreaterThanOrEqual(3);
    const allIds = all.items.map((item) => item.id as string);
    expect(new Set(allIds).size).toBe(allIds.length);
    expect(allIds).toEqual(expect.arrayContaining([...created.map((item) => item.id), expiring.id]));
    expect(allIds[0]).toBe(expiring.id);
    for (const item of all.items) expect(Object.keys(item)).not.toContain('token');

    const bySecond = await get(t, acme.viewer, listUrl(`?assessmentId=${second}`));
    expect(ids(bySecond.json())).toEqual([expiring.id]);
    expect(bySecond.json().items[0].assessmentTitle).toBe('Second');
    const byEmail = await get(t, acme.viewer, listUrl('?email=LIST2@example.com'));
    expect(byEmail.json().items.map((item: { email: string }) => item.email)).toEqual(['list2@example.com']);
    expect(ids((await get(t, acme.viewer, listUrl('?status=revoked'))).json())).toEqual([revoked.id]);
    expect((await get(t, acme.viewer, listUrl('?status=started'))).json().items[0]).toMatchObject({
      email: 'list1@example.com',
      status: 'started',
      attemptsUsed: 1,
    });
    expect(ids((await get(t, acme.viewer, listUrl('?status=expired'))).json())).toEqual([]);

    // An hour later (everyone signs in again: access tokens do not last that long).
    await advanceClock(
      t,
      3_600_000,
      [acme, globex].flatMap((team) => [team.owner, team.recruiter, team.viewer]),
    );
    const expired = await get(t, acme.viewer, listUrl('?status=expired'));
    expect(ids(expired.json())).toEqual([expiring.id]);
    expect(expired.json().items[0]).toMatchObject({ status: 'expired', linkActive: false });
    const pending = await get(t, acme.viewer, listUrl('?status=pending&limit=100'));
    expect(ids(pending.json())).not.toContain(expiring.id);
    expect(ids(pending.json())).toHaveLength(3);
  });

  it('answers a bad query with 400 naming the field', async () => {
    for (const [query, path] of [
      ['?status=lost', '/querystring/status'],
      ['?limit=0', '/querystring/limit'],
      ['?assessmentId=nope', '/querystring/assessmentId'],
      ['?cursor=bm90LWEtY3Vyc29y', '/querystring/cursor'],
    ] as const) {
      const response = await get(t, acme.owner, listUrl(query));
      expect(response.statusCode, query).toBe(400);
      expect(response.json().errors[0].path, query).toBe(path);
    }
  });
});

describe('roles and organisations', () => {
  it('lets a viewer list but not create, resend or revoke', async () => {
    const { id } = await inviteOne(t, acme.owner, acme.organisationId, first, 'roles@example.com');
    expect((await get(t, acme.viewer, listUrl())).statusCode).toBe(200);
    const attempts = [
      await invite(t, acme.viewer, acme.organisationId, first, { candidates: [{ email: 'no@example.com' }] }),
      await post(t, acme.viewer, `/organisations/${acme.organisationId}/invitations/${id}/resend`),
      await post(t, acme.viewer, `/organisations/${acme.organisationId}/invitations/${id}/revoke`),
      await post(t, acme.viewer, '/assessment-invitations', {
        organisationId: acme.organisationId,
        assessmentId: first,
        email: 'no@example.com',
      }),
      await post(t, acme.viewer, `/assessment-invitations/${id}/resend`),
      await t.app.inject({
        method: 'DELETE',
        url: `/assessment-invitations/${id}`,
        headers: acme.viewer.headers,
      }),
    ];
    for (const response of attempts) {
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('organisation_role_insufficient');
    }
    expect(await mailsTo(t, 'no@example.com')).toHaveLength(0);
    expect(await mailsTo(t, 'roles@example.com')).toHaveLength(1);
  });

  it('answers 404 to another organisation on every route', async () => {
    const { id, token } = await inviteOne(t, acme.owner, acme.organisationId, first, 'private@example.com');
    const outsider = globex.owner;
    const responses = [
      await get(t, outsider, listUrl()),
      await invite(t, outsider, acme.organisationId, first, { candidates: [{ email: 'x@example.com' }] }),
      await post(t, outsider, `/organisations/${acme.organisationId}/invitations/${id}/resend`),
      await post(t, outsider, `/organisations/${acme.organisationId}/invitations/${id}/revoke`),
      await post(t, outsider, `/organisations/${globex.organisationId}/invitations/${id}/resend`),
      await post(t, outsider, `/organisations/${globex.organisationId}/invitations/${id}/revoke`),
      await get(t, outsider, `/assessment-invitations?organisationId=${acme.organisationId}`),
      await post(t, outsider, '/assessment-invitations', {
        organisationId: acme.organisationId,
        assessmentId: first,
        email: 'x@example.com',
      }),
      await post(t, outsider, `/assessment-invitations/${id}/resend`),
      await t.app.inject({
        method: 'DELETE',
        url: `/assessment-invitations/${id}`,
        headers: outsider.headers,
      }),
    ];
    responses.forEach((response, index) => {
      expect(response.statusCode, `route ${index}`).toBe(404);
    });
    // Their own organisation's list does not show it either.
    const theirs = await get(t, outsider, `/organisations/${globex.organisationId}/invitations`);
    expect(theirs.json().items).toEqual([]);
    // Nothing changed: one mail, and the link still works.
    expect(await mailsTo(t, 'private@example.com')).toHaveLength(1);
    expect((await tokensOf(t).resolve(token)).status).toBe('pending');
  });
});

describe("the candidate's own invitations", () => {
  it('shows a candidate the invitations to their account or its email, and nobody else’s', async () => {
    const ada = await signUp(t, 'candidate');
    const grace = await signUp(t, 'candidate');
    const stranger = await signUp(t, 'candidate');
    const toAda = await inviteOne(t, acme.recruiter, acme.organisationId, first, ada.email);
    const toGrace = await inviteOne(t, acme.recruiter, acme.organisationId, second, grace.email);
    await inviteOne(
      t,
      globex.owner,
      globex.organisationId,
      await assessment(t, globex.organisationId),
      'nobody@example.com',
    );

    const mine = await get(t, ada, '/me/assessment-invitations');
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toEqual([
      expect.objectContaining({
        id: toAda.id,
        organisationName: 'Acme Ltd',
        assessmentTitle: 'First',
        timeLimitMinutes: 45,
        status: 'pending',
      }),
    ]);
    expect(mine.body).not.toContain(toAda.token);
    expect(ids((await get(t, grace, '/me/assessment-invitations')).json())).toEqual([toGrace.id]);
    expect((await get(t, stranger, '/me/assessment-invitations')).json().items).toEqual([]);
    // Employers have no such list.
    expect((await get(t, acme.owner, '/me/assessment-invitations')).statusCode).toBe(403);
  });

  it('shows an invitation sent before the account existed, by its email', async () => {
    await inviteOne(t, acme.recruiter, acme.organisationId, first, 'latecomer@example.com');
    const response = await t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: {
        email: 'latecomer@example.com',
        password: 'correct horse battery staple 42',
        role: 'candidate',
      },
    });
    const latecomer = { headers: { authorization: `Bearer ${response.json().accessToken}` } };
    const mine = await t.app.inject({
      method: 'GET',
      url: '/me/assessment-invitations',
      headers: latecomer.headers,
    });
    expect(mine.json().items).toHaveLength(1);
  });
});

describe('the spec-compatible paths', () => {
  it('create, list, resend and revoke as the organisation paths do', async () => {
    const created = await post(t, acme.recruiter, '/assessment-invitations', {
      organisationId: acme.organisationId,
      assessmentId: first,
      email: 'Alias@Example.com',
      name: 'Alias',
    });
    expect(created.statusCode).toBe(201);
    const item = created.json().items[0];
    expect(item).toMatchObject({
      email: 'alias@example.com',
      name: 'Alias',
      mailQueued: true,
      status: 'pending',
    });
    const token = await tokenFor(t, 'alias@example.com');
    expect(created.body).not.toContain(token);

    const many = await post(t, acme.recruiter, '/assessment-invitations', {
      organisationId: acme.organisationId,
      assessmentId: second,
      candidates: [{ email: 'alias2@example.com' }, { email: 'ALIAS2@example.com' }],
    });
    expect(many.json().items).toHaveLength(1);

    for (const [payload, code] of [
      [{ organisationId: acme.organisationId, assessmentId: first }, 'candidates_required'],
      [
        {
          organisationId: acme.organisationId,
          assessmentId: first,
          email: 'a@example.com',
          candidates: [{ email: 'b@example.com' }],
        },
        'candidates_ambiguous',
      ],
    ] as const) {
      const response = await post(t, acme.recruiter, '/assessment-invitations', payload);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe(code);
    }
    const badEmail = await post(t, acme.recruiter, '/assessment-invitations', {
      organisationId: acme.organisationId,
      assessmentId: first,
      email: 'nope',
    });
    expect(badEmail.json().errors[0].path).toBe('/body/email');

    const viaAlias = await get(
      t,
      acme.recruiter,
      `/assessment-invitations?organisationId=${acme.organisationId}&email=alias@example.com`,
    );
    const viaPath = await get(t, acme.recruiter, listUrl('?email=alias@example.com'));
    expect(viaAlias.json()).toEqual(viaPath.json());
    expect(ids(viaAlias.json())).toEqual([item.id]);
    // The recruiter belongs to one organisation: it may be left out.
    const implied = await get(t, acme.recruiter, '/assessment-invitations?email=alias@example.com');
    expect(ids(implied.json())).toEqual([item.id]);
    await createOrganisation(t, acme.owner, 'Acme Two');
    const ambiguous = await get(t, acme.owner, '/assessment-invitations');
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.json().code).toBe('organisation_required');

    const resent = await post(t, acme.recruiter, `/assessment-invitations/${item.id}/resend`);
    expect(resent.statusCode).toBe(200);
    const fresh = await tokenFor(t, 'alias@example.com');
    expect(fresh).not.toBe(token);
    expect(await failure(tokensOf(t).resolve(token))).toMatchObject({ code: 'invitation_not_found' });

    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/assessment-invitations/${item.id}`,
      headers: acme.recruiter.headers,
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().status).toBe('revoked');
    expect(await failure(tokensOf(t).resolve(fresh))).toMatchObject({ code: 'invitation_revoked' });
  });
});

describe('the API documents', () => {
  it('show an example for every request body and 2xx answer of the invitation routes', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    const prefixes = [
      '/organisations/{organisationId}/invitations',
      '/organisations/{organisationId}/assessments/{assessmentId}/invitations',
      '/me/assessment-invitations',
      '/assessment-invitations',
    ];
    expect(
      Object.keys(document.paths).filter((path) => prefixes.some((p) => path.startsWith(p))).length,
    ).toBeGreaterThan(5);
    expect(operationsWithoutExamples(document, prefixes)).toEqual([]);
  });
});
