// The field rules every adapter shares, on the awkward inputs boards really send: URLs that differ
// only by tracking, currencies with 0 or 3 decimals, dates without a zone, places written many ways,
// and markup written to slip past a sanitiser.
import { describe, expect, it } from 'vitest';
import { sanitizeDescription } from '../../src/modules/ingestion/html.js';
import { parseLocation } from '../../src/modules/ingestion/location.js';
import { canonicalUrl, employmentType, isoDate, salary } from '../../src/modules/ingestion/normalise.js';

describe('canonical URLs', () => {
  it('drop tracking parameters, fragments and trailing slashes, lower-case the host and sort the query', () => {
    expect(
      canonicalUrl(
        'https://Careers.Example.COM/jobs/42/?utm_source=x&b=2&gclid=abc&a=1&fbclid=y&gh_src=z&lever-source=li&ref=feed&source=aggregator#apply',
      ),
    ).toBe('https://careers.example.com/jobs/42?a=1&b=2');
  });

  it('keep the parameters that identify a job', () => {
    expect(canonicalUrl('https://example.com/careers?gh_jid=123&lang=en')).toBe(
      'https://example.com/careers?gh_jid=123&lang=en',
    );
  });
});

describe('salaries', () => {
  it('are integers in each currency’s minor unit', () => {
    expect(salary(85000.5, 95000, 'usd', 'per-year-salary')).toEqual({
      min: 8_500_050,
      max: 9_500_000,
      currency: 'USD',
      interval: 'YEAR',
    });
    expect(salary(300000, null, 'JPY', 'MONTH')).toEqual({
      min: 300_000,
      max: null,
      currency: 'JPY',
      interval: 'MONTH',
    });
    expect(salary('1,250.125', '1500', 'BHD', '1 WEEK')).toEqual({
      min: 1_250_125,
      max: 1_500_000,
      currency: 'BHD',
      interval: 'WEEK',
    });
  });

  it('are left out when the currency, the interval or both bounds are unknown, and put in order', () => {
    expect(salary(50, 60, 'dollars', 'HOUR')).toBeNull();
    expect(salary(50, 60, 'USD', 'one-time')).toBeNull();
    expect(salary(null, 'n/a', 'USD', 'HOUR')).toBeNull();
    expect(salary(70, 50, 'USD', 'per-hour-wage')).toMatchObject({ min: 5_000, max: 7_000 });
  });
});

describe('dates', () => {
  it('are ISO 8601 UTC with Z, whatever zone or form they came in', () => {
    expect(isoDate('2024-05-02T09:30:00-04:00')).toBe('2024-05-02T13:30:00.000Z');
    expect(isoDate('2024-05-10T09:00:00')).toBe('2024-05-10T09:00:00.000Z');
    expect(isoDate('2024-05-03')).toBe('2024-05-03T00:00:00.000Z');
    expect(isoDate(1714742400000)).toBe('2024-05-03T13:20:00.000Z');
    expect(isoDate('next week')).toBeNull();
  });
});

describe('employment types', () => {
  it('map board labels onto schema.org values', () => {
    expect(
      [
        'Full-time',
        'FullTime',
        'permanent',
        'Part-time',
        'Contract',
        'Intern',
        'Temporary',
        'Volunteer',
        'Per diem',
      ].map((label) => employmentType(label)),
    ).toEqual([
      'FULL_TIME',
      'FULL_TIME',
      'FULL_TIME',
      'PART_TIME',
      'CONTRACTOR',
      'INTERN',
      'TEMPORARY',
      'VOLUNTEER',
      'PER_DIEM',
    ]);
    expect(employmentType('International Rotation')).toBe('OTHER');
    expect(employmentType(['', null])).toBeNull();
  });
});

describe('locations', () => {
  it('read city, region and an ISO country from free text', () => {
    expect(parseLocation('San Francisco, CA')).toEqual({
      city: 'San Francisco',
      region: 'CA',
      country: 'US',
    });
    expect(parseLocation('Vancouver, BC, Canada')).toEqual({
      city: 'Vancouver',
      region: 'BC',
      country: 'CA',
    });
    expect(parseLocation('London, England, United Kingdom')).toEqual({
      city: 'London',
      region: 'England',
      country: 'GB',
    });
    expect(parseLocation('Hybrid - São Paulo, Brasil')).toEqual({
      city: 'São Paulo',
      region: null,
      country: 'BR',
    });
    expect(parseLocation('Remote (Germany)')).toEqual({ city: null, region: null, country: 'DE' });
    expect(parseLocation('Dublin, Ireland; Remote, UK')).toEqual({
      city: 'Dublin',
      region: null,
      country: 'IE',
    });
    expect(parseLocation('Springfield')).toEqual({ city: 'Springfield', region: null, country: null });
  });
});

describe('sanitising', () => {
  it('removes every way of running script that boards have been seen to carry', () => {
    const html = sanitizeDescription(
      [
        '<p>Fine</p>',
        '<a href="JaVaScRiPt:alert(1)">a</a>',
        '<a href="&#106;avascript:alert(2)">b</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">c</a>',
        '<svg onload="alert(3)"><circle/></svg>',
        '<p style="background:url(javascript:alert(4))" onmouseover="alert(5)">d</p>',
        '<scr<script>ipt>alert(6)</script>',
        '<form action="https://evil.example"><input name="card"></form>',
      ].join(''),
    );
    expect(html).not.toMatch(/javascript|data:|<svg|onload|onmouseover|style=|<form|<input|<script/i);
    expect(html).toContain('<p>Fine</p>');
  });
});
