// Quotas hold across instances (run it with DATABASE_URL for PostgreSQL's real concurrency): two app
// instances of one deployment share the database, and however many consumptions, member additions
// and publishes race on both at once, an organisation never ends past its tier's limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildHiringTestApp,
  createJob,
  createOrganisation,
  type HiringTestApp,
  signUp,
  type TestUser,
} from '../support/hiring-client.js';
import { billingOf } from './tier-support.js';

let first: HiringTestApp;
let second: HiringTestApp;
let owner: TestUser;

beforeAll(async () => {
  first = await buildHiringTestApp();
  second = await buildHiringTestApp({}, { peerOf: first });
  owner = await signUp(first, 'employer');
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});

describe('quotas across two instances', () => {
  it('lets exactly the limit through when 40 consumptions race on each instance', async () => {
    const organisationId = await createOrganisation(first, owner, 'Racing Ltd');
    const meters = [billingOf(first).usage, billingOf(second).usage];
    const results = await Promise.all(
      meters.flatMap((meter) =>
        Array.from({ length: 40 }, () => meter.consume(organisationId, 'invitations')),
      ),
    );
    const allowed = results.filter((result) => result.allowed);
    expect(allowed).toHaveLength(25);
    expect(allowed.map((result) => result.used).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 25 }, (_, index) => index + 1),
    );
    for (const refused of results.filter((result) => !result.allowed)) {
      expect(refused).toMatchObject({ used: 25, limit: 25 });
    }
    expect((await meters[1]?.usage(organisationId))?.invitations).toEqual({ used: 25, limit: 25 });
  });

  it('adds no member past the seats when additions race on both instances', async () => {
    const organisationId = await createOrganisation(first, owner, 'Crowded Ltd');
    const candidates = await Promise.all(Array.from({ length: 12 }, () => signUp(first, 'employer')));
    const responses = await Promise.all(
      candidates.map((member, index) =>
        (index % 2 === 0 ? first : second).app.inject({
          method: 'PUT',
          url: `/organisations/${organisationId}/members`,
          headers: owner.headers,
          payload: { email: member.email, role: 'viewer' },
        }),
      ),
    );
    const statuses = responses.map((response) => response.statusCode).sort();
    expect(statuses).toEqual([...Array(2).fill(200), ...Array(10).fill(409)]);
    for (const refused of responses.filter((response) => response.statusCode === 409)) {
      expect(refused.json().code).toBe('seat_quota_reached');
    }
    const listed = await second.app.inject({
      method: 'GET',
      url: `/organisations/${organisationId}/members`,
      headers: owner.headers,
    });
    expect(listed.json().items).toHaveLength(3);
  });

  it('publishes no more jobs than the free tier allows when publishes race on both instances', async () => {
    const organisationId = await createOrganisation(first, owner, 'Publishing Ltd');
    const drafts = await Promise.all(
      Array.from({ length: 8 }, () => createJob(first, owner, organisationId)),
    );
    const responses = await Promise.all(
      drafts.map((draft, index) =>
        (index % 2 === 0 ? first : second).app.inject({
          method: 'POST',
          url: `/jobs/${draft.id}/publish`,
          headers: owner.headers,
        }),
      ),
    );
    expect(responses.filter((response) => response.statusCode === 200)).toHaveLength(3);
    for (const refused of responses.filter((response) => response.statusCode !== 200)) {
      expect(refused.json()).toMatchObject({ status: 409, code: 'job_postings_quota_reached' });
    }
    const status = await second.app.inject({
      method: 'GET',
      url: `/organisations/${organisationId}/billing`,
      headers: owner.headers,
    });
    expect(status.json().usage.job_postings).toEqual({ used: 3, limit: 3 });
  });
});
