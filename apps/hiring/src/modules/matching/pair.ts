// Owns the fit of one prepared job with one prepared candidate on everything but text (which needs
// the whole ranked set): skills with levels and required weight (a narrower skill of the
// candidate's serves a broader one the job asks for, never the reverse), experience with the job's skills, location
// with its hard constraints, salary across currencies, and a short reason for each.
import type { SkillEvidence } from './evidence.js';
import type { ExchangeRates } from './exchange-rates.js';
import { locationFit } from './location.js';
import type { PreparedCandidate, PreparedJob, PreparedJobSkill } from './prepare.js';
import { salaryFit } from './salary.js';
import type { ConstraintFailure, MatchedSkill, MissingSkill, ScoreComponents, SkillLevel } from './types.js';

/** A required skill counts this many times as much as a nice-to-have one. */
const REQUIRED_WEIGHT = 3;
const UNKNOWN = 0.5;

type PairComponent = Exclude<keyof ScoreComponents, 'text'>;

export interface PairFit {
  components: Record<PairComponent, number>;
  explanations: Record<PairComponent, string>;
  constraints: ConstraintFailure[];
  matchedSkills: MatchedSkill[];
  missingSkills: MissingSkill[];
}

interface Holding {
  matched: MatchedSkill;
  evidence: SkillEvidence;
}

/**
 * How the candidate holds one of the job's skills: as that skill, or through a narrower one (their
 * FreeRTOS for the job's RTOS, at its level), whichever is stronger. Never through a broader one:
 * "backend development" or "Spring" says too little about Node.js or Spring Boot.
 */
function holding(job: PreparedJobSkill, candidate: PreparedCandidate): Holding | null {
  const held = (evidence: SkillEvidence, level: SkillLevel, via: string | null, reason: string) => ({
    matched: {
      skill: job.skill,
      required: job.required,
      wantedLevel: job.wantedLevel,
      level,
      claimedLevel: evidence.claimed,
      via,
      reason,
    },
    evidence,
  });
  const own = candidate.skills.get(job.key);
  let best: Holding | null = own ? held(own, own.level, null, own.reason) : null;
  const narrower = candidate.narrower.get(job.key);
  if (narrower && narrower.level > (best?.matched.level ?? 0)) {
    const reason = `${narrower.skill} is a kind of ${job.skill}: ${narrower.reason}`;
    best = held(narrower, narrower.level, narrower.skill, reason);
  }
  return best;
}

/**
 * Weighted share of the job's skills the candidate has. A skill held below the wanted level earns
 * level / wanted (3 of a wanted 4 earns 0.75); without a wanted level any level earns full credit.
 * A job listing no skills cannot tell.
 */
function skillFit(job: PreparedJob, candidate: PreparedCandidate) {
  const matchedSkills: MatchedSkill[] = [];
  const missingSkills: MissingSkill[] = [];
  const evidence: SkillEvidence[] = [];
  let earned = 0;
  let possible = 0;
  for (const skill of job.skills) {
    const weight = skill.required ? REQUIRED_WEIGHT : 1;
    possible += weight;
    const held = holding(skill, candidate);
    if (held === null) {
      missingSkills.push({ skill: skill.skill, required: skill.required, wantedLevel: skill.wantedLevel });
      continue;
    }
    matchedSkills.push(held.matched);
    evidence.push(held.evidence);
    const { level } = held.matched;
    earned += weight * (skill.wantedLevel === null ? 1 : Math.min(1, level / skill.wantedLevel));
  }
  const fit = possible === 0 ? UNKNOWN : earned / possible;
  const reason =
    possible === 0
      ? 'the job lists no skills'
      : `has ${matchedSkills.length} of the job's ${job.skills.length} skills at the levels shown`;
  return { fit, reason, matchedSkills, missingSkills, evidence };
}

/**
 * Years that count towards the job's minimum: when the resume dates its entries, the longest a skill
 * the job asks for was used at work (a candidate whose dated work never used the job's skills has
 * none); otherwise the candidate's stated years.
 */
function experienceFit(job: PreparedJob, candidate: PreparedCandidate, held: SkillEvidence[]) {
  let years = candidate.years;
  let what = `${candidate.years} years of experience`;
  if (candidate.datedEntries && job.skills.length > 0) {
    years = 0;
    for (const evidence of held) {
      years = Math.max(years, evidence.workYears ?? (evidence.atWork ? candidate.years : 0));
    }
    years = Math.round(years * 2) / 2;
    what = `${years} years of dated work with the job's skills`;
  }
  if (job.minYears === 0) return { fit: 1, reason: `${what}; the job asks for no minimum` };
  const fit = years >= job.minYears ? 1 : years / job.minYears;
  return { fit, reason: `${what}; the job asks for ${job.minYears}` };
}

export function fitPair(job: PreparedJob, candidate: PreparedCandidate, rates: ExchangeRates): PairFit {
  const skills = skillFit(job, candidate);
  const experience = experienceFit(job, candidate, skills.evidence);
  const location = locationFit(job.location, candidate.location);
  const salary = salaryFit(job.salary, candidate.salary, rates);
  return {
    components: {
      skills: skills.fit,
      experience: experience.fit,
      location: location.fit,
      salary: salary.fit,
    },
    explanations: {
      skills: skills.reason,
      experience: experience.reason,
      location: location.reason,
      salary: salary.reason,
    },
    constraints: location.constraint ? [location.constraint] : [],
    matchedSkills: skills.matchedSkills,
    missingSkills: skills.missingSkills,
  };
}
