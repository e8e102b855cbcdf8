// Owns reading a Lever site: GET /v0/postings/{site}?mode=json pages with skip and limit until a
// page comes back short. Lever names no company in its postings, so the site name stands in; its
// description is the opening, the titled lists (requirements, benefits) and the closing.
import { countryCode, parseLocation } from '../location.js';
import { employmentType, finishPosting, isoDate, salary, workplaceType } from '../normalise.js';
import type { NormalizedPosting } from '../types.js';
import { type AdapterContext, arrayIn, section } from './context.js';

const LEVER_PAGE_SIZE = 100;

export interface LeverPosting {
  id?: string;
  text?: string;
  categories?: { location?: string; commitment?: string; team?: string; department?: string };
  country?: string | null;
  workplaceType?: string;
  description?: string;
  lists?: Array<{ text?: string; content?: string }>;
  additional?: string;
  hostedUrl?: string;
  createdAt?: number;
  salaryRange?: { min?: number; max?: number; currency?: string; interval?: string };
}

export function normaliseLeverPosting(posting: LeverPosting, site: string): NormalizedPosting | null {
  const place = posting.categories?.location ?? '';
  const location = parseLocation(place);
  const range = posting.salaryRange;
  return finishPosting({
    source: 'lever',
    sourceJobId: posting.id ?? '',
    title: posting.text ?? '',
    company: site,
    html: [
      posting.description ?? '',
      ...(posting.lists ?? []).map((list) => section(list.text, list.content && `<ul>${list.content}</ul>`)),
      posting.additional ?? '',
    ].join(''),
    location: { ...location, country: countryCode(posting.country) ?? location.country },
    workplaceType: workplaceType(posting.workplaceType) ?? workplaceType(place),
    employmentType: employmentType(posting.categories?.commitment),
    salary: range ? salary(range.min, range.max, range.currency, range.interval) : null,
    postedAt: isoDate(posting.createdAt),
    validThrough: null,
    url: posting.hostedUrl ?? '',
  });
}

export async function fetchLever(config: { site: string }, context: AdapterContext): Promise<void> {
  const site = encodeURIComponent(config.site);
  const seen = new Set<string>();
  for (let skip = 0; ; skip += LEVER_PAGE_SIZE) {
    const url = `${context.baseUrl}/v0/postings/${site}?mode=json&skip=${skip}&limit=${LEVER_PAGE_SIZE}`;
    const page = arrayIn<LeverPosting>(await context.fetcher.json(url), 'Lever');
    // A server that ignores `skip` would repeat a page for ever; nothing new ends the paging.
    const fresh = page.filter((posting) => !seen.has(String(posting.id)));
    for (const posting of fresh) {
      seen.add(String(posting.id));
      context.add(normaliseLeverPosting(posting, config.site));
    }
    if (page.length < LEVER_PAGE_SIZE || fresh.length === 0) return;
  }
}
