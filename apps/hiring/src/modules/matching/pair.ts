// Owns the fit of one prepared job with one prepared candidate on everything but text (which needs
// the whole ranked set): skills with levels and required weight, experience, location, salary,
// and the matched and missing skills that explain the skills figure.
import { locationFit } from './location.js';
import type { PreparedCandidate, PreparedJob } from './prepare.js';
import { salaryFit } from './salary.js';
import type { MatchedSkill, MissingSkill, ScoreComponents } from './types.js';

/** A required skill counts this many times as much as a nice-to-have one. */
const REQUIRED_WEIGHT = 3;
const UNKNOWN = 0.5;

export interface PairFit {
  components: Omit<ScoreComponents, 'text'>;
  matchedSkills: MatchedSkill[];
  missingSkills: MissingSkill[];
}

/**
 * Weighted share of the job's skills the candidate has. A skill held below the wanted level earns
 * level / wanted (3 of a wanted 4 earns 0.75); without a wanted level any level earns full credit.
 * A job listing no skills cannot tell.
 */
function skillFit(
  job: PreparedJob,
  candidate: PreparedCandidate,
): Omit<PairFit, 'components'> & { fit: number } {
  const matchedSkills: MatchedSkill[] = [];
  const missingSkills: MissingSkill[] = [];
  let earned = 0;
  let possible = 0;
  for (const { key, skill, required, wantedLevel } of job.skills) {
    const weight = required ? REQUIRED_WEIGHT : 1;
    possible += weight;
    const level = candidate.levels.get(key);
    if (level === undefined) {
      missingSkills.push({ skill, required, wantedLevel });
      continue;
    }
    matchedSkills.push({ skill, required, wantedLevel, level });
    earned += weight * (wantedLevel === null ? 1 : Math.min(1, level / wantedLevel));
  }
  return { fit: possible === 0 ? UNKNOWN : earned / possible, matchedSkills, missingSkills };
}

/** Meeting the minimum earns 1; short of it, the share of the minimum served. */
const experienceFit = (minYears: number, years: number) => (years >= minYears ? 1 : years / minYears);

export function fitPair(job: PreparedJob, candidate: PreparedCandidate): PairFit {
  const { fit, matchedSkills, missingSkills } = skillFit(job, candidate);
  return {
    components: {
      skills: fit,
      experience: experienceFit(job.minYears, candidate.years),
      location: locationFit(job.workplaceType, job.place, candidate.preference, candidate.place),
      salary: salaryFit(job.salary, candidate.salary),
    },
    matchedSkills,
    missingSkills,
  };
}
