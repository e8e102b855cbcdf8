// Remote-region codes and work authorisation: ISO country codes and the groups a job may name
// (EU, EEA, DACH…) expand to their countries, and who may work where follows freedom of movement
// and the Common Travel Area; nothing a user types makes either throw.
import { describe, expect, it } from 'vitest';
import { authorisedIn, remoteRegionCountries } from '../../src/modules/matching/countries.js';

describe('remote region codes', () => {
  it('expands groups into their member countries', () => {
    const eu = remoteRegionCountries('EU')!;
    expect(eu).toHaveLength(27);
    expect(eu).toEqual(expect.arrayContaining(['DE', 'FR', 'PT', 'IE', 'GR', 'HR']));
    expect(eu).not.toContain('GB');
    expect(eu).not.toContain('CH');
    expect(remoteRegionCountries('EEA')).toHaveLength(30);
    expect(remoteRegionCountries('EEA')).toEqual(expect.arrayContaining(['IS', 'LI', 'NO']));
    expect(remoteRegionCountries('DACH')).toEqual(['DE', 'AT', 'CH']);
    expect(remoteRegionCountries('UK')).toEqual(['GB']);
    expect(remoteRegionCountries('CTA')).toEqual(['GB', 'IE']);
    expect(remoteRegionCountries('NORDICS')).toEqual(['DK', 'FI', 'IS', 'NO', 'SE']);
    expect(remoteRegionCountries('BENELUX')).toEqual(['BE', 'NL', 'LU']);
  });

  it('gives a real ISO country code itself, in any case', () => {
    expect(remoteRegionCountries('DE')).toEqual(['DE']);
    expect(remoteRegionCountries(' gb ')).toEqual(['GB']);
    expect(remoteRegionCountries('eu')).toHaveLength(27);
  });

  it('answers null for anything else', () => {
    for (const code of ['XX', 'EL', 'ZZ', 'EUROPE', 'Germany', '', '  ', 'D', 'DEU'])
      expect(remoteRegionCountries(code), code).toBeNull();
    expect(remoteRegionCountries(null as unknown as string)).toBeNull();
  });
});

describe('work authorisation', () => {
  it('covers the same country', () => {
    expect(authorisedIn(['DE'], 'DE')).toBe(true);
    expect(authorisedIn(['in'], 'IN')).toBe(true);
    expect(authorisedIn(['IN'], 'DE')).toBe(false);
    expect(authorisedIn(['US'], 'CA')).toBe(false);
  });

  it('covers the EU, the EEA and Switzerland from any of them (freedom of movement)', () => {
    expect(authorisedIn(['CH'], 'DE')).toBe(true);
    expect(authorisedIn(['DE'], 'CH')).toBe(true);
    expect(authorisedIn(['NO'], 'PT')).toBe(true);
    expect(authorisedIn(['PL'], 'IE')).toBe(true);
    expect(authorisedIn(['EU'], 'FR')).toBe(true);
  });

  it('covers GB and IE from each other (Common Travel Area), not GB in the EU', () => {
    expect(authorisedIn(['GB'], 'IE')).toBe(true);
    expect(authorisedIn(['IE'], 'GB')).toBe(true);
    expect(authorisedIn(['UK'], 'GB')).toBe(true);
    expect(authorisedIn(['GB'], 'DE')).toBe(false);
    expect(authorisedIn(['FR'], 'GB')).toBe(false);
  });

  it('grants nothing for empty or garbage authorisation', () => {
    expect(authorisedIn([], 'DE')).toBe(false);
    expect(authorisedIn(['', 'zz', 'Germany'], 'DE')).toBe(false);
    expect(authorisedIn([42, null] as unknown as string[], 'DE')).toBe(false);
    expect(authorisedIn(null as unknown as string[], 'DE')).toBe(false);
    expect(authorisedIn(['DE'], '')).toBe(false);
  });
});
