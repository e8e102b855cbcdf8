// Organisations and their members, and candidate profiles, through HTTP: what an owner, another
// member, an outsider and a candidate can each do, and bad input on every route.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  buildHiringTestApp,
  createOrganisation,
  type HiringTestApp,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';

let t: HiringTestApp;
let owner: TestUser;
let organisationId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  owner = await signUp(t, 'employer');
  organisationId = await createOrganisation(t, owner, 'Umbrella');
});
afterAll(async () => t?.close());

const inject = (options: InjectOptions) => t.app.inject(options);

describe('organisations', () => {
  it("makes its creator the owner, on the free tier's job-postings quota, and lists it for them only", async () => {
    const mine = (await inject({ method: 'GET', url: '/organisations', headers: owner.headers })).json();
    expect(mine.items).toEqual([
      expect.objectContaining({
        id: organisationId,
        name: 'Umbrella',
        role: 'owner',
        jobPostingsLimit: 3,
        jobPostingsUsed: 0,
      }),
    ]);
    const other = await signUp(t, 'employer');
    expect(
      (await inject({ method: 'GET', url: '/organisations', headers: other.headers })).json().items,
    ).toEqual([]);
  });

  it('lets only employers create one', async () => {
    const candidate = await signUp(t, 'candidate');
    const response = await inject({
      method: 'POST',
      url: '/organisations',
      headers: candidate.headers,
      payload: { name: 'X' },
    });
    expect(response.statusCode).toBe(403);
    expect((await inject({ method: 'POST', url: '/organisations', payload: { name: 'X' } })).statusCode).toBe(
      401,
    );
  });

  it('lets the owner add, re-role and remove members; members see the list; outsiders get 404', async () => {
    const recruiter = await signUp(t, 'employer');
    await addMember(t, owner, organisationId, recruiter, 'viewer');
    await addMember(t, owner, organisationId, recruiter, 'recruiter');
    const members = (
      await inject({
        method: 'GET',
        url: `/organisations/${organisationId}/members`,
        headers: recruiter.headers,
      })
    ).json().items;
    const roles = new Map(
      members.map((member: { email: string; role: string }) => [member.email, member.role]),
    );
    expect(roles).toEqual(
      new Map([
        [owner.email, 'owner'],
        [recruiter.email, 'recruiter'],
      ]),
    );

    const outsider = await signUp(t, 'employer');
    for (const request of [
      { method: 'GET' as const, url: `/organisations/${organisationId}/members` },
      {
        method: 'PUT' as const,
        url: `/organisations/${organisationId}/members`,
        payload: { email: outsider.email, role: 'owner' },
      },
      { method: 'DELETE' as const, url: `/organisations/${organisationId}/members/${recruiter.id}` },
    ]) {
      const response = await inject({ ...request, headers: outsider.headers });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('organisation_not_found');
    }
    // A recruiter cannot manage membership, not even to promote themselves.
    const promote = await inject({
      method: 'PUT',
      url: `/organisations/${organisationId}/members`,
      headers: recruiter.headers,
      payload: { email: recruiter.email, role: 'owner' },
    });
    expect(promote.statusCode).toBe(403);

    const removed = await inject({
      method: 'DELETE',
      url: `/organisations/${organisationId}/members/${recruiter.id}`,
      headers: owner.headers,
    });
    expect(removed.statusCode).toBe(204);
    const after = await inject({
      method: 'GET',
      url: `/organisations/${organisationId}/members`,
      headers: recruiter.headers,
    });
    expect(after.statusCode).toBe(404);
  });

  it('refuses adding a candidate account or an unknown email, and an owner leaving or demoting themselves', async () => {
    const candidate = await signUp(t, 'candidate');
    for (const email of [candidate.email, 'nobody@example.com']) {
      const response = await inject({
        method: 'PUT',
        url: `/organisations/${organisationId}/members`,
        headers: owner.headers,
        payload: { email, role: 'viewer' },
      });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('employer_account_not_found');
    }
    const demote = await inject({
      method: 'PUT',
      url: `/organisations/${organisationId}/members`,
      headers: owner.headers,
      payload: { email: owner.email, role: 'viewer' },
    });
    expect(demote.json().code).toBe('owner_cannot_demote_self');
    const leave = await inject({
      method: 'DELETE',
      url: `/organisations/${organisationId}/members/${owner.id}`,
      headers: owner.headers,
    });
    expect(leave.json().code).toBe('owner_cannot_leave');
  });

  it.each([
    ['POST', '/organisations', {}, '/body/name'],
    ['POST', '/organisations', { name: '' }, '/body/name'],
    ['POST', '/organisations', { name: 'A', plan: 'gold' }, '/body/plan'],
    ['PUT', 'members', { email: 'not-an-email', role: 'viewer' }, '/body/email'],
    ['PUT', 'members', { email: 'a@example.com', role: 'admin' }, '/body/role'],
    ['GET', '/organisations/123/members', undefined, '/params/organisationId'],
  ] as const)('answers 400 for %s %s %j naming %s', async (method, url, payload, path) => {
    const response = await inject({
      method,
      url: url === 'members' ? `/organisations/${organisationId}/members` : url,
      headers: owner.headers,
      ...(payload && { payload }),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
  });
});

describe('candidate profiles', () => {
  const profile = {
    headline: 'Backend developer',
    skills: [
      { name: 'TypeScript', level: 3 },
      { name: ' typescript ', level: 4 },
      { name: 'PostgreSQL', level: 2 },
    ],
    yearsExperience: 5,
    location: { city: 'Porto', region: null, country: 'PT' },
    remotePreference: 'remote',
    desiredSalary: { min: 5_000_000, max: 6_000_000, currency: 'EUR', interval: 'YEAR' },
    resumeText: 'Built APIs.',
    discoverable: true,
  };

  it('is written and read back by its candidate, with skills folded to one spelling at the highest level', async () => {
    const candidate = await signUp(t, 'candidate');
    const missing = await inject({ method: 'GET', url: '/me/candidate-profile', headers: candidate.headers });
    expect(missing.json().code).toBe('candidate_profile_missing');
    const saved = await inject({
      method: 'PUT',
      url: '/me/candidate-profile',
      headers: candidate.headers,
      payload: profile,
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().skills).toEqual([
      { name: 'typescript', level: 4 },
      { name: 'postgresql', level: 2 },
    ]);
    const read = await inject({ method: 'GET', url: '/me/candidate-profile', headers: candidate.headers });
    expect(read.json()).toMatchObject({
      userId: candidate.id,
      headline: 'Backend developer',
      discoverable: true,
    });
    // Each candidate sees only their own profile.
    const other = await signUp(t, 'candidate');
    expect(
      (await inject({ method: 'GET', url: '/me/candidate-profile', headers: other.headers })).statusCode,
    ).toBe(404);
  });

  it('is for candidates only', async () => {
    const response = await inject({
      method: 'PUT',
      url: '/me/candidate-profile',
      headers: owner.headers,
      payload: profile,
    });
    expect(response.statusCode).toBe(403);
  });

  it.each([
    [{ ...profile, yearsExperience: -1 }, '/body/yearsExperience'],
    [{ ...profile, remotePreference: 'mars' }, '/body/remotePreference'],
    [{ ...profile, skills: [{ name: 'x', level: 0 }] }, '/body/skills/0/level'],
    [
      { ...profile, desiredSalary: { min: 9, max: 1, currency: 'EUR', interval: 'YEAR' } },
      '/body/desiredSalary/min',
    ],
    [{ ...profile, resumeText: 'x'.repeat(50_001) }, '/body/resumeText'],
    [{ ...profile, role: 'admin' }, '/body/role'],
  ])('answers 400 naming the field (%#)', async (payload, path) => {
    const candidate = await signUp(t, 'candidate');
    const response = await inject({
      method: 'PUT',
      url: '/me/candidate-profile',
      headers: candidate.headers,
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
  });
});
