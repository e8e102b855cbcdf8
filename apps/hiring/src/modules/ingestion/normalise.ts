// Owns turning the values boards send into the fields of a NormalizedPosting: dates as ISO 8601
// UTC, schema.org employment types, workplace types, salaries in minor units, canonical URLs, and
// the last step every adapter shares (sanitised HTML, plain text, required fields present).
import { decodeHTML } from 'entities';
import { fold } from './fold.js';
import { htmlToText, sanitizeDescription } from './html.js';
import type { EmploymentType, NormalizedPosting, Salary, SalaryInterval, WorkplaceType } from './types.js';

/** A date from epoch milliseconds or text; text without a zone is read as UTC. */
export function isoDate(value: unknown): string | null {
  let time = Number.NaN;
  if (typeof value === 'number') time = value;
  else if (typeof value === 'string' && value.trim()) {
    const text = value.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) time = Date.parse(`${text}T00:00:00Z`);
    else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) time = Date.parse(`${text}Z`);
    else time = Date.parse(text);
  }
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

const EMPLOYMENT: Array<[RegExp, EmploymentType]> = [
  [/\b(intern(ship)?s?|trainee|apprentice(ship)?|werkstudent|working student)\b/, 'INTERN'],
  [/\bvolunteer/, 'VOLUNTEER'],
  [/\bper ?diem\b/, 'PER_DIEM'],
  [/\b(temp|temporary|fixed ?term|seasonal|befristet)\b/, 'TEMPORARY'],
  [/\b(contract|contractor|freelance|freelancer)\b/, 'CONTRACTOR'],
  [/part ?time|teilzeit/, 'PART_TIME'],
  [/full ?time|permanent|regular|vollzeit|festanstellung/, 'FULL_TIME'],
];

/** schema.org employment type from a label, id or list of them; an unknown label is OTHER. */
export function employmentType(value: unknown): EmploymentType | null {
  const labels = (Array.isArray(value) ? value : [value]).filter(
    (item): item is string => typeof item === 'string',
  );
  for (const label of labels) {
    const folded = fold(label.replace(/([a-z])([A-Z])/g, '$1 $2'));
    const match = EMPLOYMENT.find(([pattern]) => pattern.test(folded));
    if (match) return match[1];
  }
  return labels.some((label) => label.trim()) ? 'OTHER' : null;
}

/** Workplace type from a board's label or a free-text location ("Remote - US", "OnSite"). */
export function workplaceType(value: unknown): WorkplaceType | null {
  if (typeof value !== 'string') return null;
  const folded = fold(value.replace(/([a-z])([A-Z])/g, '$1 $2'));
  if (/\bhybrid\b/.test(folded)) return 'hybrid';
  if (/\b(remote|telecommute|work from home|wfh)\b/.test(folded)) return 'remote';
  if (/\b(on ?site|in office|in person|office based)\b/.test(folded)) return 'on_site';
  return null;
}

function salaryInterval(value: unknown): SalaryInterval | null {
  if (typeof value !== 'string') return null;
  const folded = fold(value);
  if (/year|annual|annum/.test(folded)) return 'YEAR';
  if (/month/.test(folded)) return 'MONTH';
  if (/week/.test(folded)) return 'WEEK';
  if (/\bday|daily/.test(folded)) return 'DAY';
  if (/hour/.test(folded)) return 'HOUR';
  return null;
}

const minorDigitsByCurrency = new Map<string, number | null>();

/** Decimal places of a currency's minor unit (USD 2, JPY 0, BHD 3), or null if not a currency. */
function minorDigits(currency: string): number | null {
  if (!minorDigitsByCurrency.has(currency)) {
    let digits: number | null = null;
    if (/^[A-Z]{3}$/.test(currency)) {
      const format = new Intl.NumberFormat('en', { style: 'currency', currency });
      digits = format.resolvedOptions().maximumFractionDigits ?? null;
    }
    minorDigitsByCurrency.set(currency, digits);
  }
  return minorDigitsByCurrency.get(currency) ?? null;
}

function amount(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value.replace(/[\s,]/g, '')) : value;
  return typeof number === 'number' && value !== '' && Number.isFinite(number) && number >= 0 ? number : null;
}

/** A salary in minor units; null unless the currency, the interval and one bound are known. */
export function salary(min: unknown, max: unknown, currency: unknown, interval: unknown): Salary | null {
  const code = typeof currency === 'string' ? currency.trim().toUpperCase() : '';
  const digits = minorDigits(code);
  const unit = salaryInterval(interval);
  let low = amount(min);
  let high = amount(max);
  if (digits === null || unit === null || (low === null && high === null)) return null;
  if (low !== null && high !== null && low > high) [low, high] = [high, low];
  const minor = (value: number | null) => (value === null ? null : Math.round(value * 10 ** digits));
  return { min: minor(low), max: minor(high), currency: code, interval: unit };
}

const TRACKING_PARAMS =
  /^(utm_.*|gclid|gclsrc|dclid|fbclid|msclkid|yclid|igshid|mc_cid|mc_eid|_hsenc|_hsmi|gh_src|lever-(source|origin|via)(\[\])?|ref|referrer|source|src|trk|tracking_?id)$/i;

/**
 * Lower-case host, no trailing slash, tracking parameters removed, query sorted, no fragment
 * unless `keepFragment` (a page listing several postings that have no URL of their own).
 */
export function canonicalUrl(href: string, keepFragment = false): string {
  const url = new URL(href);
  if (!keepFragment) url.hash = '';
  const kept = [...url.searchParams].filter(([name]) => !TRACKING_PARAMS.test(name));
  kept.sort(([a, aValue], [b, bValue]) => (a === b ? (aValue < bValue ? -1 : 1) : a < b ? -1 : 1));
  url.search = new URLSearchParams(kept).toString();
  if (url.pathname.length > 1 && url.pathname.endsWith('/')) url.pathname = url.pathname.replace(/\/+$/, '');
  return url.href;
}

/** Plain text from a JSON string field: entities decoded, whitespace collapsed. */
export function cleanText(value: unknown): string {
  return typeof value === 'string' ? decodeHTML(value).replace(/\s+/g, ' ').trim() : '';
}

export type PostingDraft = Omit<NormalizedPosting, 'descriptionHtml' | 'descriptionText' | 'canonicalUrl'> & {
  /** Unsanitised description HTML as the board sent it. */
  html: string;
};

/** Sanitises and completes a draft; null when it lacks an id, a title or an http(s) URL. */
export function finishPosting(draft: PostingDraft, keepFragment = false): NormalizedPosting | null {
  const { html, ...fields } = draft;
  const title = cleanText(fields.title);
  const url = URL.canParse(fields.url) ? new URL(fields.url) : null;
  if (!fields.sourceJobId || !title || !url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    return null;
  const descriptionHtml = sanitizeDescription(html);
  return {
    ...fields,
    title,
    company: cleanText(fields.company),
    descriptionHtml,
    descriptionText: htmlToText(descriptionHtml),
    url: url.href,
    canonicalUrl: canonicalUrl(url.href, keepFragment),
  };
}
