// Owns the shapes that cross the ingestion boundary: which boards can be read, what one normalised
// posting looks like, how a source's run ended, and the knobs of a run. Nothing here does work.
import type { NetPolicy } from '@app/platform';

export type SourceKind = 'greenhouse' | 'lever' | 'ashby' | 'smartrecruiters' | 'jsonld';

export type SourceConfig =
  | { kind: 'greenhouse'; boardToken: string }
  | { kind: 'lever'; site: string }
  | { kind: 'ashby'; jobBoardName: string }
  | { kind: 'smartrecruiters'; companyIdentifier: string }
  | { kind: 'jsonld'; url: string };

export type WorkplaceType = 'on_site' | 'hybrid' | 'remote';

/** schema.org JobPosting `employmentType` values. */
export type EmploymentType =
  | 'FULL_TIME'
  | 'PART_TIME'
  | 'CONTRACTOR'
  | 'TEMPORARY'
  | 'INTERN'
  | 'VOLUNTEER'
  | 'PER_DIEM'
  | 'OTHER';

export type SalaryInterval = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';

export interface Salary {
  /** Integers in the currency's minor units (cents; yen have none). */
  min: number | null;
  max: number | null;
  /** ISO 4217, upper case. */
  currency: string;
  interval: SalaryInterval;
}

export interface PostingLocation {
  city: string | null;
  region: string | null;
  /** ISO 3166-1 alpha-2 when it can be told, otherwise null. */
  country: string | null;
}

export interface NormalizedPosting {
  source: SourceKind;
  sourceJobId: string;
  title: string;
  company: string;
  /** Sanitised: an allow-list of tags, no scripts, styles, event handlers or javascript: URLs. */
  descriptionHtml: string;
  /** Plain text, whitespace collapsed, HTML entities decoded. */
  descriptionText: string;
  location: PostingLocation;
  workplaceType: WorkplaceType | null;
  employmentType: EmploymentType | null;
  salary: Salary | null;
  /** ISO 8601 UTC with Z. */
  postedAt: string | null;
  validThrough: string | null;
  url: string;
  /** Lower-case host, no fragment, tracking parameters removed, query sorted. */
  canonicalUrl: string;
}

export type SourceStatus = 'ok' | 'empty' | 'not_found' | 'error' | 'timeout';

export interface SourceOutcome {
  source: SourceConfig;
  status: SourceStatus;
  /** Short and safe to show an admin (never a stack); null when there is nothing to say. */
  message: string | null;
  /** Postings the board listed, including any that could not be read. */
  fetched: number;
  postings: NormalizedPosting[];
  durationMs: number;
}

export interface IngestionOptions {
  /** Defaults: the real public APIs; tests point them at 127.0.0.1. */
  baseUrls?: Partial<Record<Exclude<SourceKind, 'jsonld'>, string>>;
  userAgent: string;
  requestTimeoutMs: number;
  /** Global deadline for a run, from the call to runSources. */
  deadlineMs: number;
  /** Per origin (scheme, host and port). */
  perHostConcurrency: number;
  /** Minimum time between the starts of two requests to one origin. */
  perHostIntervalMs: number;
  /** Retries after the first attempt, on 429, 5xx and network failures. */
  maxRetries: number;
  /**
   * Who may be reached, for every request and redirect: public addresses on ports 80 and 443 by
   * default. Tests name their fixture servers in `allowedTargets`; production sets nothing here.
   */
  network?: NetPolicy;
  signal?: AbortSignal;
}
