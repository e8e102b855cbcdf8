// Owns candidate profiles: a candidate writes and reads their own (skills folded to one spelling,
// salary range checked), and other modules load the profiles an employer is allowed to see: those
// of candidates who applied to the organisation (the caller names them: the applications service
// knows who applied), or who opted into discovery. Never reads another module's tables. The
// countries a candidate may work in are checked in jobs/place-codes.ts.
import { AppError, type Clock, type Database } from '@app/platform';
import { type Selectable, sql } from 'kysely';
import { type HiringTables, hiringDb } from '../../db.js';
import { countryCodes } from '../jobs/place-codes.js';
import { normaliseSkillName } from '../jobs/text.js';
import type { ApplicantProfile, Profile, ProfileInput } from './schemas.js';

type CandidateRow = Selectable<HiringTables['hiring_candidates']>;

function toProfile(row: CandidateRow): Profile {
  return {
    userId: row.user_id,
    name: row.name,
    headline: row.headline,
    skills: row.skills,
    yearsExperience: row.years_experience,
    location: { city: row.city, region: row.region, country: row.country },
    remotePreference: row.remote_preference,
    desiredSalary:
      row.salary_currency && row.salary_interval
        ? {
            min: row.salary_min,
            max: row.salary_max,
            currency: row.salary_currency,
            interval: row.salary_interval,
          }
        : null,
    resumeText: row.resume_text,
    discoverable: row.discoverable,
    workAuthorisation: row.work_authorisation,
    willingToRelocate: row.willing_to_relocate,
    updatedAt: row.updated_at.toISOString(),
  };
}

function toApplicantProfile({
  userId: _userId,
  desiredSalary: _desiredSalary,
  discoverable: _discoverable,
  ...shown
}: Profile): ApplicantProfile {
  return shown;
}

export function createCandidateService(db: Database, clock: Clock) {
  const kysely = hiringDb(db);

  return {
    async get(userId: string): Promise<Profile> {
      const row = await kysely
        .selectFrom('hiring_candidates')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) {
        throw new AppError({
          kind: 'not_found',
          code: 'candidate_profile_missing',
          detail: 'You have no candidate profile yet; PUT one first.',
        });
      }
      return toProfile(row);
    },

    async save(userId: string, input: ProfileInput): Promise<Profile> {
      const salary = input.desiredSalary;
      if (salary && salary.min !== null && salary.max !== null && salary.min > salary.max) {
        throw new AppError({
          kind: 'invalid_input',
          code: 'salary_range_inverted',
          detail: 'desiredSalary.min must not be above desiredSalary.max.',
          fields: [{ path: '/body/desiredSalary/min', message: 'must be <= desiredSalary.max' }],
        });
      }
      const workAuthorisation = countryCodes(input.workAuthorisation ?? [], '/body/workAuthorisation');
      // One entry per skill: the highest level given wins.
      const skills = new Map<string, 1 | 2 | 3 | 4 | 5>();
      for (const skill of input.skills) {
        const name = normaliseSkillName(skill.name);
        skills.set(name, Math.max(skills.get(name) ?? 0, skill.level) as 1 | 2 | 3 | 4 | 5);
      }
      const columns = {
        name: input.name?.trim() ?? '',
        headline: input.headline.trim(),
        skills: JSON.stringify([...skills].map(([name, level]) => ({ name, level }))),
        years_experience: input.yearsExperience,
        city: input.location.city,
        region: input.location.region,
        country: input.location.country,
        remote_preference: input.remotePreference,
        salary_min: salary?.min ?? null,
        salary_max: salary?.max ?? null,
        salary_currency: salary?.currency ?? null,
        salary_interval: salary?.interval ?? null,
        resume_text: input.resumeText,
        discoverable: input.discoverable,
        work_authorisation: workAuthorisation,
        willing_to_relocate: input.willingToRelocate ?? null,
        updated_at: clock.now(),
      };
      const row = await kysely
        .insertInto('hiring_candidates')
        .values({ user_id: userId, ...columns })
        .onConflict((conflict) => conflict.column('user_id').doUpdateSet(columns))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toProfile(row);
    },

    /**
     * Which profiles an organisation may rank, with a version that changes whenever the profile
     * does: candidates open to discovery, and `applicantIds` (the candidates with a live
     * application to the organisation, as the applications service says).
     */
    async rankableVersions(
      applicantIds: readonly string[],
    ): Promise<Array<{ userId: string; version: string }>> {
      const rows = await kysely
        .selectFrom('hiring_candidates')
        // xmin names the transaction that wrote the row's current version: it changes with every
        // write, however close together, where updated_at (the application's clock) may not.
        .select(['user_id', sql<string>`xmin::text`.as('version')])
        .where((eb) =>
          eb.or([
            eb('discoverable', '=', true),
            eb('user_id', '=', sql<string>`any(${[...applicantIds]}::uuid[])`),
          ]),
        )
        .orderBy('user_id')
        .execute();
      return rows.map((row) => ({ userId: row.user_id, version: row.version }));
    },

    /** Full profiles of the given candidates (absent: no profile); callers pass ids they may see. */
    async profilesOf(userIds: readonly string[]): Promise<Profile[]> {
      if (userIds.length === 0) return [];
      const rows = await kysely
        .selectFrom('hiring_candidates')
        .selectAll()
        .where('user_id', '=', sql<string>`any(${[...userIds]}::uuid[])`)
        .execute();
      return rows.map(toProfile);
    },

    /**
     * The employer's view of the given candidates' profiles, by user id (absent: no profile yet).
     * The caller has already checked that the employer may see each of them.
     */
    async applicantProfiles(userIds: readonly string[]): Promise<Map<string, ApplicantProfile>> {
      if (userIds.length === 0) return new Map();
      const rows = await kysely
        .selectFrom('hiring_candidates')
        .selectAll()
        .where('user_id', '=', sql<string>`any(${[...new Set(userIds)]}::uuid[])`)
        .execute();
      return new Map(rows.map((row) => [row.user_id, toApplicantProfile(toProfile(row))]));
    },
  };
}

export type CandidateService = ReturnType<typeof createCandidateService>;
