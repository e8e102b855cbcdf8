// Owns reading a Greenhouse job board: GET /v1/boards/{token}/jobs?content=true lists every
// published job in one response, its `content` HTML-escaped once (unescaped here, then sanitised
// like any other description). Greenhouse publishes no salary or employment type in this API;
// a custom "Employment Type" metadata field is used when the board has one.
import { decodeHTML } from 'entities';
import { parseLocation } from '../location.js';
import { employmentType, finishPosting, isoDate, workplaceType } from '../normalise.js';
import type { NormalizedPosting } from '../types.js';
import { type AdapterContext, arrayIn, isRecord } from './context.js';

export interface GreenhouseJob {
  id?: number;
  title?: string;
  updated_at?: string;
  first_published?: string;
  company_name?: string;
  location?: { name?: string };
  offices?: Array<{ name?: string; location?: string | null }>;
  metadata?: Array<{ name?: string; value?: unknown }> | null;
  absolute_url?: string;
  content?: string;
}

export function normaliseGreenhouseJob(job: GreenhouseJob, boardToken: string): NormalizedPosting | null {
  const place = job.location?.name ?? '';
  const stated = parseLocation(place);
  const office = parseLocation(job.offices?.[0]?.location);
  const employment = job.metadata?.find((field) => /employment type|commitment/i.test(field.name ?? ''));
  return finishPosting({
    source: 'greenhouse',
    sourceJobId: job.id === undefined ? '' : String(job.id),
    title: job.title ?? '',
    company: job.company_name || boardToken,
    html: decodeHTML(job.content ?? ''), // escaped once more than HTML
    location: {
      city: stated.city ?? office.city,
      region: stated.region ?? office.region,
      country: stated.country ?? office.country,
    },
    workplaceType: workplaceType(place),
    employmentType: employmentType(employment?.value),
    salary: null,
    postedAt: isoDate(job.first_published ?? job.updated_at),
    validThrough: null,
    url: job.absolute_url ?? '',
  });
}

export async function fetchGreenhouse(
  config: { boardToken: string },
  context: AdapterContext,
): Promise<void> {
  const token = encodeURIComponent(config.boardToken);
  const body = await context.fetcher.json(`${context.baseUrl}/v1/boards/${token}/jobs?content=true`);
  const jobs = arrayIn<GreenhouseJob>(isRecord(body) ? body.jobs : undefined, 'Greenhouse');
  for (const job of jobs) context.add(normaliseGreenhouseJob(job, config.boardToken));
}
