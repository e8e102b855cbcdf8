// Owns the fit of one prepared job with one prepared candidate on everything but text (which needs
// the whole ranked set): skills with levels and required weight (a narrower skill of the
// candidate's serves a broader one the job asks for, never the reverse), experience with the job's
// skills, location with its hard constraints, and salary across currencies.
//
// In two passes, because a ranking scores thousands of pairs and shows a page of them: scorePair
// gives the numbers (and the location's hard constraint) without building a sentence or a list;
// explainPair adds the reasons and the matched and missing skills, for the shown results only.
// Both read the same helpers, so a number and its explanation cannot disagree.
import { evidenceReason, type SkillEvidence } from './evidence.js';
import type { ExchangeRates } from './exchange-rates.js';
import { assessLocation, type LocationAssessment, locationFit } from './location.js';
import type { PreparedCandidate, PreparedJob, PreparedJobSkill } from './prepare.js';
import { salaryFit, salaryScore } from './salary.js';
import type { ConstraintFailure, MatchedSkill, MissingSkill, ScoreComponents } from './types.js';

/** A required skill counts this many times as much as a nice-to-have one. */
const REQUIRED_WEIGHT = 3;
const UNKNOWN = 0.5;

type PairComponent = Exclude<keyof ScoreComponents, 'text'>;

export interface PairScore extends Record<PairComponent, number> {
  /** The location figure and any hard constraint broken. */
  place: LocationAssessment;
}

export interface PairExplanation {
  explanations: Record<PairComponent, string>;
  constraints: ConstraintFailure[];
  matchedSkills: MatchedSkill[];
  missingSkills: MissingSkill[];
}

/**
 * What stands for one of the job's skills: the candidate's own, or their strongest narrower one
 * (their FreeRTOS for the job's RTOS), whichever is stronger. Never a broader one: "backend
 * development" or "Spring" says too little about Node.js or Spring Boot.
 */
function held(skill: PreparedJobSkill, candidate: PreparedCandidate): SkillEvidence | undefined {
  const own = candidate.skills.get(skill.key);
  const narrower = candidate.narrower.get(skill.key);
  return narrower && narrower.level > (own?.level ?? 0) ? narrower : own;
}

/**
 * The skills figure and the years that count towards the job's minimum, in one walk over the
 * job's skills. Skills: the weighted share of the job's skills the candidate has; a skill held
 * below the wanted level earns level / wanted (3 of a wanted 4 earns 0.75), without a wanted level
 * any level earns full credit; a job listing no skills cannot tell. Years: when the resume dates
 * its entries, the longest a skill the job asks for was used at work (a candidate whose dated work
 * never used the job's skills has none); otherwise (null) the candidate's stated years count.
 */
function skillsAndYears(job: PreparedJob, candidate: PreparedCandidate) {
  const dated = candidate.datedEntries && job.skills.length > 0;
  let earned = 0;
  let possible = 0;
  let years = 0;
  for (const skill of job.skills) {
    const weight = skill.required ? REQUIRED_WEIGHT : 1;
    possible += weight;
    const evidence = held(skill, candidate);
    if (evidence === undefined) continue;
    earned += weight * (skill.wantedLevel === null ? 1 : Math.min(1, evidence.level / skill.wantedLevel));
    if (dated) years = Math.max(years, evidence.workYears ?? (evidence.atWork ? candidate.years : 0));
  }
  return {
    skills: possible === 0 ? UNKNOWN : earned / possible,
    datedYears: dated ? Math.round(years * 2) / 2 : null,
  };
}

function experienceFit(job: PreparedJob, years: number): number {
  return job.minYears === 0 || years >= job.minYears ? 1 : years / job.minYears;
}

export function scorePair(job: PreparedJob, candidate: PreparedCandidate, rates: ExchangeRates): PairScore {
  const location = assessLocation(job.location, candidate.location);
  const { skills, datedYears } = skillsAndYears(job, candidate);
  return {
    skills,
    experience: experienceFit(job, datedYears ?? candidate.years),
    location: location.fit,
    salary: salaryScore(job.salary, candidate.salary, rates),
    place: location,
  };
}

/**
 * Reasons and skills for one shown pair. `forCandidate` when the candidate ranks jobs: only then
 * may a reason quote the candidate's desired salary, which employers never see.
 */
export function explainPair(
  job: PreparedJob,
  candidate: PreparedCandidate,
  rates: ExchangeRates,
  forCandidate: boolean,
): PairExplanation {
  const matchedSkills: MatchedSkill[] = [];
  const missingSkills: MissingSkill[] = [];
  for (const skill of job.skills) {
    const evidence = held(skill, candidate);
    const wanted = { skill: skill.skill, required: skill.required, wantedLevel: skill.wantedLevel };
    if (evidence === undefined) {
      missingSkills.push(wanted);
      continue;
    }
    const narrower = evidence !== candidate.skills.get(skill.key);
    matchedSkills.push({
      ...wanted,
      level: evidence.level,
      claimedLevel: evidence.claimed,
      via: narrower ? evidence.skill : null,
      reason: narrower
        ? `${evidence.skill} is a kind of ${skill.skill}: ${evidenceReason(evidence)}`
        : evidenceReason(evidence),
    });
  }
  const dated = skillsAndYears(job, candidate).datedYears;
  const years =
    dated === null
      ? `${candidate.years} years of experience`
      : `${dated} years of work with the job's skills`;
  const minimum = job.minYears === 0 ? 'no minimum' : String(job.minYears);
  const whereabouts = locationFit(job.location, candidate.location);
  return {
    explanations: {
      skills:
        job.skills.length === 0
          ? 'the job lists no skills'
          : `has ${matchedSkills.length} of the job's ${job.skills.length} skills at the levels shown`,
      experience: `${years}; the job asks for ${minimum}`,
      location: whereabouts.reason,
      salary: salaryFit(job.salary, candidate.salary, rates, forCandidate).reason,
    },
    constraints: whereabouts.constraint ? [whereabouts.constraint] : [],
    matchedSkills,
    missingSkills,
  };
}
