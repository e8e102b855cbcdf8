// Owns the Kysely row types of the hiring tables (migrations/), so the repositories query them with
// checked column names. Money is an integer in minor units; bigint columns arrive as numbers (the
// platform parses int8 when it is a safe integer).
import type { Database, IdentitySchema } from '@app/platform';
import type { ColumnType, Generated, Kysely } from 'kysely';
import type { AssessmentTables } from './modules/assessments/tables.js';
import type { PeriodMetric, SubscriptionStatus, TierName } from './modules/billing/types.js';
import type { EmploymentType, SalaryInterval, SourceKind, WorkplaceType } from './modules/ingestion/types.js';
// The normalised job vocabulary is the ingestion core's: every origin of a job shares it.
import type { InvitationTables } from './modules/invitations/tables.js';

export type { EmploymentType, SalaryInterval, WorkplaceType };
export type SkillLevel = 1 | 2 | 3 | 4 | 5;
export type MemberRole = 'owner' | 'recruiter' | 'viewer';
export type JobStatus = 'draft' | 'published' | 'closed';
export type StageOutcome = 'open' | 'hired' | 'rejected';

type Json<T> = ColumnType<T, string, string>;
/** A JSON column with a database default: optional on insert. */
type DefaultedJson<T> = ColumnType<T, string | undefined, string>;

export interface HiringTables {
  hiring_organisations: {
    id: Generated<string>;
    name: string;
    job_postings_limit: number | null;
    job_postings_used: Generated<number>;
    created_at: Date;
  };
  hiring_organisation_members: {
    organisation_id: string;
    user_id: string;
    role: MemberRole;
    created_at: Date;
  };
  hiring_candidates: {
    user_id: string;
    name: Generated<string>;
    headline: string;
    skills: Json<Array<{ name: string; level: SkillLevel }>>;
    years_experience: number;
    city: string | null;
    region: string | null;
    country: string | null;
    remote_preference: 'remote' | 'hybrid' | 'on_site' | 'any';
    salary_min: number | null;
    salary_max: number | null;
    salary_currency: string | null;
    salary_interval: SalaryInterval | null;
    resume_text: string;
    discoverable: boolean;
    updated_at: Date;
    /** ISO 3166-1 alpha-2 countries the candidate may work in; empty when not said (migration 0012). */
    work_authorisation: Generated<string[]>;
    /** Null when the candidate has not said (migration 0012). */
    willing_to_relocate: boolean | null;
  };
  hiring_jobs: {
    id: Generated<string>;
    organisation_id: string | null;
    status: JobStatus;
    title: string;
    company: string;
    description_html: Generated<string>;
    description_text: Generated<string>;
    city: string | null;
    region: string | null;
    country: string | null;
    workplace_type: WorkplaceType | null;
    employment_type: EmploymentType | null;
    salary_min: number | null;
    salary_max: number | null;
    salary_currency: string | null;
    salary_interval: SalaryInterval | null;
    skills: DefaultedJson<Array<{ name: string; level: SkillLevel | null; required: boolean }>>;
    min_years_experience: number | null;
    posted_at: Date | null;
    valid_through: Date | null;
    url: string | null;
    canonical_url: string | null;
    source: Generated<string>;
    source_job_id: string | null;
    fingerprint: string | null;
    created_by: string | null;
    created_at: Date;
    updated_at: Date;
    closed_at: Date | null;
    job_source_id: string | null;
    /** Deduplication scope of an ingested job (migration 0006); null for jobs posted in the app. */
    ingest_scope: string | null;
    holds_slot: Generated<boolean>;
    closed_reason: 'employer' | 'vanished' | 'expired' | null;
    /** Countries and region codes a remote job may be done from; empty: anywhere (migration 0012). */
    remote_regions: Generated<string[]>;
    /** How far from an on-site or hybrid job's place a candidate may live, in km (migration 0012). */
    commute_radius_km: number | null;
    search: ColumnType<string, never, never>;
  };
  hiring_job_sources: {
    id: Generated<string>;
    organisation_id: string | null;
    kind: SourceKind;
    identifier: string;
    enabled: Generated<boolean>;
    created_at: Date;
    verification_token: string | null;
    verified_at: Date | null;
    verified_by: string | null;
    verification_method: 'token' | 'admin' | null;
  };
  hiring_scrape_runs: {
    id: Generated<string>;
    requested_by: string | null;
    trigger: 'manual' | 'schedule';
    status: 'queued' | 'running' | 'finished';
    /** Null: every enabled source; otherwise that organisation's verified sources (migration 0006). */
    organisation_id: string | null;
    created_at: Date;
    started_at: Date | null;
    finished_at: Date | null;
  };
  hiring_scrape_run_sources: {
    run_id: string;
    source_id: string;
    status: 'ok' | 'empty' | 'not_found' | 'error' | 'timeout';
    message: string | null;
    fetched: number;
    inserted: number;
    updated: number;
    closed: number;
    /** Postings stored as drafts for want of a job-postings slot (migration 0006). */
    waiting: number;
    duration_ms: number;
  };
  hiring_saved_jobs: { candidate_id: string; job_id: string; saved_at: Date };
  hiring_dismissed_jobs: { candidate_id: string; job_id: string; dismissed_at: Date };
  hiring_pipeline_stages: {
    id: Generated<string>;
    organisation_id: string;
    key: string;
    name: string;
    position: number;
    outcome: StageOutcome;
  };
  hiring_applications: {
    id: Generated<string>;
    job_id: string;
    candidate_id: string;
    organisation_id: string;
    cover_note: string | null;
    stage_id: string;
    stage_entered_at: Date;
    rejection_reason: string | null;
    created_at: Date;
    /** The e-mail the candidate applied with (migration 0007). */
    applicant_email: string;
    withdrawn_at: Date | null;
  };
  hiring_application_stage_history: {
    id: Generated<number>;
    application_id: string;
    from_stage_id: string | null;
    to_stage_id: string;
    moved_by: string | null;
    reason: string | null;
    moved_at: Date;
  };
  hiring_application_notes: {
    id: Generated<string>;
    application_id: string;
    author_id: string | null;
    body: string;
    rating: number | null;
    created_at: Date;
  };
  /** An organisation's subscription (migration 0008); none means the free tier. */
  hiring_subscriptions: {
    organisation_id: string;
    tier: TierName;
    status: SubscriptionStatus;
    stripe_customer_id: string | null;
    stripe_subscription_id: string | null;
    current_period_start: Date;
    current_period_end: Date;
    cancel_at_period_end: Generated<boolean>;
    trial_end: Date | null;
    state_at: Date | null;
    updated_at: Date;
  };
  /** Usage of a per-period quota, one row per (organisation, metric, period start) (migration 0008). */
  hiring_usage: {
    organisation_id: string;
    metric: PeriodMetric;
    period_start: Date;
    used: Generated<number>;
  };
  /**
   * An operator's exchange rate, one row per currency (migration 0013). `units_per_euro` is
   * numeric (text from the driver); `as_of` is a date, read as `as_of::text` (YYYY-MM-DD).
   */
  hiring_exchange_rates: {
    currency: string;
    units_per_euro: ColumnType<string, string, string>;
    minor_digits: number;
    as_of: ColumnType<string, string, string>;
    source: string;
    updated_by: string | null;
    updated_at: Date;
  };
}

export type HiringSchema = HiringTables & AssessmentTables & InvitationTables & IdentitySchema;
export type HiringDb = Kysely<HiringSchema>;

export function hiringDb(db: Database): HiringDb {
  return db.kysely as unknown as HiringDb;
}
