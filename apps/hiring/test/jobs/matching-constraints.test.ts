// The matching constraints of issue 18 through HTTP: where a remote job may be done from
// (remoteRegions) and how far an on-site or hybrid one reaches (commuteRadiusKm), where a candidate
// may work (workAuthorisation) and whether they would move (willingToRelocate). Each is stored
// normalised and read back, defaults when left out, refuses bad codes with a 400 naming the item
// and storing nothing, stays out of reach of other users, reaches the employer's view of an
// applicant, and shows in /docs with examples.
import { operationsWithoutExamples } from '@app/platform/testing';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../applications/support.js';
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
  organisationId = await createOrganisation(t, owner, 'Constraint Works');
});
afterAll(async () => t?.close());

const inject = (options: InjectOptions) => t.app.inject(options);
const paths = (response: { json(): { errors?: Array<{ path: string }> } }) =>
  (response.json().errors ?? []).map((error) => error.path);
const readJob = async (jobId: unknown, user: TestUser = owner) =>
  (await inject({ method: 'GET', url: `/jobs/${jobId}`, headers: user.headers })).json();

describe('job constraints', () => {
  it('stores remoteRegions upper-cased without duplicates, in the order given, and commuteRadiusKm, and reads them back everywhere', async () => {
    const job = await createJob(t, owner, organisationId, {
      title: 'Remote Platform Engineer',
      workplaceType: 'remote',
      remoteRegions: ['de', 'EU', 'De', 'at', 'eu'],
    });
    expect(job).toMatchObject({ remoteRegions: ['DE', 'EU', 'AT'], commuteRadiusKm: null });
    await publishJob(t, owner, job.id as string);
    expect(await readJob(job.id)).toMatchObject({ remoteRegions: ['DE', 'EU', 'AT'] });
    const anonymous = await inject({ method: 'GET', url: `/jobs/${job.id}` });
    expect(anonymous.json().remoteRegions).toEqual(['DE', 'EU', 'AT']);
    const listed = (await inject({ method: 'GET', url: '/jobs?workplaceType=remote&limit=100' })).json();
    expect(listed.items.find((item: { id: string }) => item.id === job.id)).toMatchObject({
      remoteRegions: ['DE', 'EU', 'AT'],
      commuteRadiusKm: null,
    });

    const onSite = await createJob(t, owner, organisationId, {
      title: 'Warehouse Lead',
      workplaceType: 'on_site',
      location: { city: 'Munich', region: null, country: 'DE' },
      commuteRadiusKm: 40,
    });
    expect(onSite).toMatchObject({ remoteRegions: [], commuteRadiusKm: 40 });
    const mine = (
      await inject({ method: 'GET', url: `/organisations/${organisationId}/jobs`, headers: owner.headers })
    ).json();
    expect(mine.items.find((item: { id: string }) => item.id === onSite.id)).toMatchObject({
      commuteRadiusKm: 40,
    });
  });

  it('defaults to no regions and no radius when left out, also for rows written before the migration', async () => {
    const job = await createJob(t, owner, organisationId, { title: 'Plain Job' });
    expect(job.remoteRegions).toEqual([]);
    expect(job.commuteRadiusKm).toBeNull();
    // A job inserted without the columns (as ingestion does) reads the same.
    await t.db.executeSql(
      `insert into hiring_jobs (organisation_id, status, title, company, created_at, updated_at)
       values ($1, 'draft', 'Raw Insert', 'Constraint Works', now(), now())`,
      [organisationId],
    );
    const raw = (
      await inject({ method: 'GET', url: `/organisations/${organisationId}/jobs`, headers: owner.headers })
    )
      .json()
      .items.find((item: { title: string }) => item.title === 'Raw Insert');
    expect(raw).toMatchObject({ remoteRegions: [], commuteRadiusKm: null });
  });

  it('edits each field alone, keeps the other, and clears with [] and null', async () => {
    const job = await createJob(t, owner, organisationId, {
      title: 'Hybrid Analyst',
      workplaceType: 'hybrid',
      remoteRegions: ['PT'],
      commuteRadiusKm: 25,
    });
    const patch = (payload: Record<string, unknown>) =>
      inject({ method: 'PATCH', url: `/jobs/${job.id}`, headers: owner.headers, payload });
    expect((await patch({ remoteRegions: ['es', 'PT'] })).json()).toMatchObject({
      remoteRegions: ['ES', 'PT'],
      commuteRadiusKm: 25,
    });
    expect((await patch({ commuteRadiusKm: 500 })).json()).toMatchObject({
      remoteRegions: ['ES', 'PT'],
      commuteRadiusKm: 500,
    });
    expect((await patch({ title: 'Hybrid Analyst II' })).json()).toMatchObject({
      remoteRegions: ['ES', 'PT'],
      commuteRadiusKm: 500,
    });
    expect((await patch({ remoteRegions: [], commuteRadiusKm: null })).json()).toMatchObject({
      remoteRegions: [],
      commuteRadiusKm: null,
    });
  });

  const tooMany = Array.from({ length: 51 }, () => 'DE');
  it.each([
    [{ remoteRegions: ['DE', 'XX'] }, '/body/remoteRegions/1', 'remote_region_unknown'],
    [{ remoteRegions: ['MARS', 'DE', 'ZZ'] }, '/body/remoteRegions/0', 'remote_region_unknown'],
    [{ remoteRegions: ['DE', 'E U'] }, '/body/remoteRegions/1', 'validation_failed'],
    [{ remoteRegions: ['D'] }, '/body/remoteRegions/0', 'validation_failed'],
    [{ remoteRegions: [''] }, '/body/remoteRegions/0', 'validation_failed'],
    [{ remoteRegions: [7] }, '/body/remoteRegions/0', 'validation_failed'],
    [{ remoteRegions: 'DE' }, '/body/remoteRegions', 'validation_failed'],
    [{ remoteRegions: null }, '/body/remoteRegions', 'validation_failed'],
    [{ remoteRegions: tooMany }, '/body/remoteRegions', 'validation_failed'],
    [{ commuteRadiusKm: 0 }, '/body/commuteRadiusKm', 'validation_failed'],
    [{ commuteRadiusKm: 501 }, '/body/commuteRadiusKm', 'validation_failed'],
    [{ commuteRadiusKm: 12.5 }, '/body/commuteRadiusKm', 'validation_failed'],
    [{ commuteRadiusKm: '30' }, '/body/commuteRadiusKm', 'validation_failed'],
  ])('refuses %j with 400 naming %s, on create and on edit, storing nothing', async (fields, path, code) => {
    const before = (
      await inject({ method: 'GET', url: `/organisations/${organisationId}/jobs`, headers: owner.headers })
    ).json().items.length;
    const created = await inject({
      method: 'POST',
      url: `/organisations/${organisationId}/jobs`,
      headers: owner.headers,
      payload: { title: 'Refused', ...fields },
    });
    expect(created.statusCode).toBe(400);
    expect(paths(created)).toContain(path);
    expect(created.json().code).toBe(code);
    const after = (
      await inject({ method: 'GET', url: `/organisations/${organisationId}/jobs`, headers: owner.headers })
    ).json().items.length;
    expect(after).toBe(before);

    const job = await createJob(t, owner, organisationId, {
      title: 'Untouched',
      remoteRegions: ['FR'],
      commuteRadiusKm: 10,
    });
    const edited = await inject({
      method: 'PATCH',
      url: `/jobs/${job.id}`,
      headers: owner.headers,
      payload: { title: 'Changed', ...fields },
    });
    expect(edited.statusCode).toBe(400);
    expect(paths(edited)).toContain(path);
    expect(await readJob(job.id)).toMatchObject({
      title: 'Untouched',
      remoteRegions: ['FR'],
      commuteRadiusKm: 10,
    });
  });

  it('names every unknown code at once, with a message that says what is wrong', async () => {
    const response = await inject({
      method: 'POST',
      url: `/organisations/${organisationId}/jobs`,
      headers: owner.headers,
      payload: { title: 'Refused', remoteRegions: ['xx', 'DE', 'Atlantis'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: '/body/remoteRegions/0', message: expect.stringContaining('"XX"') },
      { path: '/body/remoteRegions/2', message: expect.stringContaining('"ATLANTIS"') },
    ]);
    expect(response.json().errors[0].message).toMatch(/unknown country or region/);
  });

  it("refuses another organisation's employer, a viewer and a candidate any change to the constraints", async () => {
    const job = await createJob(t, owner, organisationId, {
      title: 'Guarded',
      remoteRegions: ['NL'],
      commuteRadiusKm: 15,
    });
    const outsider = await signUp(t, 'employer');
    await createOrganisation(t, outsider, 'Rival');
    const viewer = await signUp(t, 'employer');
    await addMember(t, owner, organisationId, viewer, 'viewer');
    const candidate = await signUp(t, 'candidate');
    const payload = { remoteRegions: ['US'], commuteRadiusKm: 500 };
    const statuses = [];
    for (const user of [outsider, viewer, candidate]) {
      statuses.push(
        (await inject({ method: 'PATCH', url: `/jobs/${job.id}`, headers: user.headers, payload }))
          .statusCode,
      );
    }
    statuses.push((await inject({ method: 'PATCH', url: `/jobs/${job.id}`, payload })).statusCode);
    expect(statuses).toEqual([404, 403, 403, 401]);
    expect(await readJob(job.id)).toMatchObject({ remoteRegions: ['NL'], commuteRadiusKm: 15 });
  });
});

const PROFILE = {
  name: 'Inês Costa',
  headline: 'QA engineer',
  skills: [{ name: 'Selenium', level: 4 }],
  yearsExperience: 6,
  location: { city: 'Porto', region: null, country: 'PT' },
  remotePreference: 'any',
  desiredSalary: null,
  resumeText: 'Six years of test automation.',
  discoverable: false,
};

const putProfile = (user: TestUser, fields: Record<string, unknown> = {}) =>
  inject({
    method: 'PUT',
    url: '/me/candidate-profile',
    headers: user.headers,
    payload: { ...PROFILE, ...fields },
  });
const readProfile = async (user: TestUser) =>
  (await inject({ method: 'GET', url: '/me/candidate-profile', headers: user.headers })).json();

describe('candidate profile constraints', () => {
  it('stores workAuthorisation upper-cased without duplicates and willingToRelocate, and reads them back', async () => {
    const candidate = await signUp(t, 'candidate');
    const saved = await putProfile(candidate, {
      workAuthorisation: ['pt', 'DE', 'Pt', 'gb'],
      willingToRelocate: true,
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ workAuthorisation: ['PT', 'DE', 'GB'], willingToRelocate: true });
    expect(await readProfile(candidate)).toMatchObject({
      workAuthorisation: ['PT', 'DE', 'GB'],
      willingToRelocate: true,
    });
    // false is an answer, not "not said".
    expect((await putProfile(candidate, { willingToRelocate: false })).json().willingToRelocate).toBe(false);
  });

  it('defaults to no countries and "not said" when left out: a PUT replaces the whole profile', async () => {
    const candidate = await signUp(t, 'candidate');
    const fresh = (await putProfile(candidate)).json();
    expect(fresh).toMatchObject({ workAuthorisation: [], willingToRelocate: null });
    await putProfile(candidate, { workAuthorisation: ['FR'], willingToRelocate: true });
    expect((await putProfile(candidate)).json()).toMatchObject({
      workAuthorisation: [],
      willingToRelocate: null,
    });
    expect((await putProfile(candidate, { willingToRelocate: null })).json().willingToRelocate).toBeNull();
  });

  const tooMany = Array.from({ length: 251 }, () => 'PT');
  it.each([
    [{ workAuthorisation: ['PT', 'XX'] }, '/body/workAuthorisation/1', 'country_code_unknown'],
    [{ workAuthorisation: ['PT', 'EU'] }, '/body/workAuthorisation/1', 'country_code_unknown'],
    [{ workAuthorisation: ['uk'] }, '/body/workAuthorisation/0', 'country_code_unknown'],
    [{ workAuthorisation: ['PRT'] }, '/body/workAuthorisation/0', 'validation_failed'],
    [{ workAuthorisation: ['P1'] }, '/body/workAuthorisation/0', 'validation_failed'],
    [{ workAuthorisation: 'PT' }, '/body/workAuthorisation', 'validation_failed'],
    [{ workAuthorisation: tooMany }, '/body/workAuthorisation', 'validation_failed'],
    [{ willingToRelocate: 'yes' }, '/body/willingToRelocate', 'validation_failed'],
    [{ willingToRelocate: 1 }, '/body/willingToRelocate', 'validation_failed'],
  ])('refuses %j with 400 naming %s and keeps the profile as it was', async (fields, path, code) => {
    const candidate = await signUp(t, 'candidate');
    await putProfile(candidate, { workAuthorisation: ['ES'], willingToRelocate: false });
    const response = await putProfile(candidate, { headline: 'Changed', ...fields });
    expect(response.statusCode).toBe(400);
    expect(paths(response)).toContain(path);
    expect(response.json().code).toBe(code);
    expect(await readProfile(candidate)).toMatchObject({
      headline: 'QA engineer',
      workAuthorisation: ['ES'],
      willingToRelocate: false,
    });
  });

  it('says that a region is not a country, that UK is spelt GB, and which code is unknown', async () => {
    const candidate = await signUp(t, 'candidate');
    const response = await putProfile(candidate, { workAuthorisation: ['eu', 'PT', 'qq', 'UK'] });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      {
        path: '/body/workAuthorisation/0',
        message: expect.stringMatching(/"EU" is a region, not a country/),
      },
      { path: '/body/workAuthorisation/2', message: expect.stringMatching(/unknown country code "QQ"/) },
      { path: '/body/workAuthorisation/3', message: expect.stringMatching(/"UK" .*use GB/) },
    ]);
    expect(
      (await inject({ method: 'GET', url: '/me/candidate-profile', headers: candidate.headers })).statusCode,
    ).toBe(404);
  });

  it("lets no one else change a candidate's constraints: another candidate writes only their own, an employer none", async () => {
    const first = await signUp(t, 'candidate');
    const second = await signUp(t, 'candidate');
    await putProfile(first, { workAuthorisation: ['PT'], willingToRelocate: false });
    await putProfile(second, { workAuthorisation: ['FR', 'BE'], willingToRelocate: true });
    expect(await readProfile(first)).toMatchObject({ workAuthorisation: ['PT'], willingToRelocate: false });
    const employer = await putProfile(owner, { workAuthorisation: ['US'] });
    expect(employer.statusCode).toBe(403);
    expect((await inject({ method: 'PUT', url: '/me/candidate-profile', payload: PROFILE })).statusCode).toBe(
      401,
    );
    expect(await readProfile(first)).toMatchObject({ workAuthorisation: ['PT'], willingToRelocate: false });
  });

  it("shows the employer an applicant's work authorisation and willingness to relocate, not their salary wish", async () => {
    const job = await createJob(t, owner, organisationId, { title: 'Test Automation Engineer' });
    await publishJob(t, owner, job.id as string);
    const applicant = await signUp(t, 'candidate');
    await putProfile(applicant, {
      workAuthorisation: ['PT', 'ES'],
      willingToRelocate: true,
      desiredSalary: { min: 4_000_000, max: 5_000_000, currency: 'EUR', interval: 'YEAR' },
    });
    const applicationId = await apply(t, applicant, job.id as string);
    const shown = await inject({
      method: 'GET',
      url: `/applications/${applicationId}`,
      headers: owner.headers,
    });
    expect(shown.statusCode).toBe(200);
    expect(shown.json().applicant.profile).toMatchObject({
      workAuthorisation: ['PT', 'ES'],
      willingToRelocate: true,
    });
    expect(shown.json().applicant.profile).not.toHaveProperty('desiredSalary');
  });
});

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document as JSON
type Json = any;

describe('/docs', () => {
  let document: Json;
  beforeAll(async () => {
    const response = await inject({ method: 'GET', url: '/docs/openapi.json' });
    expect(response.statusCode).toBe(200);
    document = response.json();
  });

  const resolve = (schema: Json): Json =>
    typeof schema?.$ref === 'string'
      ? resolve(
          schema.$ref
            .replace(/^#\//, '')
            .split('/')
            .reduce((node: Json, key: string) => node?.[key], document),
        )
      : schema;
  const bodyOf = (path: string, method: string) =>
    resolve(document.paths[path][method].requestBody.content['application/json'].schema);
  const answerOf = (path: string, method: string, status = '200') =>
    resolve(document.paths[path][method].responses[status].content['application/json'].schema);

  it.each([
    ['/organisations/{organisationId}/jobs', 'post', ['remoteRegions', 'commuteRadiusKm']],
    ['/jobs/{jobId}', 'patch', ['remoteRegions', 'commuteRadiusKm']],
    ['/me/candidate-profile', 'put', ['workAuthorisation', 'willingToRelocate']],
  ])('%s %s documents %j in the request with a description and examples', (path, method, fields) => {
    const body = bodyOf(path, method);
    for (const field of fields) {
      const text = JSON.stringify(resolve(body.properties[field]));
      expect(text, `${method} ${path} ${field}`).toMatch(/"examples?":/);
      expect(text, `${method} ${path} ${field}`).toMatch(/"description":/);
    }
  });

  it.each([
    ['/jobs/{jobId}', 'get', '200', ['remoteRegions', 'commuteRadiusKm']],
    ['/organisations/{organisationId}/jobs', 'post', '201', ['remoteRegions', 'commuteRadiusKm']],
    ['/me/candidate-profile', 'get', '200', ['workAuthorisation', 'willingToRelocate']],
  ])('%s %s answers %s with the new fields, described, with examples', (path, method, status, fields) => {
    const answer = answerOf(path, method, status);
    for (const field of fields) {
      expect(answer.required).toContain(field);
      const text = JSON.stringify(resolve(answer.properties[field]));
      expect(text, `${method} ${path} ${field}`).toMatch(/"examples?":/);
      expect(text, `${method} ${path} ${field}`).toMatch(/"description":/);
    }
  });

  /** The schemas of every property called `name`, at any depth (through $refs, unions and items). */
  function propertiesNamed(schema: Json, name: string, seen = new Set<unknown>()): Json[] {
    const node = resolve(schema);
    if (node === null || typeof node !== 'object' || seen.has(node)) return [];
    seen.add(node);
    const found: Json[] = node.properties?.[name] ? [resolve(node.properties[name])] : [];
    for (const child of [
      ...Object.values(node.properties ?? {}),
      node.items,
      ...(node.anyOf ?? []),
      ...(node.oneOf ?? []),
      ...(node.allOf ?? []),
    ]) {
      found.push(...propertiesNamed(child, name, seen));
    }
    return found;
  }

  it("documents the new fields in the employer's view of an applicant", () => {
    const answer = answerOf('/applications/{applicationId}', 'get');
    for (const field of ['workAuthorisation', 'willingToRelocate']) {
      const [shown] = propertiesNamed(answer, field);
      expect(shown, field).toBeDefined();
      expect(shown.examples ?? shown.example, field).toBeDefined();
      expect(shown.description, field).toMatch(/\S/);
    }
  });

  it('shows an example for every request body and 2xx answer of the job and profile routes', () => {
    const ours = new Set([
      'GET /jobs',
      'GET /jobs/{jobId}',
      'PATCH /jobs/{jobId}',
      'POST /jobs/{jobId}/publish',
      'POST /jobs/{jobId}/close',
      'GET /organisations/{organisationId}/jobs',
      'POST /organisations/{organisationId}/jobs',
      'GET /me/candidate-profile',
      'PUT /me/candidate-profile',
    ]);
    const missing = operationsWithoutExamples(document, [
      '/jobs',
      '/organisations/',
      '/me/candidate-profile',
    ]);
    expect(missing.filter((entry) => ours.has(entry.split(':')[0] as string))).toEqual([]);
  });
});
