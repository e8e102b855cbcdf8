// Each board's real response shape becomes the same NormalizedPosting: the fields a candidate
// sees, salaries in minor units, dates in UTC, and descriptions that cannot run code in a reader's
// browser. Every board is served over real HTTP from the fixture files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NormalizedPosting, runSources, type SourceOutcome } from '../../src/modules/ingestion/index.js';
import { type FixtureServer, fixtureJson, startFixtureServer, testOptions } from './fixture-server.js';

let server: FixtureServer;
let outcomes: SourceOutcome[];

beforeAll(async () => {
  const details = fixtureJson<Record<string, unknown>>('smartrecruiters-details.json');
  server = await startFixtureServer({
    '/v1/boards/northwind/jobs': { file: 'greenhouse-jobs.json' },
    '/v0/postings/acmerobotics': { file: 'lever-postings.json' },
    '/posting-api/job-board/quantumleap': { file: 'ashby-job-board.json' },
    '/v1/companies/Globex1/postings': { file: 'smartrecruiters-postings.json' },
    '/v1/companies/Globex1/postings/*': (url) => {
      const detail = details[url.pathname.split('/').pop() ?? ''];
      return detail ? { body: JSON.stringify(detail) } : { status: 404, body: '{"message":"Not found"}' };
    },
    '/karriere': { file: 'careers-initech.html' },
    '/jobs': { file: 'careers-remote-co.html' },
    '/careers': { file: 'careers-no-jobs.html' },
  });
  outcomes = await runSources(
    [
      { kind: 'greenhouse', boardToken: 'northwind' },
      { kind: 'lever', site: 'acmerobotics' },
      { kind: 'ashby', jobBoardName: 'quantumleap' },
      { kind: 'smartrecruiters', companyIdentifier: 'Globex1' },
      { kind: 'jsonld', url: `${server.origin}/karriere` },
      { kind: 'jsonld', url: `${server.origin}/jobs` },
      { kind: 'jsonld', url: `${server.origin}/careers` },
    ],
    testOptions(server.origin),
  );
});
afterAll(async () => server?.close());

const outcome = (index: number) => outcomes[index] as SourceOutcome;
const posting = (index: number, id: string) =>
  outcome(index).postings.find((candidate) => candidate.sourceJobId === id) as NormalizedPosting;

function expectSafe(html: string): void {
  expect(html).not.toMatch(/<script|<style|<iframe|<object|<img/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/javascript:/i);
}

describe('Greenhouse', () => {
  it('reads every job of the board, with the HTML-escaped content unescaped and sanitised', () => {
    expect(outcome(0)).toMatchObject({ status: 'ok', message: null, fetched: 3 });
    const job = posting(0, '4012345');
    expect(job).toMatchObject({
      source: 'greenhouse',
      title: 'Senior Backend Engineer',
      company: 'Northwind Labs',
      location: { city: 'San Francisco', region: 'CA', country: 'US' },
      workplaceType: null,
      employmentType: 'FULL_TIME',
      salary: null,
      postedAt: '2024-05-02T13:30:00.000Z',
      validThrough: null,
      url: 'https://boards.greenhouse.io/northwind/jobs/4012345?gh_src=linkedin#app',
      canonicalUrl: 'https://boards.greenhouse.io/northwind/jobs/4012345',
    });
    expect(job.descriptionHtml).toContain('<h2>About the role</h2>');
    expect(job.descriptionHtml).toContain(
      '<a href="https://northwind.example/handbook" rel="nofollow noopener noreferrer">our handbook</a>',
    );
    expectSafe(job.descriptionHtml);
    expect(job.descriptionText).toContain('You will own our billing APIs & ledgers, from schema to on-call.');
    expect(job.descriptionText).not.toMatch(/document\.cookie|display:none|&amp;|&lt;/);
  });

  it('tells remote work and the country from "Remote - US", and a country from the office', () => {
    expect(posting(0, '4012399')).toMatchObject({
      workplaceType: 'remote',
      location: { city: null, region: null, country: 'US' },
      employmentType: null,
      postedAt: '2024-05-18T14:00:00.000Z',
    });
    expect(posting(0, '4012401')).toMatchObject({
      location: { city: 'Berlin', region: null, country: 'DE' },
      employmentType: 'PART_TIME',
      postedAt: '2024-05-21T06:00:00.000Z',
    });
    expect(posting(0, '4012401').descriptionText).toBe(
      'Du analysierst Zahlungsdaten für unser Team in Berlin. Wir bieten 30 Tage Urlaub & ein BVG-Ticket.',
    );
  });
});

describe('Lever', () => {
  it('reads salary ranges in minor units for yearly, hourly and zero-decimal currencies', () => {
    expect(outcome(1)).toMatchObject({ status: 'ok', fetched: 3 });
    expect(posting(1, '5ac21346-8e0c-4494-8e7a-3eb92ff77902')).toMatchObject({
      title: 'Sr. Controls Engineer',
      company: 'acmerobotics',
      location: { city: 'Boston', region: 'MA', country: 'US' },
      workplaceType: 'hybrid',
      employmentType: 'FULL_TIME',
      salary: { min: 15_000_000, max: 18_500_000, currency: 'USD', interval: 'YEAR' },
      postedAt: '2024-05-03T13:20:00.000Z',
    });
    expect(posting(1, '9d1b2c3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d')).toMatchObject({
      location: { city: 'Amsterdam', region: null, country: 'NL' },
      workplaceType: 'remote',
      employmentType: 'CONTRACTOR',
      salary: { min: 4_550, max: 6_000, currency: 'EUR', interval: 'HOUR' },
    });
    expect(posting(1, '0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f')).toMatchObject({
      location: { city: 'Tokyo', region: null, country: 'JP' },
      workplaceType: 'on_site',
      employmentType: 'INTERN',
      salary: { min: 250_000, max: 250_000, currency: 'JPY', interval: 'MONTH' },
    });
  });

  it('joins the opening, the titled lists and the closing, escaping list titles', () => {
    const job = posting(1, '5ac21346-8e0c-4494-8e7a-3eb92ff77902');
    expect(job.descriptionHtml).toContain(
      '<h3>Requirements &lt;3</h3><ul><li>C++ &amp; Rust</li><li>Control theory</li></ul>',
    );
    expectSafe(job.descriptionHtml);
    expect(job.descriptionText).toBe(
      "About us We build the robots that pick your parcels. What you'll do Tune motion controllers for 400 robots " +
        'Ship firmware weekly Requirements <3 C++ & Rust Control theory Acme Robotics is an equal opportunity employer.',
    );
  });
});

describe('Ashby', () => {
  it('takes the salary band across compensation tiers and leaves out unlisted jobs', () => {
    expect(outcome(2)).toMatchObject({ status: 'ok', fetched: 3 });
    expect(outcome(2).postings.map((job) => job.title)).not.toContain(
      'Internal Transfer: Research Scientist',
    );
    const job = posting(2, '4c9f3d2e-8a71-4b9e-a5d3-0f1e2d3c4b5a');
    expect(job).toMatchObject({
      title: 'Staff Machine Learning Engineer',
      location: { city: 'New York', region: 'New York', country: 'US' },
      workplaceType: 'hybrid',
      employmentType: 'FULL_TIME',
      salary: { min: 21_000_000, max: 26_000_000, currency: 'USD', interval: 'YEAR' },
      postedAt: '2024-04-22T15:04:05.123Z',
    });
    expectSafe(job.descriptionHtml);
    expect(job.descriptionText).toBe(
      'Train the models behind our quantum error correction research. Benefits: 401(k) & health.',
    );
  });

  it('reads remote jobs, other currencies and jobs without published pay', () => {
    expect(posting(2, '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918')).toMatchObject({
      workplaceType: 'remote',
      location: { city: null, country: 'GB' },
      salary: { min: 6_500_000, max: 8_000_000, currency: 'GBP', interval: 'YEAR' },
    });
    expect(posting(2, '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a')).toMatchObject({
      workplaceType: 'on_site',
      employmentType: 'CONTRACTOR',
      location: { city: 'Toronto', region: 'Ontario', country: 'CA' },
      salary: null,
    });
  });
});

describe('SmartRecruiters', () => {
  it('joins list and detail; a posting withdrawn before its detail is counted but not kept', () => {
    expect(outcome(3)).toMatchObject({
      status: 'ok',
      fetched: 3,
      message: '1 of 3 postings could not be read',
    });
    expect(outcome(3).postings).toHaveLength(2);
    const job = posting(3, '744000012345678');
    expect(job).toMatchObject({
      title: 'Logistics Coordinator',
      company: 'Globex Corporation',
      location: { city: 'Toronto', region: 'ON', country: 'CA' },
      workplaceType: 'hybrid',
      employmentType: 'FULL_TIME',
      postedAt: '2024-05-06T08:15:22.123Z',
      url: 'https://jobs.smartrecruiters.com/Globex1/744000012345678-logistics-coordinator',
    });
    expect(job.descriptionHtml).toMatch(/^<h3>Company Description<\/h3><p>Globex moves freight/);
    expectSafe(job.descriptionHtml);
    expect(posting(3, '744000012345699')).toMatchObject({
      location: { city: 'Lyon', region: 'Auvergne-Rhône-Alpes', country: 'FR' },
      workplaceType: 'on_site',
      employmentType: 'PART_TIME',
    });
    expectSafe(posting(3, '744000012345699').descriptionHtml);
  });
});

describe('JSON-LD careers pages', () => {
  it('reads JobPostings from an @graph with MonetaryAmount salaries and escaped descriptions', () => {
    expect(outcome(4)).toMatchObject({ status: 'ok', fetched: 2 });
    const job = posting(4, 'IT-2024-031');
    expect(job).toMatchObject({
      source: 'jsonld',
      title: 'Senior Frontend Engineer (m/w/d)',
      company: 'Initech GmbH',
      location: { city: 'München', region: 'Bayern', country: 'DE' },
      employmentType: 'FULL_TIME',
      salary: { min: 7_200_000, max: 9_000_000, currency: 'EUR', interval: 'YEAR' },
      postedAt: '2024-05-03T00:00:00.000Z',
      validThrough: '2024-07-31T21:59:59.000Z',
      canonicalUrl: 'https://careers.initech.example/jobs/senior-frontend-engineer',
    });
    expect(job.descriptionHtml).toBe(
      '<p>Du baust unsere Kundenportale mit React &amp; TypeScript.</p><p>30 Tage Urlaub.</p>',
    );
    expect(job.descriptionText).toBe('Du baust unsere Kundenportale mit React & TypeScript. 30 Tage Urlaub.');
  });

  it('resolves relative URLs against the page and reads single-value hourly pay', () => {
    const job = posting(4, 'IT-2024-044');
    expect(job).toMatchObject({
      url: `${server.origin}/jobs/werkstudent-marketing#bewerben`,
      canonicalUrl: `${server.origin}/jobs/werkstudent-marketing`,
      location: { city: 'Hamburg', region: null, country: 'DE' },
      employmentType: 'PART_TIME',
      salary: { min: 1_650, max: 1_650, currency: 'EUR', interval: 'HOUR' },
      postedAt: '2024-05-10T09:00:00.000Z',
    });
    expectSafe(job.descriptionHtml);
  });

  it('skips a broken block, reads a top-level array, and keeps URL-less postings apart', () => {
    expect(outcome(5)).toMatchObject({ status: 'ok', fetched: 2, message: null });
    const [remote, austin] = outcome(5).postings as [NormalizedPosting, NormalizedPosting];
    expect(remote).toMatchObject({
      company: 'Remote Co, Inc.',
      location: { city: null, region: null, country: 'US' },
      workplaceType: 'remote',
      employmentType: 'CONTRACTOR',
      salary: { min: 5_500, max: 7_000, currency: 'USD', interval: 'HOUR' },
      descriptionText: 'Answer tickets from developers all over the world.',
    });
    expect(austin).toMatchObject({
      location: { city: 'Austin', region: 'TX', country: 'US' },
      workplaceType: null,
    });
    expect(remote.canonicalUrl).not.toBe(austin.canonicalUrl);
    expect(remote.sourceJobId).not.toBe(austin.sourceJobId);
    expect(austin.url).toBe(`${server.origin}/jobs#support-engineer-austin`);
  });

  it('reports a careers page without JobPostings as empty', () => {
    expect(outcome(6)).toMatchObject({ status: 'empty', fetched: 0, postings: [], message: null });
  });
});
