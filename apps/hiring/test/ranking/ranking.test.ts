// Matching through HTTP: an employer ranks the candidates they may see for their job (and never a
// hidden one), every result explains itself, the spec's /match-candidates alias agrees, candidates
// rank jobs for their profile, and outsiders and bad input are refused. Profiles and jobs are kept
// prepared between rankings, so every change must show in the very next one; hard constraints and
// the operator's exchange rates reach the answer.
import { operationsWithoutExamples } from '@app/platform/testing';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  buildHiringTestApp,
  createJob,
  createOrganisation,
  type HiringTestApp,
  publishJob,
  signUp,
  signUpAdmin,
  type TestUser,
} from '../support/hiring-client.js';

let t: HiringTestApp;
let employer: TestUser;
let organisationId: string;
let jobId: string;
const candidates: Record<string, TestUser> = {};

const inject = (options: InjectOptions) => t.app.inject(options);
const jobSkills = [
  { name: 'TypeScript', level: 4, required: true },
  { name: 'PostgreSQL', level: 3, required: true },
  { name: 'Kubernetes', level: null, required: false },
];

function profile(overrides: Record<string, unknown>) {
  return {
    headline: '',
    skills: [],
    yearsExperience: 0,
    location: { city: 'Berlin', region: null, country: 'DE' },
    remotePreference: 'any',
    desiredSalary: null,
    resumeText: '',
    discoverable: true,
    ...overrides,
  };
}

beforeAll(async () => {
  t = await buildHiringTestApp();
  employer = await signUp(t, 'employer');
  organisationId = await createOrganisation(t, employer, 'Matchers GmbH');
  const job = await createJob(t, employer, organisationId, {
    title: 'Senior Backend Engineer',
    descriptionText: 'Build TypeScript services on PostgreSQL and Kubernetes.',
    location: { city: 'Berlin', region: null, country: 'DE' },
    workplaceType: 'hybrid',
    skills: jobSkills,
    minYearsExperience: 5,
  });
  jobId = job.id as string;
  await publishJob(t, employer, jobId);

  const profiles = {
    strong: profile({
      headline: 'Senior backend engineer',
      skills: [
        { name: 'TS', level: 5 },
        { name: 'postgres', level: 4 },
        { name: 'k8s', level: 3 },
      ],
      yearsExperience: 8,
      resumeText: 'Eight years building TypeScript services on PostgreSQL.',
    }),
    partial: profile({
      headline: 'Junior developer',
      skills: [{ name: 'TypeScript', level: 2 }],
      yearsExperience: 1,
      resumeText: 'TypeScript at university.',
    }),
    hidden: profile({
      headline: 'Senior backend engineer',
      skills: [
        { name: 'TypeScript', level: 5 },
        { name: 'PostgreSQL', level: 5 },
      ],
      yearsExperience: 10,
      discoverable: false,
    }),
  };
  for (const [name, body] of Object.entries(profiles)) {
    candidates[name] = await signUp(t, 'candidate');
    const saved = await inject({
      method: 'PUT',
      url: '/me/candidate-profile',
      headers: candidates[name]?.headers,
      payload: body,
    });
    expect(saved.statusCode).toBe(200);
  }
});
afterAll(async () => t?.close());

describe('ranking candidates for a job', () => {
  it('ranks only visible candidates, best first, and explains every score', async () => {
    const response = await inject({
      method: 'POST',
      url: `/jobs/${jobId}/match-candidates`,
      headers: employer.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const { total, results } = response.json();
    expect(total).toBe(2);
    expect(results.map((result: { candidateId: string }) => result.candidateId)).toEqual([
      candidates.strong?.id,
      candidates.partial?.id,
    ]);
    const [strong, partial] = results;
    expect(strong.score).toBeGreaterThan(partial.score);
    expect(strong.matchedSkills.map((skill: { skill: string }) => skill.skill).sort()).toEqual([
      'kubernetes',
      'postgresql',
      'typescript',
    ]);
    expect(strong.missingSkills).toEqual([]);
    expect(partial.missingSkills).toEqual(
      expect.arrayContaining([expect.objectContaining({ skill: 'postgresql', required: true })]),
    );
    for (const value of Object.values(strong.components)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
  });

  it('gives the same answer through the spec alias, every time, and honours limit and minScore', async () => {
    const direct = await inject({
      method: 'POST',
      url: `/jobs/${jobId}/match-candidates`,
      headers: employer.headers,
      payload: {},
    });
    const alias = await inject({
      method: 'POST',
      url: '/match-candidates',
      headers: employer.headers,
      payload: { jobId },
    });
    expect(alias.json()).toEqual(direct.json());
    const limited = await inject({
      method: 'POST',
      url: '/match-candidates',
      headers: employer.headers,
      payload: { jobId, limit: 1 },
    });
    expect(limited.json()).toMatchObject({ total: 2, results: [{ candidateId: candidates.strong?.id }] });
    const strongScore = direct.json().results[0].score;
    const filtered = await inject({
      method: 'POST',
      url: '/match-candidates',
      headers: employer.headers,
      payload: { jobId, minScore: strongScore },
    });
    expect(filtered.json().total).toBe(1);
  });

  it('lets a viewer of the organisation rank, and refuses outsiders (404) and candidates (403)', async () => {
    const viewer = await signUp(t, 'employer');
    await addMember(t, employer, organisationId, viewer, 'viewer');
    const asViewer = await inject({
      method: 'POST',
      url: `/jobs/${jobId}/match-candidates`,
      headers: viewer.headers,
    });
    expect(asViewer.statusCode).toBe(200);
    const outsider = await signUp(t, 'employer');
    const asOutsider = await inject({
      method: 'POST',
      url: '/match-candidates',
      headers: outsider.headers,
      payload: { jobId },
    });
    expect(asOutsider.statusCode).toBe(404);
    const asCandidate = await inject({
      method: 'POST',
      url: `/jobs/${jobId}/match-candidates`,
      headers: candidates.strong?.headers,
    });
    expect(asCandidate.statusCode).toBe(403);
    expect((await inject({ method: 'POST', url: `/jobs/${jobId}/match-candidates` })).statusCode).toBe(401);
  });

  it.each([
    [{ limit: 0 }, '/body/limit'],
    [{ offset: -1 }, '/body/offset'],
    [{ minScore: 2 }, '/body/minScore'],
    [{ weights: { skills: -1 } }, '/body/weights/skills'],
    [{ weights: { luck: 1 } }, '/body/weights/luck'],
    [{ weights: { skills: 0, experience: 0, location: 0, salary: 0, text: 0 } }, '/body/weights'],
  ])('answers 400 naming the field for %j', async (payload, path) => {
    const response = await inject({
      method: 'POST',
      url: `/jobs/${jobId}/match-candidates`,
      headers: employer.headers,
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
  });

  it('answers 400 for a job id that is not a uuid and 404 for an unknown job', async () => {
    const malformed = await inject({
      method: 'POST',
      url: '/match-candidates',
      headers: employer.headers,
      payload: { jobId: 'x' },
    });
    expect(malformed.statusCode).toBe(400);
    const unknown = await inject({
      method: 'POST',
      url: '/match-candidates',
      headers: employer.headers,
      payload: { jobId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(unknown.json().code).toBe('job_not_found');
  });
});

describe('ranking jobs for a candidate', () => {
  it("ranks published jobs for the caller's profile with explanations", async () => {
    const response = await inject({
      method: 'POST',
      url: '/me/job-matches',
      headers: candidates.strong?.headers,
    });
    expect(response.statusCode, response.body).toBe(200);
    const top = response.json().results[0];
    expect(top).toMatchObject({ jobId, title: 'Senior Backend Engineer', company: 'Matchers GmbH' });
    expect(top.matchedSkills.length).toBe(3);
  });

  it('needs a profile, and is for candidates only', async () => {
    const newcomer = await signUp(t, 'candidate');
    const missing = await inject({ method: 'POST', url: '/me/job-matches', headers: newcomer.headers });
    expect(missing.json().code).toBe('candidate_profile_missing');
    expect(
      (await inject({ method: 'POST', url: '/me/job-matches', headers: employer.headers })).statusCode,
    ).toBe(403);
  });
});

describe('what changes between rankings', () => {
  const rankIds = async () => {
    const response = await inject({
      method: 'POST',
      url: `/jobs/${jobId}/match-candidates`,
      headers: employer.headers,
      payload: { limit: 100 },
    });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().results as Array<{
      candidateId: string;
      score: number;
      components: Record<string, number>;
      explanations: Record<string, string>;
      constraints: Array<{ code: string; reason: string }>;
    }>;
  };
  const save = async (user: TestUser, body: Record<string, unknown>) => {
    const saved = await inject({
      method: 'PUT',
      url: '/me/candidate-profile',
      headers: user.headers,
      payload: body,
    });
    expect(saved.statusCode, saved.body).toBe(200);
  };

  it('shows a profile change in the very next ranking, and a profile leaving discovery disappears', async () => {
    const climber = await signUp(t, 'candidate');
    const weak = profile({ headline: 'Gardener', resumeText: 'Hedges and lawns.', yearsExperience: 3 });
    await save(climber, weak);
    const place = (ranked: Array<{ candidateId: string }>, user: TestUser | undefined) =>
      ranked.findIndex((result) => result.candidateId === user?.id);
    const before = await rankIds();
    expect(place(before, climber)).toBeGreaterThan(place(before, candidates.partial));
    await save(
      climber,
      profile({
        headline: 'Staff backend engineer',
        skills: [
          { name: 'TypeScript', level: 5 },
          { name: 'PostgreSQL', level: 5 },
          { name: 'Kubernetes', level: 4 },
        ],
        yearsExperience: 12,
        resumeText:
          'Staff Engineer, Example Payments, Berlin (2014 to present). TypeScript services on PostgreSQL and Kubernetes.',
      }),
    );
    const after = await rankIds();
    expect(place(after, climber)).toBeLessThan(place(after, candidates.partial));
    expect(after[place(after, climber)]!.components.skills).toBe(1);
    await save(climber, { ...weak, discoverable: false });
    expect((await rankIds()).map((result) => result.candidateId)).not.toContain(climber.id);
  });

  it('lists a remote-only candidate below everyone who can come to the office, with the reason', async () => {
    const remoteOnly = await signUp(t, 'candidate');
    await save(
      remoteOnly,
      profile({
        headline: 'Principal backend engineer',
        skills: [
          { name: 'TypeScript', level: 5 },
          { name: 'PostgreSQL', level: 5 },
          { name: 'Kubernetes', level: 5 },
        ],
        yearsExperience: 15,
        location: { city: 'Hamburg', region: null, country: 'DE' },
        remotePreference: 'remote',
        willingToRelocate: false,
        resumeText:
          'Principal Engineer, Example Bank (2011 to present). TypeScript services on PostgreSQL, Kubernetes platform.',
      }),
    );
    const ranked = await rankIds();
    const last = ranked.at(-1)!;
    expect(last.candidateId).toBe(remoteOnly.id);
    expect(last.constraints).toEqual([{ code: 'remote_only', reason: expect.stringContaining('remote') }]);
    expect(last.score).toBeGreaterThan(ranked[ranked.length - 2]!.score);
    await save(remoteOnly, profile({ headline: 'Retired', discoverable: false }));
  });

  it("converts salaries with the operator's exchange rates", async () => {
    const admin = await signUpAdmin(t);
    const payingJob = await createJob(t, employer, organisationId, {
      title: 'Platform Engineer',
      descriptionText: 'Kubernetes and PostgreSQL.',
      location: { city: 'Berlin', region: null, country: 'DE' },
      workplaceType: 'remote',
      skills: [{ name: 'Kubernetes', level: null, required: true }],
      salary: { min: 80_000_00, max: 90_000_00, currency: 'EUR', interval: 'YEAR' },
    });
    const asker = await signUp(t, 'candidate');
    await save(
      asker,
      profile({
        headline: 'Platform engineer',
        skills: [{ name: 'Kubernetes', level: 4 }],
        yearsExperience: 6,
        desiredSalary: { min: 70_000_00, max: null, currency: 'GBP', interval: 'YEAR' },
      }),
    );
    const salaryOf = async () => {
      const response = await inject({
        method: 'POST',
        url: `/jobs/${payingJob.id}/match-candidates`,
        headers: employer.headers,
        payload: { limit: 100 },
      });
      const mine = response
        .json()
        .results.find((result: { candidateId: string }) => result.candidateId === asker.id);
      return mine.components.salary as number;
    };
    // With the shipped snapshot, 70,000 GBP is within 90,000 EUR.
    expect(await salaryOf()).toBe(1);
    const replaced = await inject({
      method: 'PUT',
      url: '/exchange-rates',
      headers: admin.headers,
      payload: { asOf: '2025-12-01', rates: { GBP: 0.5 } },
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    // At 0.5 GBP to the euro the same ask is 140,000 EUR: far above the range.
    expect(await salaryOf()).toBe(0);
    await save(asker, profile({ headline: 'Gone', discoverable: false }));
  });

  it("shows a job's change in the candidate's very next ranking of jobs", async () => {
    const matchedOf = async () => {
      const response = await inject({
        method: 'POST',
        url: '/me/job-matches',
        headers: candidates.strong?.headers,
      });
      const ours = response.json().results.find((result: { jobId: string }) => result.jobId === jobId);
      return ours.matchedSkills.map((skill: { skill: string }) => skill.skill).sort();
    };
    expect(await matchedOf()).toEqual(['kubernetes', 'postgresql', 'typescript']);
    const edited = await inject({
      method: 'PATCH',
      url: `/jobs/${jobId}`,
      headers: employer.headers,
      payload: { skills: [{ name: 'TypeScript', level: 4, required: true }] },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await matchedOf()).toEqual(['typescript']);
    await inject({
      method: 'PATCH',
      url: `/jobs/${jobId}`,
      headers: employer.headers,
      payload: { skills: jobSkills },
    });
    expect(await matchedOf()).toEqual(['kubernetes', 'postgresql', 'typescript']);
  });

  it('shows examples for the ranking routes in /docs', async () => {
    const document = (await inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    expect(
      operationsWithoutExamples(document, [
        '/jobs/{jobId}/match-candidates',
        '/match-candidates',
        '/me/job-matches',
      ]),
    ).toEqual([]);
  });
});
