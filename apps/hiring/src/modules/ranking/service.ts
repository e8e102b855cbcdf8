// Owns ranking over stored data: candidates for an employer's job (only candidates that employer may
// see: those with a live application to the organisation and those open to discovery, each shown
// with their profile, and applicants with the e-mail they applied with) and published jobs for a
// candidate. It loads rows, turns them into the matching engine's inputs and lets the engine rank;
// the engine is pure and deterministic, so the same data gives the same ranking.
import { AppError, type Database } from '@app/platform';
import type { Selectable } from 'kysely';
import { type HiringTables, hiringDb } from '../../db.js';
import type { ApplicationService, LiveApplicant } from '../applications/service.js';
import type { Profile } from '../candidates/schemas.js';
import { type CandidateService, toApplicantProfile } from '../candidates/service.js';
import {
  extractSkills,
  type MatchCandidate,
  type MatchJob,
  type RankOptions,
  rankCandidatesForJob,
  rankJobsForCandidate,
} from '../matching/index.js';
import type { OrganisationService } from '../organisations/service.js';

type JobRow = Selectable<HiringTables['hiring_jobs']>;

/** The most jobs a candidate's ranking considers: the newest published ones. */
const JOB_POOL = 5_000;

export function toMatchJob(row: JobRow): MatchJob {
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

export function toMatchCandidate(profile: Profile): MatchCandidate {
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

export function createRankingService(
  db: Database,
  organisations: OrganisationService,
  candidates: CandidateService,
  applications: Pick<ApplicationService, 'liveApplicants'>,
) {
  const kysely = hiringDb(db);
  const jobNotFound = () =>
    new AppError({ kind: 'not_found', code: 'job_not_found', detail: 'No such job.' });

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
      const applicants = await applications.liveApplicants(job.organisation_id);
      const pool = await candidates.rankable([...new Set(applicants.map((a) => a.candidateId))]);
      const ranked = rankCandidatesForJob(toMatchJob(job), pool.map(toMatchCandidate), options);
      const profiles = new Map(pool.map((profile) => [profile.userId, profile]));
      const contacts = contactsFor(jobId, applicants);
      return {
        total: ranked.total,
        results: ranked.results.map((result) => {
          const contact = contacts.get(result.id);
          return {
            ...result,
            profile: toApplicantProfile(profiles.get(result.id) as Profile),
            email: contact?.email ?? null,
            applicationId: contact?.jobId === jobId ? contact.applicationId : null,
          };
        }),
      };
    },

    async jobsForCandidate(userId: string, options: RankOptions) {
      const profile = await candidates.get(userId);
      const jobs = await kysely
        .selectFrom('hiring_jobs')
        .selectAll()
        .where('status', '=', 'published')
        .orderBy('posted_at', 'desc')
        .orderBy('id', 'desc')
        .limit(JOB_POOL)
        .execute();
      const ranked = rankJobsForCandidate(toMatchCandidate(profile), jobs.map(toMatchJob), options);
      const byId = new Map(jobs.map((job) => [job.id, job]));
      return {
        total: ranked.total,
        results: ranked.results.map((result) => {
          const job = byId.get(result.id) as JobRow;
          return { ...result, title: job.title, company: job.company };
        }),
      };
    },
  };
}

export type RankingService = ReturnType<typeof createRankingService>;
