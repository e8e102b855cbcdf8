// Owns recognising a posting already known, in order of certainty: the same board id, then the
// same canonical URL, then the same fingerprint (title, company and place folded so that
// "Sr. Backend Engineer (m/w/d)" at "Acme GmbH" in "München" matches "Senior Backend Engineer" at
// "ACME" in "Munich"). The fingerprint keeps role words, levels (II vs III) and the city, so the
// same title in another city or another role at the same company stays distinct. An index knows
// no owners: the scrape store builds one per owner scope from that scope's rows only, so a match
// can never point at another tenant's job.
import { fold } from './fold.js';
import type { NormalizedPosting } from './types.js';

export interface PostingKeys {
  /** `${source}:${sourceJobId}` */
  sourceKey: string;
  canonicalUrl: string;
  /** `${title}|${company}|${place}` folded; empty when the title or company is unknown. */
  fingerprint: string;
}

const WORDS: Record<string, string> = {
  sr: 'senior',
  snr: 'senior',
  jr: 'junior',
  jnr: 'junior',
  mgr: 'manager',
  eng: 'engineer',
  engr: 'engineer',
  dev: 'developer',
  swe: 'software engineer',
  vp: 'vice president',
  i: '1',
  ii: '2',
  iii: '3',
  iv: '4',
};
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'at',
  'for',
  'in',
  'of',
  'the',
  'to',
  'with',
  'remote',
  'hybrid',
  'onsite',
]);
const COMPANY_SUFFIXES = new Set(
  'inc incorporated llc llp ltd limited gmbh mbh ag sa sas sarl bv nv plc corp corporation co company se oy ab as asa aps srl spa lda pty pte pvt kg kgaa ug group holding holdings software technologies technology'.split(
    ' ',
  ),
);
const PLACES: Record<string, string> = {
  nyc: 'new york',
  'new york city': 'new york',
  sf: 'san francisco',
  'sf bay area': 'san francisco',
  munchen: 'munich',
  koln: 'cologne',
  wien: 'vienna',
  praha: 'prague',
  warszawa: 'warsaw',
  lisboa: 'lisbon',
  roma: 'rome',
  milano: 'milan',
  bengaluru: 'bangalore',
  'washington dc': 'washington',
};
/** Words boards write joined, hyphenated or apart: "Back-end", "Full Stack", "Co-ordinator". */
const COMPOUNDS = /\b(back|front|full|dev|co) (end|stack|ops|ordinator)\b/g;
const GENDER_MARKER =
  /\(\s*(?:[mwfdhxn]|div|nb|all)(?:\s*[/|,]\s*(?:[mwfdhxn]|div|nb|all))+\s*\)|\((?:all genders|gn\*?|alle geschlechter)\)/gi;

function place(posting: NormalizedPosting): string {
  const { city, region, country } = posting.location;
  const name = fold(city ?? region ?? country ?? (posting.workplaceType === 'remote' ? 'remote' : ''));
  return PLACES[name] ?? name;
}

function titleKey(title: string, placeName: string): string {
  const placeWords = new Set(placeName.split(' '));
  const words = fold(title.replace(GENDER_MARKER, ' ').replace(/&/g, ' and '))
    .replace(COMPOUNDS, '$1$2')
    .split(' ')
    .flatMap((word) => (WORDS[word] ?? word).split(' '))
    .filter((word) => word && !STOP_WORDS.has(word) && !placeWords.has(word));
  return [...new Set(words)].sort().join(' ');
}

function companyKey(company: string): string {
  // "B.V." and "S.A." lose their dots so they read as the suffixes they are.
  const words = fold(company.replace(/\./g, '').replace(/&/g, ' and ')).split(' ').filter(Boolean);
  while (words.length > 1 && COMPANY_SUFFIXES.has(words.at(-1) as string)) words.pop();
  if (words[0] === 'the' && words.length > 1) words.shift();
  return words.join('');
}

export function postingKeys(posting: NormalizedPosting): PostingKeys {
  const placeName = place(posting);
  const title = titleKey(posting.title, placeName);
  const company = companyKey(posting.company);
  return {
    sourceKey: `${posting.source}:${posting.sourceJobId}`,
    canonicalUrl: posting.canonicalUrl,
    fingerprint: title && company ? `${title}|${company}|${placeName}` : '',
  };
}

export interface DedupeMatch {
  id: string;
  by: 'source' | 'url' | 'fingerprint';
}

export interface DedupeIndex {
  /** The known posting these keys belong to, by the most certain key that matches. */
  match(keys: PostingKeys): DedupeMatch | null;
  /** Remembers a posting; a key already taken keeps its first owner. Empty keys are ignored. */
  add(id: string, keys: PostingKeys): void;
}

export function createDedupeIndex(existing: Array<{ id: string; keys: PostingKeys }>): DedupeIndex {
  const indexes = {
    source: new Map<string, string>(),
    url: new Map<string, string>(),
    fingerprint: new Map<string, string>(),
  };
  // A sourceKey with no id after the colon identifies nothing.
  const usable = (keys: PostingKeys) => ({
    source: /:./.test(keys.sourceKey) ? keys.sourceKey : '',
    url: keys.canonicalUrl,
    fingerprint: keys.fingerprint,
  });
  const index: DedupeIndex = {
    match(keys) {
      const values = usable(keys);
      for (const by of ['source', 'url', 'fingerprint'] as const) {
        const id = values[by] ? indexes[by].get(values[by]) : undefined;
        if (id !== undefined) return { id, by };
      }
      return null;
    },
    add(id, keys) {
      const values = usable(keys);
      for (const by of ['source', 'url', 'fingerprint'] as const) {
        if (values[by] && !indexes[by].has(values[by])) indexes[by].set(values[by], id);
      }
    },
  };
  for (const entry of existing) index.add(entry.id, entry.keys);
  return index;
}
