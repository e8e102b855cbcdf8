// Owns ranking over stored data: candidates for an employer's job (only candidates that employer may
// see: those with a live application to the organisation and those open to discovery, each shown
// with their profile, and applicants with the e-mail they applied with) and published jobs for a
// candidate. It loads rows, turns them into the matching engine's inputs and lets the engine rank;
// the engine is pure and deterministic, so the same data gives the same ranking. Profiles and jobs
// are prepared for matching once per version of their row and kept (prepared-cache.ts): a ranking
// reads only ids and versions for its pool, prepares what changed, and loads full profiles and
// job titles only for the page it returns.
import { AppError, type Clock, type Database } from '@app/platform';
import { type Selectable, sql } from 'kysely';
import { type HiringTables, hiringDb } from '../../db.js';
import type { ApplicationService, LiveApplicant } from '../applications/service.js';
import type { Profile } from '../candidates/schemas.js';
import type { CandidateService } from '../candidates/service.js';
import type { ExchangeRateService } from '../exchange-rates/service.js';
import {
  extractSkills,
  type MatchCandidate,
  type MatchJob,
  type PreparedCandidate,
  type PreparedJob,
  prepareCandidate,
  prepareJob,
  type RankOptions,
  rankPreparedCandidates,
  rankPreparedJobs,
} from '../matching/index.js';
import type { OrganisationService } from '../organisations/service.js';
import { PreparedCache } from './prepared-cache.js';

type JobRow = Selectable<HiringTables['hiring_jobs']>;

/** The most jobs a candidate's ranking considers: the newest published ones. */
const JOB_POOL = 5_000;

function toMatchJob(row: JobRow): MatchJob {
  // Ingested postings rarely list skills; the ones their text names count as nice to have.
  const skills =
    row.skills.length > 0
      ? row.skills
      : extractSkills(`${row.title}\n${row.description_text}`).map((name) => ({
          name,
          level: null,
          required: false,
        }));
  return {
    id: row.id,
    title: row.title,
    descriptionText: row.description_text,
    skills,
    minYearsExperience: row.min_years_experience,
    location: { city: row.city, region: row.region, country: row.country },
    workplaceType: row.workplace_type,
    remoteRegions: row.remote_regions,
    commuteRadiusKm: row.commute_radius_km,
    salary:
      row.salary_currency && row.salary_interval
        ? {
            min: row.salary_min,
            max: row.salary_max,
            currency: row.salary_currency,
            interval: row.salary_interval,
          }
        : null,
  };
}

function toMatchCandidate(profile: Profile): MatchCandidate {
  return {
    id: profile.userId,
    headline: profile.headline,
    resumeText: profile.resumeText,
    skills: profile.skills.map((skill) => ({
      name: skill.name,
      level: skill.level as 1 | 2 | 3 | 4 | 5,
    })),
    yearsExperience: profile.yearsExperience,
    location: profile.location,
    remotePreference: profile.remotePreference,
    desiredSalary: profile.desiredSalary as MatchCandidate['desiredSalary'],
    workAuthorisation: profile.workAuthorisation,
    willingToRelocate: profile.willingToRelocate,
  };
}

/** Per candidate, the application to this job if any, else their newest to the organisation. */
function contactsFor(jobId: string, applicants: LiveApplicant[]): Map<string, LiveApplicant> {
  const contacts = new Map<string, LiveApplicant>();
  for (const applicant of applicants) {
    const seen = contacts.get(applicant.candidateId);
    if (!seen || (applicant.jobId === jobId && seen.jobId !== jobId)) {
      contacts.set(applicant.candidateId, applicant);
    }
  }
  return contacts;
}

/**
 * How many prepared profiles and jobs each instance keeps at least (about 6.4 KiB a profile;
 * docs/benchmarks.md). A cache grows to the largest pool ranked, up to the ceiling, so a pool
 * bigger than the floor is not prepared again on every ranking.
 */
const CANDIDATE_CACHE = { floor: 20_000, ceiling: 100_000 };
const JOB_CACHE = { floor: JOB_POOL, ceiling: JOB_POOL };

export function createRankingService(
  db: Database,
  clock: Clock,
  organisations: OrganisationService,
  candidates: CandidateService,
  applications: Pick<ApplicationService, 'liveApplicants'>,
  exchangeRates: Pick<ExchangeRateService, 'current'>,
) {
  const kysely = hiringDb(db);
  const preparedCandidates = new PreparedCache<PreparedCandidate>(CANDIDATE_CACHE);
  const preparedJobs = new PreparedCache<PreparedJob>(JOB_CACHE);
  const jobNotFound = () =>
    new AppError({ kind: 'not_found', code: 'job_not_found', detail: 'No such job.' });

  /** What a ranking needs besides its inputs: today (for "2018 to present") and the rates in use. */
  async function context(options: RankOptions) {
    return { ...options, asOf: clock.now(), rates: await exchangeRates.current() };
  }

  /** Prepared profiles of the pool; a resume's open ranges end in `asOf`'s year, so it keys them too. */
  async function preparedPool(applicantIds: string[], asOf: Date) {
    const pool = await candidates.rankableVersions(applicantIds);
    const year = asOf.getUTCFullYear();
    return preparedCandidates.getAll(
      pool.map(({ userId, version }) => ({ id: userId, version: `${version}/${year}` })),
      async (ids) => {
        const profiles = await candidates.profilesOf(ids);
        return new Map(
          profiles.map((profile) => [profile.userId, prepareCandidate(toMatchCandidate(profile), asOf)]),
        );
      },
    );
  }

  return {
    async candidatesForJob(userId: string, jobId: string, options: RankOptions) {
      const job = await kysely
        .selectFrom('hiring_jobs')
        .selectAll()
        .where('id', '=', jobId)
        .executeTakeFirst();
      if (!job || job.organisation_id === null) throw jobNotFound();
      // Outside the organisation, its job does not exist (drafts included).
      await organisations.requireRight(userId, job.organisation_id, 'read').catch((error: unknown) => {
        throw error instanceof AppError && error.kind === 'not_found' ? jobNotFound() : error;
      });
      const settings = await context(options);
      const applicants = await applications.liveApplicants(job.organisation_id);
      const pool = await preparedPool([...new Set(applicants.map((a) => a.candidateId))], settings.asOf);
      const ranked = rankPreparedCandidates(prepareJob(toMatchJob(job)), pool, settings);
      const profiles = await candidates.applicantProfiles(ranked.results.map((result) => result.id));
      const contacts = contactsFor(jobId, applicants);
      return {
        total: ranked.total,
        // A profile deleted since the pool was read is left out rather than answered half.
        results: ranked.results.flatMap((result) => {
          const profile = profiles.get(result.id);
          if (!profile) return [];
          const contact = contacts.get(result.id);
          return [
            {
              ...result,
              profile,
              email: contact?.email ?? null,
              applicationId: contact?.jobId === jobId ? contact.applicationId : null,
            },
          ];
        }),
      };
    },

    async jobsForCandidate(userId: string, options: RankOptions) {
      const profile = await candidates.get(userId);
      const settings = await context(options);
      const newest = await kysely
        .selectFrom('hiring_jobs')
        .select(['id', sql<string>`xmin::text`.as('version')])
        .where('status', '=', 'published')
        .orderBy('posted_at', 'desc')
        .orderBy('id', 'desc')
        .limit(JOB_POOL)
        .execute();
      const jobs = await preparedJobs.getAll(
        newest.map((row) => ({ id: row.id, version: row.version })),
        async (ids) => {
          const rows = await kysely
            .selectFrom('hiring_jobs')
            .selectAll()
            .where('id', '=', sql<string>`any(${ids}::uuid[])`)
            .execute();
          return new Map(rows.map((row) => [row.id, prepareJob(toMatchJob(row))]));
        },
      );
      const ranked = rankPreparedJobs(
        prepareCandidate(toMatchCandidate(profile), settings.asOf),
        jobs,
        settings,
      );
      const shown = ranked.results.map((result) => result.id);
      const rows =
        shown.length === 0
          ? []
          : await kysely
              .selectFrom('hiring_jobs')
              .select(['id', 'title', 'company'])
              .where('id', '=', sql<string>`any(${shown}::uuid[])`)
              .execute();
      const listed = new Map(rows.map((row) => [row.id, row]));
      return {
        total: ranked.total,
        // A job deleted since the pool was read is left out rather than answered half.
        results: ranked.results.flatMap((result) => {
          const job = listed.get(result.id);
          return job ? [{ ...result, title: job.title, company: job.company }] : [];
        }),
      };
    },
  };
}

export type RankingService = ReturnType<typeof createRankingService>;
