// Employer jobs through HTTP: drafts, edits, publishing against the postings quota, closing, the
// public listing's filters and cursor, and who may see or change what.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putOnTier } from '../billing/tier-support.js';
import {
  addMember,
  buildHiringTestApp,
  createJob,
  createOrganisation,
  type HiringTestApp,
  publishJob,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';

let t: HiringTestApp;
let owner: TestUser;
let organisationId: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  owner = await signUp(t, 'employer');
  organisationId = await createOrganisation(t, owner, 'Globex');
});
afterAll(async () => t?.close());

const inject = (options: InjectOptions) => t.app.inject(options);

describe('job lifecycle', () => {
  it('creates a draft with normalised fields, escaped HTML and the organisation as company', async () => {
    const job = await createJob(t, owner, organisationId, {
      title: '  Senior Backend Engineer ',
      descriptionText: 'Build <script>alert(1)</script> APIs.\n\nSecond paragraph.',
      location: { city: 'Berlin', region: null, country: 'DE' },
      workplaceType: 'hybrid',
      employmentType: 'FULL_TIME',
      salary: { min: 7_000_000, max: 9_000_000, currency: 'EUR', interval: 'YEAR' },
      skills: [{ name: ' TypeScript ', level: 4, required: true }],
    });
    expect(job).toMatchObject({
      status: 'draft',
      title: 'Senior Backend Engineer',
      company: 'Globex',
      organisationId,
      source: 'employer',
      postedAt: null,
      location: { city: 'Berlin', region: null, country: 'DE' },
      salary: { min: 7_000_000, max: 9_000_000, currency: 'EUR', interval: 'YEAR' },
      skills: [{ name: 'typescript', level: 4, required: true }],
    });
    expect(job.descriptionHtml).toBe(
      '<p>Build &lt;script&gt;alert(1)&lt;/script&gt; APIs.</p><p>Second paragraph.</p>',
    );
  });

  it('publishes (stamping postedAt), is idempotent, and closes for good', async () => {
    const job = await createJob(t, owner, organisationId);
    const published = await publishJob(t, owner, job.id as string);
    expect(published.status).toBe('published');
    expect(published.postedAt).toBe(t.clock.now().toISOString());
    expect((await publishJob(t, owner, job.id as string)).postedAt).toBe(published.postedAt);

    const closed = await inject({ method: 'POST', url: `/jobs/${job.id}/close`, headers: owner.headers });
    expect(closed.json()).toMatchObject({ status: 'closed', closedAt: t.clock.now().toISOString() });
    const again = await inject({ method: 'POST', url: `/jobs/${job.id}/publish`, headers: owner.headers });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('job_closed');
    const edit = await inject({
      method: 'PATCH',
      url: `/jobs/${job.id}`,
      headers: owner.headers,
      payload: { title: 'X' },
    });
    expect(edit.json().code).toBe('job_closed');
  });

  it('edits only the fields sent and refuses an inverted salary range with its field path', async () => {
    const job = await createJob(t, owner, organisationId, { employmentType: 'PART_TIME' });
    const edited = await inject({
      method: 'PATCH',
      url: `/jobs/${job.id}`,
      headers: owner.headers,
      payload: { title: 'Staff Engineer' },
    });
    expect(edited.json()).toMatchObject({ title: 'Staff Engineer', employmentType: 'PART_TIME' });
    const inverted = await inject({
      method: 'PATCH',
      url: `/jobs/${job.id}`,
      headers: owner.headers,
      payload: { salary: { min: 10, max: 5, currency: 'USD', interval: 'YEAR' } },
    });
    expect(inverted.statusCode).toBe(400);
    expect(inverted.json().errors).toEqual([{ path: '/body/salary/min', message: 'must be <= salary.max' }]);
  });
});

describe('job-postings quota', () => {
  it('refuses publishing beyond the limit, gives the slot back on close, and never oversells under concurrency', async () => {
    const boss = await signUp(t, 'employer');
    const limited = await createOrganisation(t, boss, 'Initech');
    await t.db.executeSql('update hiring_organisations set job_postings_limit = 2 where id = $1', [limited]);
    const drafts = await Promise.all([1, 2, 3, 4].map(() => createJob(t, boss, limited)));
    const answers = await Promise.all(
      drafts.map((job) => inject({ method: 'POST', url: `/jobs/${job.id}/publish`, headers: boss.headers })),
    );
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 200, 409, 409]);
    const refused = answers.find((answer) => answer.statusCode === 409);
    expect(refused?.json().code).toBe('job_postings_quota_reached');
    const organisation = (
      await inject({ method: 'GET', url: '/organisations', headers: boss.headers })
    ).json().items[0];
    expect(organisation).toMatchObject({ jobPostingsLimit: 2, jobPostingsUsed: 2 });

    const publishedId = drafts[answers.findIndex((answer) => answer.statusCode === 200)]?.id;
    await inject({ method: 'POST', url: `/jobs/${publishedId}/close`, headers: boss.headers });
    const waitingId = drafts[answers.findIndex((answer) => answer.statusCode === 409)]?.id;
    expect(
      (await inject({ method: 'POST', url: `/jobs/${waitingId}/publish`, headers: boss.headers })).statusCode,
    ).toBe(200);
  });
});

describe('the public listing', () => {
  let lister: TestUser;
  let listed: string;
  const titles: string[] = [];

  beforeAll(async () => {
    lister = await signUp(t, 'employer');
    listed = await createOrganisation(t, lister, 'Listings Inc');
    // More jobs than the free tier publishes at once.
    await putOnTier(t, listed, 'pro');
    const specs = [
      {
        title: 'Rust Systems Engineer',
        workplaceType: 'remote',
        skills: [{ name: 'Rust', level: 4, required: true }],
      },
      {
        title: 'Frontend Developer',
        location: { city: 'Paris', region: null, country: 'FR' },
        workplaceType: 'on_site',
        salary: { min: 4_000_000, max: 5_000_000, currency: 'EUR', interval: 'YEAR' },
      },
      {
        title: 'Data Scientist',
        descriptionText: 'Statistics and machine learning with Python.',
        employmentType: 'CONTRACTOR',
      },
      {
        title: 'Platform Engineer',
        salary: { min: 9_000_000, max: 12_000_000, currency: 'EUR', interval: 'YEAR' },
      },
      { title: 'Support Engineer', location: { city: 'Lisbon', region: null, country: 'PT' } },
    ];
    for (const spec of specs) {
      const job = await createJob(t, lister, listed, spec);
      t.clock.advance(60_000);
      await publishJob(t, lister, job.id as string);
      titles.unshift(spec.title);
    }
    await createJob(t, lister, listed, { title: 'Secret Draft Role' });
  });

  const list = async (query: string) => {
    const response = await inject({ method: 'GET', url: `/jobs?${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { items: Array<{ id: string; title: string }>; nextCursor: string | null };
  };
  const mine = (items: Array<{ title: string }>) =>
    items.map((job) => job.title).filter((title) => titles.includes(title));

  it('pages through every published job once, newest first, with a stable cursor, and never shows drafts', async () => {
    const seen: Array<{ id: string; title: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string; title: string }>; nextCursor: string | null } = await list(
        `limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(mine(seen)).toEqual(titles);
    expect(new Set(seen.map((job) => job.id)).size).toBe(seen.length);
    expect(seen.map((job) => job.title)).not.toContain('Secret Draft Role');
  });

  it('filters by text, city, country, workplace, employment type, salary overlap, skills and date', async () => {
    expect(mine((await list('q=machine%20learning')).items)).toEqual(['Data Scientist']);
    expect(mine((await list('city=paris')).items)).toEqual(['Frontend Developer']);
    expect(mine((await list('country=PT')).items)).toEqual(['Support Engineer']);
    expect(mine((await list('workplaceType=remote,on_site')).items)).toEqual([
      'Frontend Developer',
      'Rust Systems Engineer',
    ]);
    expect(mine((await list('employmentType=CONTRACTOR')).items)).toEqual(['Data Scientist']);
    expect(mine((await list('salaryMin=6000000&currency=EUR')).items)).toEqual(['Platform Engineer']);
    expect(mine((await list('salaryMax=4500000')).items)).toEqual(['Frontend Developer']);
    expect(mine((await list('skills=rust,haskell')).items)).toEqual(['Rust Systems Engineer']);
    const since = new Date(t.clock.now().getTime() - 90_000).toISOString();
    expect(mine((await list(`postedSince=${encodeURIComponent(since)}`)).items)).toEqual([
      'Support Engineer',
      'Platform Engineer',
    ]);
  });

  it.each([
    ['limit=0', '/querystring/limit'],
    ['limit=101', '/querystring/limit'],
    ['limit=1e400', '/querystring/limit'],
    ['workplaceType=moon', '/querystring/workplaceType'],
    ['country=France', '/querystring/country'],
    ['salaryMin=-1', '/querystring/salaryMin'],
    ['postedSince=yesterday', '/querystring/postedSince'],
    ['cursor=bm90LWEtY3Vyc29y', '/querystring/cursor'],
    ['sort=desc', '/querystring/sort'],
  ])('answers 400 naming the field for %s', async (query, path) => {
    const response = await inject({ method: 'GET', url: `/jobs?${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
  });
});

describe('who may see and change a job', () => {
  let draftId: string;
  let outsider: TestUser;
  let viewer: TestUser;
  let candidate: TestUser;

  beforeAll(async () => {
    draftId = (await createJob(t, owner, organisationId, { title: 'Unannounced' })).id as string;
    outsider = await signUp(t, 'employer');
    await createOrganisation(t, outsider, 'Rival Corp');
    viewer = await signUp(t, 'employer');
    await addMember(t, owner, organisationId, viewer, 'viewer');
    candidate = await signUp(t, 'candidate');
  });

  it('shows a draft to its members only: 404 to anyone else, anonymous or not', async () => {
    expect(
      (await inject({ method: 'GET', url: `/jobs/${draftId}`, headers: viewer.headers })).statusCode,
    ).toBe(200);
    for (const headers of [outsider.headers, candidate.headers, {}]) {
      const response = await inject({ method: 'GET', url: `/jobs/${draftId}`, headers });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('job_not_found');
    }
  });

  it("refuses another organisation's employer every change with 404, a viewer with 403 and a candidate with 403", async () => {
    const attempts = [
      { method: 'PATCH' as const, url: `/jobs/${draftId}`, payload: { title: 'Hijacked' } },
      { method: 'POST' as const, url: `/jobs/${draftId}/publish` },
      { method: 'POST' as const, url: `/jobs/${draftId}/close` },
    ];
    for (const attempt of attempts) {
      expect((await inject({ ...attempt, headers: outsider.headers })).statusCode).toBe(404);
      const asViewer = await inject({ ...attempt, headers: viewer.headers });
      expect(asViewer.statusCode).toBe(403);
      expect(asViewer.json().code).toBe('organisation_role_insufficient');
      expect((await inject({ ...attempt, headers: candidate.headers })).json().code).toBe(
        'permission_denied',
      );
      expect((await inject(attempt)).statusCode).toBe(401);
    }
    const outsiderCreate = await inject({
      method: 'POST',
      url: `/organisations/${organisationId}/jobs`,
      headers: outsider.headers,
      payload: { title: 'Planted' },
    });
    expect(outsiderCreate.statusCode).toBe(404);
    const listing = await inject({
      method: 'GET',
      url: `/organisations/${organisationId}/jobs`,
      headers: outsider.headers,
    });
    expect(listing.statusCode).toBe(404);
    const unchanged = await inject({ method: 'GET', url: `/jobs/${draftId}`, headers: owner.headers });
    expect(unchanged.json()).toMatchObject({ title: 'Unannounced', status: 'draft' });
  });

  it.each([
    [{}, '/body/title'],
    [{ title: '' }, '/body/title'],
    [{ title: '   ' }, '/body/title'],
    [{ title: 'x'.repeat(201) }, '/body/title'],
    [{ title: 'A', salary: { min: 1, max: 2, currency: 'euro', interval: 'YEAR' } }, '/body/salary/currency'],
    [{ title: 'A', workplaceType: 'moon' }, '/body/workplaceType'],
    [{ title: 'A', skills: [{ name: 'x', level: 9, required: true }] }, '/body/skills/0/level'],
    [{ title: 'A', organisationId: 'x' }, '/body/organisationId'],
    [{ title: 'A', minYearsExperience: 1.5 }, '/body/minYearsExperience'],
  ])('answers 400 naming the field for the draft %j', async (payload, path) => {
    const response = await inject({
      method: 'POST',
      url: `/organisations/${organisationId}/jobs`,
      headers: owner.headers,
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
  });

  it('answers 400 for a job id that is not a uuid and 400 for an empty patch', async () => {
    expect((await inject({ method: 'GET', url: '/jobs/not-a-uuid' })).statusCode).toBe(400);
    const empty = await inject({
      method: 'PATCH',
      url: `/jobs/${draftId}`,
      headers: owner.headers,
      payload: {},
    });
    expect(empty.statusCode).toBe(400);
  });
});
