// Owns turning a job or a candidate into what pair scoring reads, done once per input however many
// pairs it takes part in, and kept by callers while the input does not change: skills keyed by
// canonical name with their broader skills, candidate levels weighed against the resume
// (evidence.ts), places resolved through the gazetteer, salaries made yearly, text read into term
// bags for BM25. Garbage in (NaN years, a level of 7, an empty place) becomes "unknown" or the
// nearest valid value, never an exception.
import { type TermBag, termBag } from './bm25.js';
import { clampLevel, type SkillEvidence, weighEvidence } from './evidence.js';
import { type CandidateLocation, candidateLocation, type JobLocation, jobLocation } from './location.js';
import { type YearlyRange, yearly } from './salary.js';
import { broaderSkills, canonicalSkill, skillKey } from './skills.js';
import type { MatchCandidate, MatchJob, SkillLevel } from './types.js';

export interface PreparedJobSkill {
  key: string;
  skill: string;
  required: boolean;
  wantedLevel: SkillLevel | null;
}

export interface PreparedJob {
  id: string;
  skills: PreparedJobSkill[];
  minYears: number;
  location: JobLocation;
  salary: YearlyRange | null;
  text: TermBag;
}

export interface PreparedCandidate {
  id: string;
  /** Every skill claimed or shown, by key, with the level matching uses. */
  skills: ReadonlyMap<string, SkillEvidence>;
  /** For each broader skill of the candidate's skills, the strongest narrower skill they hold. */
  narrower: ReadonlyMap<string, SkillEvidence>;
  /** Whether the resume dates its entries with ranges, so years with a given skill can be read. */
  datedEntries: boolean;
  years: number;
  location: CandidateLocation;
  salary: YearlyRange | null;
  text: TermBag;
}

const positiveYears = (value: number | null) =>
  value !== null && Number.isFinite(value) && value > 0 ? value : 0;

export function prepareJob(job: MatchJob): PreparedJob {
  const skills = new Map<string, PreparedJobSkill>();
  for (const { name, level, required } of job.skills) {
    const key = skillKey(name);
    const wantedLevel = clampLevel(level);
    const seen = skills.get(key);
    if (seen) {
      seen.required ||= required;
      const wanted = Math.max(seen.wantedLevel ?? 0, wantedLevel ?? 0);
      seen.wantedLevel = wanted === 0 ? null : (wanted as SkillLevel);
    } else {
      const skill = canonicalSkill(name) ?? name.trim();
      skills.set(key, { key, skill, required, wantedLevel });
    }
  }
  return {
    id: job.id,
    skills: [...skills.values()],
    minYears: positiveYears(job.minYearsExperience),
    location: jobLocation(job),
    salary: yearly(job.salary),
    text: termBag(`${job.title}\n${job.descriptionText}`),
  };
}

export function prepareCandidate(candidate: MatchCandidate, asOf: Date): PreparedCandidate {
  const { skills, datedEntries } = weighEvidence(candidate, asOf.getUTCFullYear());
  const narrower = new Map<string, SkillEvidence>();
  for (const [key, evidence] of skills) {
    for (const broader of broaderSkills(key)) {
      const held = narrower.get(broader);
      if (!held || evidence.level > held.level) narrower.set(broader, evidence);
    }
  }
  return {
    id: candidate.id,
    skills,
    narrower,
    datedEntries,
    years: positiveYears(candidate.yearsExperience),
    location: candidateLocation(candidate),
    salary: yearly(candidate.desiredSalary),
    text: termBag(`${candidate.headline}\n${candidate.resumeText}`),
  };
}
