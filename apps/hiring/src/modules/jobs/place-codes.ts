// Owns checking the place codes jobs and profiles store: a remote job's remoteRegions (any country
// or region group matching knows, so matching never meets a code it cannot expand) and a
// candidate's workAuthorisation (real ISO 3166-1 countries only: a region code would hide which
// countries the candidate means). Codes are stored upper-cased and deduplicated; every refused code
// is named in one 400 and nothing is stored.
import { AppError, type FieldProblem } from '@app/platform';
import { remoteRegionCountries } from '../matching/countries.js';

/** How a list of place codes is checked: the 400's stable code and detail, and the test per code. */
interface PlaceCodeRule {
  code: string;
  detail: string;
  /** Why the (upper-cased) code is refused, or null when it is accepted. */
  refuse(code: string): string | null;
}

/**
 * Place codes as stored: upper-cased, the first of duplicates kept, in the order given. Every
 * refused code is named by its index in the request (`${path}/${index}`), in one 400, and nothing
 * is stored.
 */
function normalisePlaceCodes(codes: readonly string[], path: string, rule: PlaceCodeRule): string[] {
  const kept = new Set<string>();
  const problems: FieldProblem[] = [];
  codes.forEach((given, index) => {
    const code = given.toUpperCase();
    const problem = rule.refuse(code);
    if (problem === null) kept.add(code);
    else problems.push({ path: `${path}/${index}`, message: problem });
  });
  if (problems.length > 0) {
    throw new AppError({ kind: 'invalid_input', code: rule.code, detail: rule.detail, fields: problems });
  }
  return [...kept];
}

const remoteRegionRule: PlaceCodeRule = {
  code: 'remote_region_unknown',
  detail: 'remoteRegions names a code that is neither an ISO 3166-1 alpha-2 country nor a known region.',
  refuse: (code) =>
    remoteRegionCountries(code) === null
      ? `unknown country or region code "${code}" (use ISO 3166-1 alpha-2, or a region such as EU)`
      : null,
};

/** A country is a code the place table expands to itself alone; a region expands to its members. */
const countryRule: PlaceCodeRule = {
  code: 'country_code_unknown',
  detail: 'workAuthorisation names a code that is not an ISO 3166-1 alpha-2 country.',
  refuse(code) {
    const countries = remoteRegionCountries(code);
    if (countries === null) return `unknown country code "${code}" (use ISO 3166-1 alpha-2)`;
    if (countries.length === 1 && countries[0] !== code) {
      return `"${code}" is not an ISO 3166-1 alpha-2 code: use ${countries[0]}`;
    }
    if (countries.length !== 1) {
      return `"${code}" is a region, not a country: list the countries you may work in`;
    }
    return null;
  },
};

/** remoteRegions as stored, or a 400 naming each unknown code. */
export const remoteRegionCodes = (codes: readonly string[], path: string) =>
  normalisePlaceCodes(codes, path, remoteRegionRule);

/** workAuthorisation as stored, or a 400 naming each code that is not a country. */
export const countryCodes = (codes: readonly string[], path: string) =>
  normalisePlaceCodes(codes, path, countryRule);
