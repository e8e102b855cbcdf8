// Owns reading an Ashby job board: GET /posting-api/job-board/{name}?includeCompensation=true
// returns every listed job at once. Salary comes from the compensation tiers' "Salary"
// components (the widest band across tiers, in the first component's currency and interval),
// else from the summary components. Ashby names no company, so the board name stands in.
import { countryCode, parseLocation } from '../location.js';
import { employmentType, finishPosting, isoDate, salary, workplaceType } from '../normalise.js';
import type { NormalizedPosting, Salary } from '../types.js';
import { type AdapterContext, arrayIn, isRecord } from './context.js';

interface AshbyComponent {
  compensationType?: string;
  interval?: string;
  currencyCode?: string;
  minValue?: number | null;
  maxValue?: number | null;
}

export interface AshbyJob {
  id?: string;
  title?: string;
  location?: string;
  isListed?: boolean;
  isRemote?: boolean;
  workplaceType?: string;
  employmentType?: string;
  descriptionHtml?: string;
  publishedAt?: string;
  jobUrl?: string;
  address?: { postalAddress?: { addressLocality?: string; addressRegion?: string; addressCountry?: string } };
  compensation?: {
    compensationTiers?: Array<{ components?: AshbyComponent[] }>;
    summaryComponents?: AshbyComponent[];
  };
}

function ashbySalary(compensation: AshbyJob['compensation']): Salary | null {
  const isSalary = (component: AshbyComponent) => component.compensationType === 'Salary';
  const tiers = (compensation?.compensationTiers ?? [])
    .flatMap((tier) => tier.components ?? [])
    .filter(isSalary);
  const components = tiers.length > 0 ? tiers : (compensation?.summaryComponents ?? []).filter(isSalary);
  const first = components[0];
  if (!first) return null;
  const alike = components.filter(
    (c) => c.currencyCode === first.currencyCode && c.interval === first.interval,
  );
  const bound = (values: Array<number | null | undefined>, pick: (...numbers: number[]) => number) => {
    const numbers = values.filter((value): value is number => typeof value === 'number');
    return numbers.length > 0 ? pick(...numbers) : null;
  };
  return salary(
    bound(
      alike.map((c) => c.minValue),
      Math.min,
    ),
    bound(
      alike.map((c) => c.maxValue),
      Math.max,
    ),
    first.currencyCode,
    first.interval,
  );
}

export function normaliseAshbyJob(job: AshbyJob, jobBoardName: string): NormalizedPosting | null {
  const address = job.address?.postalAddress;
  const stated = parseLocation(job.location);
  return finishPosting({
    source: 'ashby',
    sourceJobId: job.id ?? job.jobUrl?.split('/').filter(Boolean).at(-1) ?? '',
    title: job.title ?? '',
    company: jobBoardName,
    html: job.descriptionHtml ?? '',
    location: {
      city: address?.addressLocality || stated.city,
      region: address?.addressRegion || stated.region,
      country: countryCode(address?.addressCountry) ?? stated.country,
    },
    workplaceType: workplaceType(job.workplaceType) ?? (job.isRemote ? 'remote' : null),
    employmentType: employmentType(job.employmentType),
    salary: ashbySalary(job.compensation),
    postedAt: isoDate(job.publishedAt),
    validThrough: null,
    url: job.jobUrl ?? '',
  });
}

export async function fetchAshby(config: { jobBoardName: string }, context: AdapterContext): Promise<void> {
  const name = encodeURIComponent(config.jobBoardName);
  const body = await context.fetcher.json(
    `${context.baseUrl}/posting-api/job-board/${name}?includeCompensation=true`,
  );
  const jobs = arrayIn<AshbyJob>(isRecord(body) ? body.jobs : undefined, 'Ashby');
  for (const job of jobs) {
    if (job.isListed !== false) context.add(normaliseAshbyJob(job, config.jobBoardName));
  }
}
