// Owns countries and country groups: the 250 countries and their names in any language (which the
// gazetteer, places.ts, resolves country names through), the country groups a remote job may name
// (EU, EEA, DACH…), and who may work where. Pure and synchronous; it never throws on bad input and
// never touches the network.
//
// Data: places-countries.json (88 kB: 250 countries), derived by scripts/build-places.ts (which
// says how to regenerate it; nothing is fetched at run time) from the pinned npm package
// i18n-iso-countries@7.14.0 (MIT): names in 78 languages and alpha-3 codes, folded as ingestion
// folds text. It is read on first use, not at import, and apart from the cities (a few ms against
// the cities' 0.2 s), so validating remote regions never loads the gazetteer.
import { readFileSync } from 'node:fs';

// A data file of the matcher (here and in places.ts). The JSON sits beside these files in src/;
// dist/ has no copy (tsc copies only imported JSON, and importing it would load it eagerly). From
// src/modules/matching and dist/modules/matching alike, three levels up is the package root.
export const dataFile = (name: string) => new URL(`../../../src/modules/matching/${name}`, import.meta.url);

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

/** A folded key, with a leading "the " dropped on a second try ("The Netherlands"). */
export function lookup<T>(index: Map<string, T>, key: string): T | undefined {
  return index.get(key) ?? (key.startsWith('the ') ? index.get(key.slice(4)) : undefined);
}

/** The ISO code for a folded country name or code, else null. */
export function resolveCountry(key: string): string | null {
  if (key === '') return null;
  const { byName } = countries();
  return lookup(byName, key) ?? byName.get(key.replace(/ /g, '')) ?? null;
}

/** The English name of an ISO code ("DE" -> "Germany"), else undefined. */
export const englishCountryName = (code: string): string | undefined => countries().english.get(code);

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
