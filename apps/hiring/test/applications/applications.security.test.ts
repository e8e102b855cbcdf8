// Who may see and change applications: a candidate only their own (and never the employer's notes,
// ratings or reasons), an employer only their organisation's, where outsiders get the same 404 as
// for something that does not exist, and a viewer reads but never moves or notes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  type HiringTestApp,
  publishedJobSetup,
  type Response,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { act, apply, buildHiringTestApp, inject, moveTo } from './support.js';

let t: HiringTestApp;
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let alice: TestUser;
let bob: TestUser;
let organisationId: string;
let jobId: string;
let application: string;

const MISSING = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  t = await buildHiringTestApp();
  ({ employer: owner, organisationId, jobId } = await publishedJobSetup(t));
  viewer = await signUp(t, 'employer');
  await addMember(t, owner, organisationId, viewer, 'viewer');
  // An owner of another organisation with its own job: a member of *an* organisation, not this one.
  ({ employer: outsider } = await publishedJobSetup(t));
  alice = await signUp(t, 'candidate');
  bob = await signUp(t, 'candidate');
  application = await apply(t, alice, jobId, 'Hello');
  await inject(t, {
    method: 'POST',
    url: `/applications/${application}/notes`,
    headers: owner.headers,
    payload: { body: 'Internal: salary expectations too high', rating: 2 },
  });
  await moveTo(t, owner, application, 'rejected', 'Internal: over budget');
});
afterAll(async () => t?.close());

/** Every employer route, aimed at this organisation's resources (or at ids that do not exist). */
function employerRequests(ids: { organisationId: string; jobId: string; application: string }) {
  return [
    { method: 'GET', url: `/organisations/${ids.organisationId}/pipeline-stages` },
    {
      method: 'PUT',
      url: `/organisations/${ids.organisationId}/pipeline-stages`,
      payload: {
        stages: [
          { key: 'new', name: 'New', outcome: 'open' },
          { key: 'hired', name: 'Hired', outcome: 'hired' },
          { key: 'rejected', name: 'Rejected', outcome: 'rejected' },
        ],
      },
    },
    { method: 'GET', url: `/jobs/${ids.jobId}/applications` },
    { method: 'GET', url: `/applications/${ids.application}` },
    { method: 'POST', url: `/applications/${ids.application}/stage`, payload: { stageKey: 'hired' } },
    { method: 'POST', url: `/applications/${ids.application}/notes`, payload: { body: 'x', rating: 5 } },
  ] as const;
}

const send = (
  user: TestUser | undefined,
  request: ReturnType<typeof employerRequests>[number],
): Promise<Response> => inject(t, { ...request, ...(user && { headers: user.headers }) });

describe('another organisation', () => {
  it('gets the same 404 on every employer route as for things that do not exist', async () => {
    const real = employerRequests({ organisationId, jobId, application });
    const missing = employerRequests({ organisationId: MISSING, jobId: MISSING, application: MISSING });
    for (const [index, request] of real.entries()) {
      const response = await send(outsider, request);
      const nothing = await send(outsider, missing[index] as (typeof missing)[number]);
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(404);
      expect(response.json().code).toBe(nothing.json().code);
      expect(response.json().detail).toBe(nothing.json().detail);
    }
    // And nothing changed: the application is still where the owner left it, with one note.
    const detail = await inject(t, {
      method: 'GET',
      url: `/applications/${application}`,
      headers: owner.headers,
    });
    expect(detail.json()).toMatchObject({ stage: { key: 'rejected' }, ratingsCount: 1 });
    expect(detail.json().notes).toHaveLength(1);
  });
});

describe('a viewer', () => {
  it('reads the pipeline, the applications and the notes', async () => {
    for (const request of employerRequests({ organisationId, jobId, application }).filter(
      (r) => r.method === 'GET',
    )) {
      expect((await send(viewer, request)).statusCode, request.url).toBe(200);
    }
    const detail = await inject(t, {
      method: 'GET',
      url: `/applications/${application}`,
      headers: viewer.headers,
    });
    expect(detail.json().notes).toHaveLength(1);
  });

  it('cannot move, note or change the pipeline (403), and nothing changes', async () => {
    for (const request of employerRequests({ organisationId, jobId, application }).filter(
      (r) => r.method !== 'GET',
    )) {
      const response = await send(viewer, request);
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(403);
      expect(response.json().code).toBe('organisation_role_insufficient');
    }
    const detail = await inject(t, {
      method: 'GET',
      url: `/applications/${application}`,
      headers: owner.headers,
    });
    expect(detail.json()).toMatchObject({ stage: { key: 'rejected' }, ratingsCount: 1 });
  });
});

describe('candidates', () => {
  it('see their own application and its stages, but no notes, ratings, reasons or who moved it', async () => {
    const response = await inject(t, {
      method: 'GET',
      url: `/applications/${application}`,
      headers: alice.headers,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ id: application, status: 'rejected', coverNote: 'Hello' });
    expect(body.history.map((stint: { stage: { key: string } }) => stint.stage.key)).toEqual([
      'applied',
      'rejected',
    ]);
    for (const hidden of ['notes', 'averageRating', 'ratingsCount', 'rejectionReason'])
      expect(body).not.toHaveProperty(hidden);
    for (const stint of body.history) {
      expect(stint).not.toHaveProperty('movedBy');
      expect(stint).not.toHaveProperty('reason');
    }
    expect(response.body).not.toContain('Internal');
  });

  it("cannot see another candidate's application (404, as if it did not exist)", async () => {
    const response = await inject(t, {
      method: 'GET',
      url: `/applications/${application}`,
      headers: bob.headers,
    });
    const missing = await inject(t, { method: 'GET', url: `/applications/${MISSING}`, headers: bob.headers });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: missing.json().code, detail: missing.json().detail });
    const mine = await inject(t, { method: 'GET', url: '/me/applications', headers: bob.headers });
    expect(mine.json().items).toEqual([]);
  });

  it("act only for themselves: another candidate's apply makes their own application", async () => {
    const response = await act(t, bob, jobId, 'apply');
    expect(response.statusCode).toBe(201);
    expect(response.json().application.id).not.toBe(application);
    const alices = await inject(t, { method: 'GET', url: '/me/applications', headers: alice.headers });
    expect(alices.json().items.map((item: { id: string }) => item.id)).toEqual([application]);
  });

  it('cannot use any employer route (403), even on their own application', async () => {
    for (const request of employerRequests({ organisationId, jobId, application })) {
      if (request.url === `/applications/${application}`) continue;
      const response = await send(alice, request);
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(403);
    }
  });
});

describe('anonymous callers', () => {
  it('get 401 on every route', async () => {
    const requests = [
      ...employerRequests({ organisationId, jobId, application }),
      { method: 'POST', url: `/jobs/${jobId}/actions`, payload: { action: 'save' } },
      { method: 'POST', url: '/job-action', payload: { jobId, action: 'save' } },
      { method: 'GET', url: '/me/saved-jobs' },
      { method: 'GET', url: '/me/applications' },
    ] as const;
    for (const request of requests) {
      expect((await inject(t, request)).statusCode, `${request.method} ${request.url}`).toBe(401);
    }
  });
});
