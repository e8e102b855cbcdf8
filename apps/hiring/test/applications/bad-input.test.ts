// Bad input on every job-action and pipeline route is a 400 that names the offending field, never a
// 500 and never a partial change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HiringTestApp, publishedJobSetup, signUp, type TestUser } from '../support/hiring-client.js';
import { apply, buildHiringTestApp, inject } from './support.js';

let t: HiringTestApp;
let owner: TestUser;
let candidate: TestUser;
let organisationId: string;
let jobId: string;
let application: string;

beforeAll(async () => {
  t = await buildHiringTestApp();
  ({ employer: owner, organisationId, jobId } = await publishedJobSetup(t));
  candidate = await signUp(t, 'candidate');
  application = await apply(t, candidate, jobId);
});
afterAll(async () => t?.close());

interface Case {
  name: string;
  as: () => TestUser;
  method: 'GET' | 'POST' | 'PUT';
  url: () => string;
  payload?: Record<string, unknown>;
  path: string;
}

const MISSING = '00000000-0000-4000-8000-000000000000';
/** Well-formed like a real cursor, but at a date PostgreSQL cannot store. */
const outOfRangeCursor = Buffer.from(JSON.stringify(['-271821-04-20T00:00:00.000Z', MISSING])).toString(
  'base64url',
);
const long = (length: number) => 'x'.repeat(length);
const stage = (overrides: Record<string, unknown>) => ({
  key: 'new',
  name: 'New',
  outcome: 'open',
  ...overrides,
});
const validStages = [
  stage({}),
  stage({ key: 'hired', outcome: 'hired' }),
  stage({ key: 'no', outcome: 'rejected' }),
];

const cases: Case[] = [
  // POST /jobs/:jobId/actions
  {
    name: 'job id not a uuid',
    as: () => candidate,
    method: 'POST',
    url: () => '/jobs/42/actions',
    payload: { action: 'save' },
    path: '/params/jobId',
  },
  {
    name: 'unknown action',
    as: () => candidate,
    method: 'POST',
    url: () => `/jobs/${jobId}/actions`,
    payload: { action: 'explode' },
    path: '/body/action',
  },
  {
    name: 'missing action',
    as: () => candidate,
    method: 'POST',
    url: () => `/jobs/${jobId}/actions`,
    payload: {},
    path: '/body/action',
  },
  {
    name: 'cover note too long',
    as: () => candidate,
    method: 'POST',
    url: () => `/jobs/${jobId}/actions`,
    payload: { action: 'apply', coverNote: long(5001) },
    path: '/body/coverNote',
  },
  {
    name: 'cover note with save',
    as: () => candidate,
    method: 'POST',
    url: () => `/jobs/${jobId}/actions`,
    payload: { action: 'save', coverNote: 'hi' },
    path: '/body/coverNote',
  },
  {
    name: 'unknown property',
    as: () => candidate,
    method: 'POST',
    url: () => `/jobs/${jobId}/actions`,
    payload: { action: 'save', candidateId: MISSING },
    path: '/body/candidateId',
  },
  // POST /job-action
  {
    name: 'alias without job id',
    as: () => candidate,
    method: 'POST',
    url: () => '/job-action',
    payload: { action: 'save' },
    path: '/body/jobId',
  },
  {
    name: 'alias job id not a uuid',
    as: () => candidate,
    method: 'POST',
    url: () => '/job-action',
    payload: { jobId: '1 OR 1=1', action: 'save' },
    path: '/body/jobId',
  },
  {
    name: 'alias cover note an object',
    as: () => candidate,
    method: 'POST',
    url: () => '/job-action',
    payload: { jobId: MISSING, action: 'apply', coverNote: { text: 'hi' } },
    path: '/body/coverNote',
  },
  // GET /me/saved-jobs, /me/applications
  {
    name: 'limit zero',
    as: () => candidate,
    method: 'GET',
    url: () => '/me/saved-jobs?limit=0',
    path: '/querystring/limit',
  },
  {
    name: 'limit too big',
    as: () => candidate,
    method: 'GET',
    url: () => '/me/applications?limit=1000',
    path: '/querystring/limit',
  },
  {
    name: 'empty cursor',
    as: () => candidate,
    method: 'GET',
    url: () => '/me/applications?cursor=',
    path: '/querystring/cursor',
  },
  {
    name: 'cursor at an impossible date',
    as: () => candidate,
    method: 'GET',
    url: () => `/me/saved-jobs?cursor=${outOfRangeCursor}`,
    path: '/querystring/cursor',
  },
  // pipeline stages
  {
    name: 'organisation id not a uuid',
    as: () => owner,
    method: 'GET',
    url: () => '/organisations/acme/pipeline-stages',
    path: '/params/organisationId',
  },
  {
    name: 'too few stages',
    as: () => owner,
    method: 'PUT',
    url: () => `/organisations/${organisationId}/pipeline-stages`,
    payload: { stages: [stage({})] },
    path: '/body/stages',
  },
  {
    name: 'stage key with spaces',
    as: () => owner,
    method: 'PUT',
    url: () => `/organisations/${organisationId}/pipeline-stages`,
    payload: { stages: [stage({ key: 'Bad Key' }), ...validStages.slice(1)] },
    path: '/body/stages/0/key',
  },
  {
    name: 'stage name too long',
    as: () => owner,
    method: 'PUT',
    url: () => `/organisations/${organisationId}/pipeline-stages`,
    payload: {
      stages: [...validStages.slice(0, 2), stage({ key: 'no', outcome: 'rejected', name: long(81) })],
    },
    path: '/body/stages/2/name',
  },
  {
    name: 'blank stage name',
    as: () => owner,
    method: 'PUT',
    url: () => `/organisations/${organisationId}/pipeline-stages`,
    payload: { stages: [stage({ name: '  ' }), ...validStages.slice(1)] },
    path: '/body/stages/0/name',
  },
  {
    name: 'unknown outcome',
    as: () => owner,
    method: 'PUT',
    url: () => `/organisations/${organisationId}/pipeline-stages`,
    payload: { stages: [stage({ outcome: 'maybe' }), ...validStages.slice(1)] },
    path: '/body/stages/0/outcome',
  },
  {
    name: 'extra stage property',
    as: () => owner,
    method: 'PUT',
    url: () => `/organisations/${organisationId}/pipeline-stages`,
    payload: { stages: [stage({ id: 'x' }), ...validStages.slice(1)] },
    path: '/body/stages/0/id',
  },
  // job applications
  {
    name: 'stage filter not a key',
    as: () => owner,
    method: 'GET',
    url: () => `/jobs/${jobId}/applications?stage=DROP%20TABLE`,
    path: '/querystring/stage',
  },
  {
    name: 'limit not a number',
    as: () => owner,
    method: 'GET',
    url: () => `/jobs/${jobId}/applications?limit=ten`,
    path: '/querystring/limit',
  },
  {
    name: 'forged cursor',
    as: () => owner,
    method: 'GET',
    url: () => `/jobs/${jobId}/applications?cursor=eyJ4IjoxfQ`,
    path: '/querystring/cursor',
  },
  // one application
  {
    name: 'application id not a uuid',
    as: () => owner,
    method: 'GET',
    url: () => '/applications/..%2F..%2Fetc',
    path: '/params/applicationId',
  },
  {
    name: 'missing stage key',
    as: () => owner,
    method: 'POST',
    url: () => `/applications/${application}/stage`,
    payload: {},
    path: '/body/stageKey',
  },
  {
    name: 'blank reason',
    as: () => owner,
    method: 'POST',
    url: () => `/applications/${application}/stage`,
    payload: { stageKey: 'rejected', reason: '   ' },
    path: '/body/reason',
  },
  {
    name: 'reason too long',
    as: () => owner,
    method: 'POST',
    url: () => `/applications/${application}/stage`,
    payload: { stageKey: 'rejected', reason: long(2001) },
    path: '/body/reason',
  },
  {
    name: 'rating above 5',
    as: () => owner,
    method: 'POST',
    url: () => `/applications/${application}/notes`,
    payload: { body: 'ok', rating: 6 },
    path: '/body/rating',
  },
  {
    name: 'fractional rating',
    as: () => owner,
    method: 'POST',
    url: () => `/applications/${application}/notes`,
    payload: { body: 'ok', rating: 2.5 },
    path: '/body/rating',
  },
  {
    name: 'empty note',
    as: () => owner,
    method: 'POST',
    url: () => `/applications/${application}/notes`,
    payload: { body: '' },
    path: '/body/body',
  },
  {
    name: 'note too long',
    as: () => owner,
    method: 'POST',
    url: () => `/applications/${application}/notes`,
    payload: { body: long(5001) },
    path: '/body/body',
  },
];

describe('bad input', () => {
  it.each(cases)('$method $name -> 400 naming $path', async (testCase) => {
    const response = await inject(t, {
      method: testCase.method,
      url: testCase.url(),
      headers: testCase.as().headers,
      ...(testCase.payload && { payload: testCase.payload }),
    });
    expect(response.statusCode).toBe(400);
    const paths = (response.json().errors ?? []).map((error: { path: string }) => error.path);
    expect(paths).toContain(testCase.path);
  });

  it('refuses a NUL character in a cover note or a note before validation (body_nul_character)', async () => {
    const requests = [
      { url: `/jobs/${jobId}/actions`, as: candidate, payload: { action: 'apply', coverNote: 'a\u0000b' } },
      { url: `/applications/${application}/notes`, as: owner, payload: { body: 'fine\u0000' } },
    ];
    for (const request of requests) {
      const response = await inject(t, {
        method: 'POST',
        url: request.url,
        headers: request.as.headers,
        payload: request.payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('body_nul_character');
    }
  });

  it('left the application and the pipeline as they were', async () => {
    const detail = await inject(t, {
      method: 'GET',
      url: `/applications/${application}`,
      headers: owner.headers,
    });
    expect(detail.json()).toMatchObject({
      stage: { key: 'applied' },
      notes: [],
      history: [{ stage: { key: 'applied' } }],
    });
    const stages = await inject(t, {
      method: 'GET',
      url: `/organisations/${organisationId}/pipeline-stages`,
      headers: owner.headers,
    });
    expect(stages.json().items).toHaveLength(6);
  });
});
