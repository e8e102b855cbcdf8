// A remote job fits anyone's place; on-site and hybrid jobs need the candidate nearby; the
// candidate's own preference always counts.
import { describe, expect, it } from 'vitest';
import type { MatchCandidate, MatchJob } from '../../src/modules/matching/index.js';
import { candidate, job, matchOne, nowhere } from './builders.js';

const berlin = { city: 'Berlin', region: 'Berlin', country: 'DE' };
const munich = { city: 'München', region: 'Bavaria', country: 'DE' };
const lisbon = { city: 'Lisbon', region: 'Lisbon', country: 'PT' };

const fit = (
  workplaceType: MatchJob['workplaceType'],
  where: MatchJob['location'],
  who: Partial<MatchCandidate>,
) => matchOne(job({ workplaceType, location: where }), candidate(who)).components.location;

describe('location fit', () => {
  it('a remote job fits a candidate anywhere', () => {
    expect(fit('remote', berlin, { location: lisbon })).toBe(1);
    expect(fit('remote', nowhere, { location: nowhere, remotePreference: 'remote' })).toBe(1);
  });

  it('an on-site job gives decreasing credit from same city to same region to same country', () => {
    expect(fit('on_site', berlin, { location: { city: 'berlin', region: 'BERLIN', country: 'DE' } })).toBe(1);
    expect(fit('on_site', berlin, { location: { city: 'Potsdam', region: 'Berlin', country: 'DE' } })).toBe(
      0.6,
    );
    expect(fit('on_site', berlin, { location: munich })).toBe(0.3);
    expect(fit('on_site', berlin, { location: lisbon })).toBe(0);
  });

  it('compares place names without case or diacritics', () => {
    expect(fit('on_site', munich, { location: { city: 'Munchen', region: 'bavaria', country: 'DE' } })).toBe(
      1,
    );
  });

  it('a job that only names a country or region is met by anyone there', () => {
    expect(fit('on_site', { city: null, region: null, country: 'DE' }, { location: munich })).toBe(1);
    expect(fit('hybrid', { city: null, region: 'Bavaria', country: 'DE' }, { location: munich })).toBe(1);
  });

  it('same-named cities in different regions or countries are different places', () => {
    const portlandOregon = { city: 'Portland', region: 'OR', country: 'US' };
    expect(
      fit('on_site', portlandOregon, { location: { city: 'Portland', region: 'ME', country: 'US' } }),
    ).toBe(0.3);
    expect(
      fit(
        'on_site',
        { city: 'London', region: null, country: 'GB' },
        { location: { city: 'London', region: 'ON', country: 'CA' } },
      ),
    ).toBe(0);
  });

  it('cannot tell (0.5) when either place is unknown', () => {
    expect(fit('on_site', berlin, { location: nowhere })).toBe(0.5);
    expect(fit('on_site', nowhere, { location: berlin })).toBe(0.5);
  });

  it('respects the candidate preference', () => {
    expect(fit('on_site', berlin, { location: berlin, remotePreference: 'remote' })).toBe(0.2);
    expect(fit('hybrid', berlin, { location: berlin, remotePreference: 'remote' })).toBe(0.4);
    expect(fit('remote', berlin, { location: berlin, remotePreference: 'on_site' })).toBe(0.6);
    expect(
      fit('on_site', berlin, {
        location: { city: 'Potsdam', region: 'Berlin', country: 'DE' },
        remotePreference: 'hybrid',
      }),
    ).toBe(0.42);
    expect(fit('hybrid', berlin, { location: berlin, remotePreference: 'any' })).toBe(1);
  });

  it('reads an unknown workplace type as on-site', () => {
    expect(fit(null, berlin, { location: munich })).toBe(fit('on_site', berlin, { location: munich }));
    expect(fit(null, berlin, { location: berlin, remotePreference: 'remote' })).toBe(0.2);
  });
});
