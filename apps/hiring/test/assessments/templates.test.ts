// Assessment templates (issue 12): every body is validated with a 4xx naming the field; drafts are
// edited in place, published versions are frozen (content hash, never changed), editing a published
// assessment writes a new draft version; owners and recruiters write, viewers read (403 on writes),
// and another organisation gets 404 on everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  buildHiringTestApp,
  createJob,
  createOrganisation,
  type HiringTestApp,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { assessmentsUrl, createAssessment, expectProblem, publish, templateBody } from './support.js';

let t: HiringTestApp;
let owner: TestUser;
let recruiter: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let organisationId: string;
let otherOrganisationId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  owner = await signUp(t, 'employer');
  recruiter = await signUp(t, 'employer');
  viewer = await signUp(t, 'employer');
  outsider = await signUp(t, 'employer');
  organisationId = await createOrganisation(t, owner);
  otherOrganisationId = await createOrganisation(t, outsider, 'Other Ltd');
  await addMember(t, owner, organisationId, recruiter, 'recruiter');
  await addMember(t, owner, organisationId, viewer, 'viewer');
});
afterAll(async () => t?.close());

function post(user: TestUser, payload: unknown, url = assessmentsUrl(organisationId)) {
  return t.app.inject({ method: 'POST', url, headers: user.headers, payload: payload as object });
}

type Section = ReturnType<typeof templateBody>['sections'][number];
const withQuestion = (question: Record<string, unknown>) =>
  templateBody({ sections: [{ title: 'Only', questions: [question] }] as unknown as Section[] });
const choice = (overrides: Record<string, unknown>) => ({
  kind: 'single_choice',
  prompt: 'Pick one',
  points: 1,
  choices: [
    { text: 'Yes', correct: true },
    { text: 'No', correct: false },
  ],
  ...overrides,
});
const text = (overrides: Record<string, unknown>) => ({
  kind: 'long_text',
  prompt: 'Explain',
  points: 5,
  rubric: 'Covers it',
  keywords: [{ term: 'index', weight: 1 }],
  ...overrides,
});

describe('template validation: a 4xx naming the field', () => {
  const q = '/body/sections/0/questions/0';
  const cases: Array<[string, unknown, string, string?]> = [
    ['a missing title', { ...templateBody(), title: undefined }, '/body/title'],
    ['a blank title', templateBody({ title: '   ' }), '/body/title'],
    ['a title over 200 characters', templateBody({ title: 'x'.repeat(201) }), '/body/title'],
    ['a time limit of 0', templateBody({ timeLimitMinutes: 0 }), '/body/timeLimitMinutes'],
    ['a time limit over 480', templateBody({ timeLimitMinutes: 481 }), '/body/timeLimitMinutes'],
    ['a pass score over 100', templateBody({ passScorePercent: 101 }), '/body/passScorePercent'],
    ['an attempts limit of 11', templateBody({ attemptsLimit: 11 }), '/body/attemptsLimit'],
    ['an unknown field', templateBody({ secret: 1 }), '/body/secret'],
    ['an unknown kind', withQuestion(choice({ kind: 'essay' })), `${q}/kind`],
    ['0 points', withQuestion(choice({ points: 0 })), `${q}/points`],
    ['101 points', withQuestion(choice({ points: 101 })), `${q}/points`],
    ['an empty prompt', withQuestion(choice({ prompt: '' })), `${q}/prompt`],
    ['a prompt over 4000 characters', withQuestion(choice({ prompt: 'p'.repeat(4001) })), `${q}/prompt`],
    ['one choice', withQuestion(choice({ choices: [{ text: 'Yes', correct: true }] })), `${q}/choices`],
    [
      'nine choices',
      withQuestion(
        choice({ choices: Array.from({ length: 9 }, (_, i) => ({ text: `c${i}`, correct: i === 0 })) }),
      ),
      `${q}/choices`,
    ],
    [
      'two correct choices on single_choice',
      withQuestion(
        choice({
          choices: [
            { text: 'A', correct: true },
            { text: 'B', correct: true },
          ],
        }),
      ),
      `${q}/choices`,
      'question_correct_count',
    ],
    [
      'no correct choice on multiple_choice',
      withQuestion(
        choice({
          kind: 'multiple_choice',
          choices: [
            { text: 'A', correct: false },
            { text: 'B', correct: false },
          ],
        }),
      ),
      `${q}/choices`,
      'question_correct_count',
    ],
    [
      'a choice question without choices',
      withQuestion(choice({ choices: undefined })),
      `${q}/choices`,
      'question_choices_required',
    ],
    [
      'a rubric on a choice question',
      withQuestion(choice({ rubric: 'no' })),
      `${q}/rubric`,
      'question_field_not_allowed',
    ],
    [
      'a text question without rubric',
      withQuestion(text({ rubric: undefined })),
      `${q}/rubric`,
      'question_rubric_required',
    ],
    [
      'a text question without keywords',
      withQuestion(text({ keywords: undefined })),
      `${q}/keywords`,
      'question_keywords_required',
    ],
    [
      'keyword weights that do not sum to 1',
      withQuestion(
        text({
          keywords: [
            { term: 'a', weight: 0.3 },
            { term: 'b', weight: 0.3 },
          ],
        }),
      ),
      `${q}/keywords`,
      'question_keyword_weights',
    ],
    [
      'choices on a text question',
      withQuestion(
        text({
          choices: [
            { text: 'A', correct: true },
            { text: 'B', correct: false },
          ],
        }),
      ),
      `${q}/choices`,
      'question_field_not_allowed',
    ],
    ['an answer length over 20000', withQuestion(text({ maxAnswerLength: 20001 })), `${q}/maxAnswerLength`],
    [
      'the same question id twice',
      templateBody({ sections: [{ title: 'S', questions: [choice({ id: 'x' }), choice({ id: 'x' })] }] }),
      '/body/sections/0/questions/1/id',
      'question_id_duplicate',
    ],
    [
      'more than 100 questions',
      templateBody({
        sections: Array.from({ length: 2 }, (_, s) => ({
          title: `S${s}`,
          questions: Array.from({ length: 51 }, () => choice({})),
        })),
      }),
      '/body/sections',
      'too_many_questions',
    ],
  ];
  it.each(cases)('refuses %s', async (_name, payload, path, code) => {
    expectProblem(await post(owner, payload), 400, code, path);
  });

  it('refuses a job of another organisation with 404 job_not_found', async () => {
    const job = await createJob(t, outsider, otherOrganisationId);
    expectProblem(await post(owner, templateBody({ jobId: job.id })), 404, 'job_not_found');
  });
});

describe('templates and versions', () => {
  it('creates a draft with assigned ids and defaults, and shows the employer the answers', async () => {
    const created = await createAssessment(t, recruiter, organisationId, {
      sections: [{ title: 'S', questions: [choice({}), text({})] }],
      timeLimitMinutes: undefined,
    });
    expect(created).toMatchObject({
      status: 'draft',
      version: 1,
      publishedVersion: null,
      timeLimitMinutes: 30,
      questionCount: 2,
      totalPoints: 6,
      contentHash: null,
      generator: null,
    });
    expect(created.sections[0]).toMatchObject({
      id: 's1',
      questions: [
        {
          id: 'q1',
          choices: [
            { id: 'c1', correct: true },
            { id: 'c2', correct: false },
          ],
        },
        { id: 'q2', rubric: 'Covers it', keywords: [{ term: 'index', weight: 1 }], maxAnswerLength: 5000 },
      ],
    });
  });

  it('edits a draft in place, freezes it on publish, and writes a new version when a published one is edited', async () => {
    const created = await createAssessment(t, owner, organisationId);
    const url = `${assessmentsUrl(organisationId)}/${created.id}`;
    const edited = await t.app.inject({
      method: 'PATCH',
      url,
      headers: owner.headers,
      payload: { title: 'Renamed' },
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ version: 1, title: 'Renamed' });

    const published = await publish(t, owner, organisationId, created.id);
    expect(published).toMatchObject({ status: 'published', version: 1, publishedVersion: 1 });
    expect(published.contentHash).toMatch(/^[0-9a-f]{64}$/);
    // Publishing again changes nothing.
    expect(await publish(t, owner, organisationId, created.id)).toMatchObject({
      contentHash: published.contentHash,
      publishedVersion: 1,
    });

    const v2 = await t.app.inject({
      method: 'PATCH',
      url,
      headers: owner.headers,
      payload: { timeLimitMinutes: 45 },
    });
    expect(v2.statusCode).toBe(201);
    expect(v2.json()).toMatchObject({
      version: 2,
      latestVersion: 2,
      publishedVersion: 1,
      hasUnpublishedChanges: true,
      timeLimitMinutes: 45,
      contentHash: null,
    });
    const v1 = await t.app.inject({ method: 'GET', url: `${url}?version=1`, headers: viewer.headers });
    expect(v1.json()).toMatchObject({ version: 1, timeLimitMinutes: 30, contentHash: published.contentHash });
    // The database refuses to change a published version even if code tried.
    await expect(
      t.db.executeSql(
        'update hiring_assessment_versions set title = $1 where assessment_id = $2 and version = 1',
        ['Sneaky', created.id],
      ),
    ).rejects.toThrow(/published/);

    const again = await publish(t, owner, organisationId, created.id);
    expect(again).toMatchObject({ version: 2, publishedVersion: 2, hasUnpublishedChanges: false });
    expect(again.contentHash).not.toBe(published.contentHash);

    const list = await t.app.inject({
      method: 'GET',
      url: assessmentsUrl(organisationId),
      headers: viewer.headers,
    });
    expect(list.json().items.find((item: { id: string }) => item.id === created.id)).toMatchObject({
      version: 2,
      status: 'published',
    });
  });

  it('links a published assessment to a job without writing a new version', async () => {
    const created = await createAssessment(t, owner, organisationId);
    await publish(t, owner, organisationId, created.id);
    const job = await createJob(t, owner, organisationId);
    const linked = await t.app.inject({
      method: 'PATCH',
      url: `${assessmentsUrl(organisationId)}/${created.id}`,
      headers: owner.headers,
      payload: { jobId: job.id },
    });
    expect(linked.statusCode).toBe(200);
    expect(linked.json()).toMatchObject({
      jobId: job.id,
      version: 1,
      latestVersion: 1,
      publishedVersion: 1,
      hasUnpublishedChanges: false,
    });
  });

  it('refuses to publish an empty assessment and to change an archived one', async () => {
    const empty = await createAssessment(t, owner, organisationId, { sections: [] });
    const url = `${assessmentsUrl(organisationId)}/${empty.id}`;
    expectProblem(
      await t.app.inject({ method: 'POST', url: `${url}/publish`, headers: owner.headers }),
      409,
      'assessment_empty',
    );
    const archived = await t.app.inject({ method: 'POST', url: `${url}/archive`, headers: owner.headers });
    expect(archived.json()).toMatchObject({ status: 'archived' });
    expectProblem(
      await t.app.inject({ method: 'PATCH', url, headers: owner.headers, payload: { title: 'x' } }),
      409,
      'assessment_archived',
    );
    const listed = await t.app.inject({
      method: 'GET',
      url: `${assessmentsUrl(organisationId)}?status=archived`,
      headers: owner.headers,
    });
    expect(listed.json().items.map((item: { id: string }) => item.id)).toEqual([empty.id]);
  });
});

describe('who may do what', () => {
  let assessmentId: string;
  beforeAll(async () => {
    assessmentId = (await createAssessment(t, owner, organisationId)).id;
  });

  const writes = (org: string, id: string) => [
    { method: 'POST' as const, url: assessmentsUrl(org), payload: templateBody() },
    {
      method: 'POST' as const,
      url: `${assessmentsUrl(org)}/generate`,
      payload: { jobId: '00000000-0000-4000-8000-000000000000' },
    },
    { method: 'PATCH' as const, url: `${assessmentsUrl(org)}/${id}`, payload: { title: 'x' } },
    { method: 'POST' as const, url: `${assessmentsUrl(org)}/${id}/publish` },
    { method: 'POST' as const, url: `${assessmentsUrl(org)}/${id}/archive` },
  ];
  const reads = (org: string, id: string) => [
    { method: 'GET' as const, url: assessmentsUrl(org) },
    { method: 'GET' as const, url: `${assessmentsUrl(org)}/${id}` },
  ];

  it('lets a viewer read but not write (403)', async () => {
    for (const request of reads(organisationId, assessmentId)) {
      expect((await t.app.inject({ ...request, headers: viewer.headers })).statusCode).toBe(200);
    }
    for (const request of writes(organisationId, assessmentId)) {
      expectProblem(
        await t.app.inject({ ...request, headers: viewer.headers }),
        403,
        'organisation_role_insufficient',
      );
    }
  });

  it('answers another organisation 404 on every route, and a candidate 403', async () => {
    for (const request of [...reads(organisationId, assessmentId), ...writes(organisationId, assessmentId)]) {
      const response = await t.app.inject({ ...request, headers: outsider.headers });
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(404);
    }
    // The outsider's own organisation with this organisation's assessment id: still 404.
    for (const request of [
      ...reads(otherOrganisationId, assessmentId).slice(1),
      ...writes(otherOrganisationId, assessmentId).slice(2),
    ]) {
      expectProblem(
        await t.app.inject({ ...request, headers: outsider.headers }),
        404,
        'assessment_not_found',
      );
    }
    const candidate = await signUp(t, 'candidate');
    expectProblem(
      await t.app.inject({ method: 'GET', url: assessmentsUrl(organisationId), headers: candidate.headers }),
      403,
      'permission_denied',
    );
  });
});
