// Owns reading a SmartRecruiters company: GET /v1/companies/{id}/postings pages with offset and
// limit up to `totalFound`; the list carries no description, so each posting's detail
// (/postings/{postingId}) is fetched too, a page at a time through the per-host gate. A posting
// withdrawn between the list and its detail (404) counts as fetched but unreadable.
import { SourceError } from '../fetcher.js';
import { countryCode } from '../location.js';
import { employmentType, finishPosting, isoDate } from '../normalise.js';
import type { NormalizedPosting } from '../types.js';
import { type AdapterContext, arrayIn, isRecord, section } from './context.js';

const SMARTRECRUITERS_PAGE_SIZE = 100;
const SECTIONS = ['companyDescription', 'jobDescription', 'qualifications', 'additionalInformation'] as const;

export interface SmartRecruitersPosting {
  id?: string;
  name?: string;
  releasedDate?: string;
  company?: { identifier?: string; name?: string };
  location?: { city?: string; region?: string; country?: string; remote?: boolean; hybrid?: boolean };
  typeOfEmployment?: { id?: string; label?: string };
  postingUrl?: string;
  jobAd?: { sections?: Partial<Record<(typeof SECTIONS)[number], { title?: string; text?: string }>> };
}

export function normaliseSmartRecruitersPosting(
  posting: SmartRecruitersPosting,
  companyIdentifier: string,
): NormalizedPosting | null {
  const place = posting.location;
  const sections = posting.jobAd?.sections ?? {};
  return finishPosting({
    source: 'smartrecruiters',
    sourceJobId: posting.id ?? '',
    title: posting.name ?? '',
    company: posting.company?.name || companyIdentifier,
    html: SECTIONS.map((key) => section(sections[key]?.title, sections[key]?.text)).join(''),
    location: {
      city: place?.city || null,
      region: place?.region || null,
      country: countryCode(place?.country),
    },
    workplaceType: place?.remote
      ? 'remote'
      : place?.hybrid
        ? 'hybrid'
        : place?.remote === false
          ? 'on_site'
          : null,
    employmentType: employmentType([posting.typeOfEmployment?.label, posting.typeOfEmployment?.id]),
    salary: null,
    postedAt: isoDate(posting.releasedDate),
    validThrough: null,
    url: posting.postingUrl ?? `https://jobs.smartrecruiters.com/${companyIdentifier}/${posting.id}`,
  });
}

export async function fetchSmartRecruiters(config: { companyIdentifier: string }, context: AdapterContext) {
  const postingsUrl = `${context.baseUrl}/v1/companies/${encodeURIComponent(config.companyIdentifier)}/postings`;
  const detail = async (summary: SmartRecruitersPosting) => {
    try {
      const body = await context.fetcher.json(`${postingsUrl}/${encodeURIComponent(String(summary.id))}`);
      return isRecord(body) ? normaliseSmartRecruitersPosting(body, config.companyIdentifier) : null;
    } catch (error) {
      if (error instanceof SourceError && error.status === 'not_found') return null;
      throw error;
    }
  };
  // Advances by what came back, so a server that caps `limit` lower loses nothing.
  for (let offset = 0; ; ) {
    const body = await context.fetcher.json(
      `${postingsUrl}?offset=${offset}&limit=${SMARTRECRUITERS_PAGE_SIZE}`,
    );
    const page = arrayIn<SmartRecruitersPosting>(
      isRecord(body) ? body.content : undefined,
      'SmartRecruiters',
    );
    for (const posting of await Promise.all(page.map(detail))) context.add(posting);
    offset += page.length;
    const total = isRecord(body) && typeof body.totalFound === 'number' ? body.totalFound : 0;
    if (page.length === 0 || offset >= total) return;
  }
}
