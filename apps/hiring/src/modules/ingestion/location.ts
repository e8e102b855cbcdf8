// Owns reading a place from how boards write it ("San Francisco, CA", "Remote - Germany",
// "London, England, United Kingdom") and naming countries by ISO 3166-1 alpha-2. Country names come
// from the runtime's CLDR data (Intl.DisplayNames) plus the aliases boards use; a country it
// cannot tell stays null rather than guessed.
import { fold } from './fold.js';
import type { PostingLocation } from './types.js';

/** Codes CLDR names that are not (or no longer) ISO 3166-1 countries. */
const NOT_COUNTRIES = new Set(
  'AC AN BU CP CS DD DG EA EU EZ FX IC QO SU TA TP UK UN XA XB YU ZR ZZ'.split(' '),
);
const ALIASES: Record<string, string> = {
  usa: 'US',
  'united states of america': 'US',
  america: 'US',
  uk: 'GB',
  britain: 'GB',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  deutschland: 'DE',
  holland: 'NL',
  'the netherlands': 'NL',
  'czech republic': 'CZ',
  korea: 'KR',
  'republic of korea': 'KR',
  'russian federation': 'RU',
  turkey: 'TR',
  uae: 'AE',
  'viet nam': 'VN',
  'hong kong': 'HK',
  'ivory coast': 'CI',
  espana: 'ES',
  brasil: 'BR',
  italia: 'IT',
  schweiz: 'CH',
  suisse: 'CH',
  osterreich: 'AT',
};

/** US states and Canadian provinces by their postal codes, as boards write them after a city. */
const SUBDIVISIONS = new Map<string, string>([
  ...'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY'
    .split(' ')
    .map((code): [string, string] => [code, 'US']),
  ...'AB BC MB NB NL NS NT NU ON PE QC SK YT'.split(' ').map((code): [string, string] => [code, 'CA']),
]);

let names: Map<string, string> | undefined;

function countryNames(): Map<string, string> {
  if (names) return names;
  const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  names = new Map();
  for (let first = 65; first <= 90; first += 1) {
    for (let second = 65; second <= 90; second += 1) {
      const code = String.fromCharCode(first, second);
      const name = NOT_COUNTRIES.has(code) ? undefined : display.of(code);
      if (name) names.set(code.toLowerCase(), code).set(fold(name), code);
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) names.set(alias, code);
  return names;
}

/** ISO 3166-1 alpha-2 for a code or a name ("de", "Germany", "UK"), or null. */
export function countryCode(value: string | null | undefined): string | null {
  return value ? (countryNames().get(fold(value)) ?? null) : null;
}

const WORK_MODES =
  /\b(?:fully |100% )?(?:remote|hybrid|on[- ]?site|in[- ]office|anywhere|worldwide|global)\b/gi;

/** The first place named in a free-text location; remote/hybrid words are left to workplaceType(). */
export function parseLocation(text: string | null | undefined): PostingLocation {
  const first = (text ?? '')
    .replace(WORK_MODES, ' ')
    .split(/;|\||\/| or /)
    .map((segment) => segment.trim())
    .find((segment) => /[\p{L}\p{N}]/u.test(segment));
  const parts = (first ?? '')
    .split(/,|\(|\)|\s[-–]\s|^[-–]|[-–]$/)
    .map((part) => part.trim())
    .filter((part) => /[\p{L}\p{N}]/u.test(part));
  let country: string | null = null;
  let region: string | null = null;
  const last = parts.at(-1);
  const lastCountry = countryCode(last);
  if (lastCountry && !(parts.length === 2 && SUBDIVISIONS.has(last?.toUpperCase() ?? ''))) {
    country = lastCountry;
    parts.pop();
  }
  if (parts.length >= 2) {
    region = parts.pop() ?? null;
    country ??= SUBDIVISIONS.get(region?.toUpperCase() ?? '') ?? null;
  }
  return { city: parts[0] ?? null, region, country };
}
