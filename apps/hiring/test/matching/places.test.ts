// The gazetteer reads places the way people type them: any spelling, language or case of one place
// is one place, with a country code and coordinates; namesakes resolve to the one the rest of the
// address points at; nothing a user types makes it throw.
import { describe, expect, it } from 'vitest';
import { distanceKm, type ResolvedPlace, resolvePlace } from '../../src/modules/matching/places.js';

const at = (city: string | null, region: string | null = null, country: string | null = null) =>
  resolvePlace({ city, region, country });
const km = (a: ResolvedPlace, b: ResolvedPlace) => Math.round(distanceKm(a, b) ?? Number.NaN);

describe('resolving places', () => {
  it('reads a city in any language, spelling or case as one place', () => {
    const munich = at('Munich');
    expect(munich).toMatchObject({ country: 'DE', region: 'DE.02', label: 'Munich, DE' });
    expect(munich.city).toMatch(/^geonames:\d+$/);
    for (const spelling of ['München', 'Muenchen', 'MUNCHEN', ' münchen ', 'Monaco di Baviera'])
      expect(at(spelling).city).toBe(munich.city);
    expect(at('Wien').city).toBe(at('Vienna').city);
    expect(at('Nürnberg').city).toBe(at('Nuremberg').city);
    expect(at('Nuernberg').city).toBe(at('Nuremberg').city);
    expect(at('Köln').city).toBe(at('Cologne').city);
    expect(at('Zurich', null, 'Switzerland').city).toBe(at('Zürich').city);
  });

  it('reads regions by name in either language, or by ISO code within their country', () => {
    const bavaria = at(null, 'Bavaria', 'DE');
    expect(bavaria).toMatchObject({ country: 'DE', region: 'DE.02', city: null, label: 'Bavaria, DE' });
    expect(at(null, 'Bayern', 'Deutschland').region).toBe('DE.02');
    expect(at(null, 'BY', 'Germany').region).toBe('DE.02');
    expect(at(null, 'bayern').country).toBe('DE');
    expect(at('Munich').region).toBe(bavaria.region);
  });

  it('reads countries by code, alpha-3 code or name in many languages', () => {
    for (const name of ['DE', 'de', 'DEU', 'Germany', 'Deutschland', 'Allemagne', 'Alemania'])
      expect(at(null, null, name).country).toBe('DE');
    for (const name of ['GB', 'UK', 'United Kingdom', 'Great Britain', 'England', 'Vereinigtes Königreich'])
      expect(at(null, null, name).country).toBe('GB');
    expect(at(null, null, 'The Netherlands').country).toBe('NL');
    expect(at(null, null, 'Holland').country).toBe('NL');
    expect(at(null, null, 'U.S.A.').country).toBe('US');
    expect(at(null, null, 'Deutschland').label).toBe('Germany');
  });

  it('resolves commuter towns, with coordinates', () => {
    for (const [town, country] of [
      ['Freising', 'DE'],
      ['Mödling', 'AT'],
      ['Erlangen', 'DE'],
      ['Fürth', 'DE'],
      ['Salford', 'GB'],
      ['Stockport', 'GB'],
    ] as const) {
      const place = at(town);
      expect(place.country, town).toBe(country);
      expect(place.latitude, town).not.toBeNull();
      expect(place.longitude, town).not.toBeNull();
    }
  });

  it('picks among namesakes by the country or region given, else the most populous', () => {
    expect(at('Cambridge').label).toBe('Cambridge, GB');
    expect(at('Cambridge', null, 'US').region).toBe('US.MA');
    expect(at('Cambridge', 'Massachusetts', 'USA').region).toBe('US.MA');
    expect(at('Cambridge', 'MA').region).toBe('US.MA');
    expect(at('Cambridge', null, 'CA').region).toBe('CA.08');
    expect(at('Frankfurt').label).toBe('Frankfurt am Main, DE');
    expect(at('Portland', 'OR', 'US').region).toBe('US.OR');
    expect(at('Portland', 'ME', 'US').region).toBe('US.ME');
    expect(at('London', 'ON', 'CA').country).toBe('CA');
    expect(at('London').country).toBe('GB');
  });

  it("prefers a place's own name over another place's old or foreign name", () => {
    // "Salisbury" is also Harare's colonial name; the English town is meant.
    expect(at('Salisbury').country).toBe('GB');
    expect(at('Vienne').country).toBe('FR');
  });

  it('reads "City, Country" typed into the city field', () => {
    expect(at('Munich, Germany').city).toBe(at('Munich').city);
    expect(at('Cambridge, MA, USA').region).toBe('US.MA');
  });

  it('keeps a city unknown rather than moving it to another country than the one given', () => {
    const place = at('Munich', null, 'AT');
    expect(place).toMatchObject({ country: 'AT', city: 'munich', latitude: null });
  });

  it('keeps unknown names as folded text, so equal spellings still compare equal', () => {
    const a = at('Gotham City', 'Nowhere', 'Narnia');
    const b = at('GOTHAM  city', 'nowhere', 'NARNIA');
    expect(a).toMatchObject({ city: 'gotham city', region: 'nowhere', country: 'narnia', latitude: null });
    expect([b.city, b.region, b.country]).toEqual([a.city, a.region, a.country]);
    expect(a.label).toBe('Gotham City, Nowhere, Narnia');
  });

  it('never throws on bad input, and an empty place is all unknown', () => {
    const empty = { country: null, region: null, city: null, latitude: null, longitude: null };
    expect(at(null)).toMatchObject(empty);
    expect(at('', '  ', '\t')).toMatchObject(empty);
    expect(at('!!!', '---', '...')).toMatchObject({ latitude: null });
    const garbage = [undefined, 42, Number.NaN, {}, [], 'x'.repeat(10_000), '🏙️', 'null', ',,,', 'the '];
    for (const value of garbage) {
      const place = value as unknown as string;
      expect(() => resolvePlace({ city: place, region: place, country: place })).not.toThrow();
    }
    expect(() => resolvePlace(null as unknown as { city: null; region: null; country: null })).not.toThrow();
  });
});

describe('distance', () => {
  it('measures great-circle km between resolved places', () => {
    expect(km(at('Munich'), at('Munich'))).toBe(0);
    expect(km(at('München'), at('Freising'))).toBe(32);
    expect(km(at('Munich'), at('Augsburg'))).toBe(56);
    expect(km(at('Wien'), at('Mödling'))).toBe(15);
    expect(km(at('Nuremberg'), at('Erlangen'))).toBe(16);
    expect(km(at('Nürnberg'), at('Fürth'))).toBe(7);
    expect(km(at('Manchester'), at('Salford'))).toBe(4);
    expect(km(at('Manchester'), at('Stockport'))).toBe(10);
    expect(km(at('Munich'), at('Leipzig'))).toBe(361);
    expect(km(at('London'), at('Munich'))).toBe(918);
  });

  it('is unknown when either place has no coordinates', () => {
    expect(distanceKm(at(null, 'Bavaria', 'DE'), at('Munich'))).toBeNull();
    expect(distanceKm(at('Munich'), at('Gotham'))).toBeNull();
    expect(distanceKm(at(null), at(null))).toBeNull();
  });
});
