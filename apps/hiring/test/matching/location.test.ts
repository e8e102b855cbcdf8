// Location fit as a recruiter reads it: a remote job fits anyone where the job allows remote work;
// an on-site or hybrid job needs the candidate within commuting distance, or moving there; the
// candidate's own preference always counts; breaking a hard constraint (remote-only for an office
// job, living outside a remote job's countries, too far and unwilling to move, not allowed to work
// in the job's country) is reported with its reason. Places are real and resolved by the gazetteer.
import { describe, expect, it } from 'vitest';
import type { MatchCandidate, MatchJob } from '../../src/modules/matching/index.js';
import { candidateLocation, jobLocation, locationFit } from '../../src/modules/matching/location.js';
import { candidate, job, nowhere } from './builders.js';

const city = (name: string, country: string | null = null) => ({ city: name, region: null, country });
const berlin = { city: 'Berlin', region: 'Berlin', country: 'DE' };
const munich = { city: 'Munich', region: 'Bavaria', country: 'DE' };
const lisbon = { city: 'Lisbon', region: 'Lisbon', country: 'PT' };

const judge = (forJob: Partial<MatchJob>, who: Partial<MatchCandidate>) =>
  locationFit(jobLocation(job(forJob)), candidateLocation(candidate(who)));

const fit = (
  workplaceType: MatchJob['workplaceType'],
  where: MatchJob['location'],
  who: Partial<MatchCandidate>,
  more: Partial<MatchJob> = {},
) => Number(judge({ workplaceType, location: where, ...more }, who).fit.toFixed(4));

const constraintOf = (forJob: Partial<MatchJob>, who: Partial<MatchCandidate>) =>
  judge(forJob, who).constraint?.code ?? null;

describe('remote jobs', () => {
  it('a remote job open anywhere fits a candidate anywhere', () => {
    expect(fit('remote', berlin, { location: lisbon })).toBe(1);
    expect(fit('remote', nowhere, { location: nowhere, remotePreference: 'remote' })).toBe(1);
    expect(judge({ workplaceType: 'remote' }, { location: city('Bengaluru') })).toEqual({
      fit: 1,
      reason: 'remote job open anywhere',
      constraint: null,
    });
  });

  it('a job remote within the EU fits people living in the EU', () => {
    const euOnly = { workplaceType: 'remote' as const, remoteRegions: ['EU'] };
    const inLisbon = judge(euOnly, { location: city('Lisboa') });
    expect(inLisbon.fit).toBe(1);
    expect(inLisbon.constraint).toBeNull();
    expect(inLisbon.reason).toContain('Lisbon');
  });

  it('a job remote within the EU breaks the region constraint for London and Bengaluru', () => {
    const euOnly = { workplaceType: 'remote' as const, remoteRegions: ['EU'] };
    for (const place of [city('London'), city('Bengaluru', 'IN')]) {
      const result = judge(euOnly, { location: place });
      expect(result.constraint?.code, place.city).toBe('outside_remote_region');
      expect(result.fit).toBe(0);
      expect(result.constraint?.reason).toContain('EU');
    }
  });

  it('a job remote within GB breaks the region constraint for Amsterdam, not for London', () => {
    const gbOnly = { workplaceType: 'remote' as const, remoteRegions: ['GB'] };
    expect(constraintOf(gbOnly, { location: city('Amsterdam') })).toBe('outside_remote_region');
    expect(constraintOf(gbOnly, { location: city('London') })).toBeNull();
    expect(constraintOf({ ...gbOnly, remoteRegions: ['uk'] }, { location: city('Salford') })).toBeNull();
  });

  it('someone outside the region who would relocate and may work there is allowed, at reduced fit', () => {
    const euOnly = { workplaceType: 'remote' as const, remoteRegions: ['EU'] };
    const movingIrish = judge(euOnly, {
      location: city('London'),
      willingToRelocate: true,
      workAuthorisation: ['IE'],
    });
    expect(movingIrish.constraint).toBeNull();
    expect(movingIrish.fit).toBe(0.7);
    // Willing to move but not allowed to work anywhere in the EU: still outside.
    expect(
      constraintOf(euOnly, { location: city('London'), willingToRelocate: true, workAuthorisation: ['US'] }),
    ).toBe('outside_remote_region');
    // GB covers Ireland (Common Travel Area), which is in the EU.
    expect(
      constraintOf(euOnly, { location: city('London'), willingToRelocate: true, workAuthorisation: ['GB'] }),
    ).toBeNull();
    expect(
      constraintOf(
        { workplaceType: 'remote', remoteRegions: ['DACH'] },
        { location: city('London'), willingToRelocate: true, workAuthorisation: ['GB'] },
      ),
    ).toBe('outside_remote_region');
    // Allowed but not willing (or not saying): still outside.
    expect(constraintOf(euOnly, { location: city('London'), workAuthorisation: ['IE'] })).toBe(
      'outside_remote_region',
    );
  });

  it('a stated move into the region counts', () => {
    const euOnly = { workplaceType: 'remote' as const, remoteRegions: ['EU'] };
    const result = judge(euOnly, {
      location: city('London'),
      resumeText: 'We are moving to Berlin this summer.',
    });
    expect(result.constraint).toBeNull();
    expect(result.fit).toBe(0.9);
  });

  it('without a known home, work authorisation decides, else it cannot tell', () => {
    const euOnly = { workplaceType: 'remote' as const, remoteRegions: ['EU'] };
    expect(fit('remote', nowhere, { workAuthorisation: ['FR'] }, { remoteRegions: ['EU'] })).toBe(0.8);
    expect(fit('remote', nowhere, { workAuthorisation: ['CH'] }, { remoteRegions: ['EU'] })).toBe(0.8);
    expect(constraintOf(euOnly, { workAuthorisation: ['IN'] })).toBe('outside_remote_region');
    expect(judge(euOnly, {})).toMatchObject({ fit: 0.5, constraint: null });
    expect(judge(euOnly, { location: city('Gotham City') })).toMatchObject({ fit: 0.5, constraint: null });
  });

  it('ignores unknown region codes (the API rejects them)', () => {
    expect(
      judge({ workplaceType: 'remote', remoteRegions: ['MARS'] }, { location: city('Bengaluru') }),
    ).toMatchObject({
      fit: 1,
      constraint: null,
    });
    expect(
      constraintOf(
        { workplaceType: 'remote', remoteRegions: ['MARS', 'EU'] },
        { location: city('Bengaluru') },
      ),
    ).toBe('outside_remote_region');
  });
});

describe('on-site and hybrid jobs', () => {
  it('reads one city under any of its names: "München" is Munich', () => {
    // Was 0.6 when places compared as strings; the gazetteer now knows both names.
    expect(
      fit('on_site', munich, { location: { city: 'München', region: 'Bayern', country: 'Deutschland' } }),
    ).toBe(1);
    expect(fit('on_site', city('Wien', 'AT'), { location: city('Vienna') })).toBe(1);
    expect(fit('on_site', city('Nuremberg'), { location: city('Nürnberg') })).toBe(1);
    expect(fit('on_site', berlin, { location: { city: 'berlin', region: 'BERLIN', country: 'DE' } })).toBe(1);
  });

  it('gives full credit within the commute radius, whatever the town is called', () => {
    const freising = judge({ workplaceType: 'on_site', location: munich }, { location: city('Freising') });
    expect(freising.fit).toBe(1);
    expect(freising.reason).toBe('lives in Freising, 32 km from Munich: within commuting distance');
    expect(fit('hybrid', city('Vienna'), { location: city('Mödling') })).toBe(1);
    expect(fit('on_site', city('Nürnberg'), { location: city('Erlangen') })).toBe(1);
    expect(fit('on_site', city('Nürnberg'), { location: city('Fürth', 'DE') })).toBe(1);
    expect(fit('on_site', city('Manchester', 'GB'), { location: city('Salford') })).toBe(1);
    expect(fit('hybrid', city('Manchester', 'GB'), { location: city('Stockport') })).toBe(1);
    // Potsdam is its own city (and region), 27 km away: was 0.6 "same region" when compared as names.
    expect(fit('on_site', berlin, { location: { city: 'Potsdam', region: 'Berlin', country: 'DE' } })).toBe(
      1,
    );
  });

  it('falls linearly from 1 at the radius to 0.4 at twice the radius', () => {
    const augsburg = judge({ workplaceType: 'on_site', location: munich }, { location: city('Augsburg') });
    expect(augsburg.fit).toBeGreaterThan(0.9);
    expect(augsburg.fit).toBeLessThan(0.95);
    expect(augsburg.reason).toBe('lives in Augsburg, 56 km from Munich: a long commute');
    expect(fit('on_site', munich, { location: city('Augsburg') }, { commuteRadiusKm: 60 })).toBe(1);
    const tight = fit('on_site', munich, { location: city('Freising') }, { commuteRadiusKm: 20 });
    expect(tight).toBeGreaterThan(0.4);
    expect(tight).toBeLessThan(0.7);
  });

  it('reads a missing or nonsensical commute radius as 50 km', () => {
    for (const commuteRadiusKm of [null, undefined, Number.NaN, -5, 0, Number.POSITIVE_INFINITY])
      expect(jobLocation(job({ commuteRadiusKm })).commuteRadiusKm).toBe(50);
    expect(jobLocation(job({ commuteRadiusKm: 80 })).commuteRadiusKm).toBe(80);
  });

  it('beyond commuting distance, asks whether the candidate would relocate', () => {
    const inMunich = { workplaceType: 'on_site' as const, location: munich };
    const stays = judge(inMunich, { location: city('Leipzig'), willingToRelocate: false });
    expect(stays.constraint?.code).toBe('too_far');
    expect(stays.fit).toBe(0);
    expect(stays.constraint?.reason).toContain('would not relocate');
    expect(judge(inMunich, { location: city('Leipzig'), willingToRelocate: true })).toMatchObject({
      fit: 0.8,
      constraint: null,
    });
    expect(judge(inMunich, { location: city('Leipzig') })).toMatchObject({ fit: 0.2, constraint: null });
  });

  it('counts a move the resume states to the job city', () => {
    const result = judge(
      { workplaceType: 'on_site', location: munich },
      { location: city('London', 'GB'), resumeText: 'Senior engineer. We are moving to Munich this year.' },
    );
    expect(result).toMatchObject({ fit: 1, constraint: null });
    expect(result.reason).toContain('moving to Munich');
    // A move to somewhere else does not help.
    expect(
      fit('on_site', munich, {
        location: city('London', 'GB'),
        resumeText: 'Relocating to Berlin in March.',
      }),
    ).toBe(0.2);
  });

  it('a remote-only candidate breaks the on-site constraint', () => {
    const hamburg = { location: city('Hamburg'), remotePreference: 'remote' as const };
    const result = judge({ workplaceType: 'on_site', location: munich }, hamburg);
    expect(result.constraint?.code).toBe('remote_only');
    expect(result.constraint?.reason).toBe('wants remote work only; the job is on-site in Munich');
    expect(constraintOf({ workplaceType: 'hybrid', location: munich }, hamburg)).toBe('remote_only');
    expect(constraintOf({ workplaceType: null, location: munich }, { remotePreference: 'remote' })).toBe(
      'remote_only',
    );
  });

  it('checks work authorisation against the job country', () => {
    const inBerlin = { workplaceType: 'on_site' as const, location: berlin };
    const result = judge(inBerlin, { location: city('Berlin'), workAuthorisation: ['IN'] });
    expect(result.constraint?.code).toBe('no_work_authorisation');
    expect(result.constraint?.reason).toBe('may work only in IN, not in DE');
    expect(constraintOf(inBerlin, { location: city('Berlin'), workAuthorisation: ['FR'] })).toBeNull();
    expect(constraintOf(inBerlin, { location: city('Berlin'), workAuthorisation: ['GB'] })).toBe(
      'no_work_authorisation',
    );
    // Not stated: not judged.
    expect(constraintOf(inBerlin, { location: city('Berlin') })).toBeNull();
  });

  it('lets someone in Zürich, authorised in CH and DE and willing to move, be considered for Munich', () => {
    const result = judge(
      { workplaceType: 'on_site', location: munich },
      { location: city('Zürich'), workAuthorisation: ['CH', 'DE'], willingToRelocate: true },
    );
    expect(result).toMatchObject({ fit: 0.8, constraint: null });
  });

  it('treats another country without coordinates like distance beyond commuting', () => {
    const inGermany = {
      workplaceType: 'on_site' as const,
      location: { city: null, region: null, country: 'DE' },
    };
    expect(
      fit('on_site', inGermany.location, { location: { city: null, region: null, country: 'FR' } }),
    ).toBe(0.2);
    expect(
      constraintOf(inGermany, { location: city(null as unknown as string, 'FR'), willingToRelocate: false }),
    ).toBe('too_far');
    expect(fit('on_site', inGermany.location, { location: city('Lyon'), willingToRelocate: true })).toBe(0.8);
  });

  it('without coordinates, compares resolved names: same city, region or country', () => {
    expect(fit('on_site', { city: null, region: null, country: 'DE' }, { location: munich })).toBe(1);
    expect(
      fit('hybrid', { city: null, region: 'Bavaria', country: 'DE' }, { location: city('München') }),
    ).toBe(1);
    expect(fit('on_site', berlin, { location: { city: null, region: 'Bayern', country: 'DE' } })).toBe(0.3);
    expect(fit('on_site', munich, { location: { city: null, region: 'Bayern', country: 'DE' } })).toBe(0.6);
    const gotham = { city: 'Gotham', region: 'Nowhere', country: 'US' };
    expect(fit('on_site', gotham, { location: { city: 'GOTHAM', region: 'nowhere', country: 'US' } })).toBe(
      1,
    );
    expect(
      fit('on_site', gotham, {
        location: { city: 'Gotham', region: 'Nowhere', country: 'US' },
        willingToRelocate: false,
      }),
    ).toBe(1);
    // Same region by name but unknown distance, willing to move: relocation lifts the fit.
    expect(
      fit('on_site', munich, {
        location: { city: null, region: 'Bayern', country: 'DE' },
        willingToRelocate: true,
      }),
    ).toBe(0.8);
  });

  it('same-named cities in different regions or countries are far apart', () => {
    // Was 0.3 (same country) and 0 (other country) by names; now ~4,000 and ~5,700 km, relocation
    // not stated (0.2).
    const portlandOregon = { city: 'Portland', region: 'OR', country: 'US' };
    expect(
      fit('on_site', portlandOregon, { location: { city: 'Portland', region: 'ME', country: 'US' } }),
    ).toBe(0.2);
    expect(
      fit(
        'on_site',
        { city: 'London', region: null, country: 'GB' },
        { location: { city: 'London', region: 'ON', country: 'CA' } },
      ),
    ).toBe(0.2);
  });

  it('cannot tell (0.5) when either place is unknown', () => {
    expect(fit('on_site', berlin, { location: nowhere })).toBe(0.5);
    expect(fit('on_site', nowhere, { location: berlin })).toBe(0.5);
  });
});

describe('preference', () => {
  it('scales the fit by how much the candidate wants this kind of workplace', () => {
    expect(fit('on_site', berlin, { location: berlin, remotePreference: 'remote' })).toBe(0.2);
    expect(fit('hybrid', berlin, { location: berlin, remotePreference: 'remote' })).toBe(0.4);
    expect(fit('remote', berlin, { location: berlin, remotePreference: 'on_site' })).toBe(0.6);
    // Potsdam is within commuting distance of Berlin (was 0.42 = 0.6 same region x 0.7).
    expect(fit('on_site', berlin, { location: city('Potsdam'), remotePreference: 'hybrid' })).toBe(0.7);
    expect(fit('hybrid', berlin, { location: berlin, remotePreference: 'any' })).toBe(1);
    expect(
      judge({ workplaceType: 'on_site', location: berlin }, { location: berlin, remotePreference: 'hybrid' })
        .reason,
    ).toContain('prefers hybrid work');
  });

  it('reads an unknown workplace type as on-site', () => {
    expect(fit(null, munich, { location: city('Leipzig') })).toBe(
      fit('on_site', munich, { location: city('Leipzig') }),
    );
    expect(fit(null, berlin, { location: berlin, remotePreference: 'remote' })).toBe(0.2);
  });
});

describe('bad data', () => {
  it('never throws, and keeps the fit within [0, 1]', () => {
    const odd = [
      { city: '', region: '', country: '' },
      { city: '   ', region: null, country: 'ZZ' },
      { city: 'NaN', region: 'undefined', country: 'null' },
      { city: '🏙️🏙️', region: '%%%', country: '12' },
      nowhere,
    ];
    for (const where of odd)
      for (const workplaceType of [
        'on_site',
        'hybrid',
        'remote',
        null,
        'moon',
      ] as MatchJob['workplaceType'][]) {
        const result = judge(
          {
            workplaceType,
            location: where,
            remoteRegions: ['', 'XX', null] as unknown as string[],
            commuteRadiusKm: Number.NaN,
          },
          {
            location: where,
            remotePreference: 'sometimes' as MatchCandidate['remotePreference'],
            workAuthorisation: ['', 'zz', 42] as unknown as string[],
            willingToRelocate: 'yes' as unknown as boolean,
            resumeText: 'moving to ',
          },
        );
        expect(result.fit).toBeGreaterThanOrEqual(0);
        expect(result.fit).toBeLessThanOrEqual(1);
        expect(typeof result.reason).toBe('string');
      }
  });

  it('reads unknown preferences as any and unknown relocation as unstated', () => {
    const who = candidateLocation(
      candidate({
        remotePreference: 'sometimes' as MatchCandidate['remotePreference'],
        willingToRelocate: 'yes' as unknown as boolean,
        workAuthorisation: ['de', 'EU', 'zz'],
      }),
    );
    expect(who.preference).toBe('any');
    expect(who.willingToRelocate).toBeNull();
    expect(who.workAuthorisation).toContain('DE');
    expect(who.workAuthorisation).toContain('FR');
    expect(who.workAuthorisation).not.toContain('ZZ');
  });
});
