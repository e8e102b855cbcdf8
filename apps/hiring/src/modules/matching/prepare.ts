// Owns turning a job or a candidate into what pair scoring reads, done once per input however many
// pairs it takes part in: skills keyed by canonical name (duplicates merged), levels clamped to
// 1..5, places folded, salaries made yearly, text joined for BM25. Garbage in (NaN years, a level
// of 7, an empty place) becomes "unknown" or the nearest valid value, never an exception.
import { type FoldedPlace, foldPlace } from './location.js';
import { type YearlyRange, yearly } from './salary.js';
import { canonicalSkill, skillKey } from './skills.js';
import type { MatchCandidate, MatchJob, SkillLevel } from './types.js';

export interface PreparedJobSkill {
  key: string;
  skill: string;
  required: boolean;
  wantedLevel: SkillLevel | null;
}

export interface PreparedJob {
  skills: PreparedJobSkill[];
  minYears: number;
  workplaceType: MatchJob['workplaceType'];
  place: FoldedPlace;
  salary: YearlyRange | null;
}

export interface PreparedCandidate {
  levels: Map<string, SkillLevel>;
  years: number;
  preference: MatchCandidate['remotePreference'];
  place: FoldedPlace;
  salary: YearlyRange | null;
}

function clampLevel(level: number | null): SkillLevel | null {
  return level !== null && Number.isFinite(level)
    ? (Math.min(5, Math.max(1, Math.round(level))) as SkillLevel)
    : null;
}

const years = (value: number | null) => (value !== null && Number.isFinite(value) && value > 0 ? value : 0);

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
      skills.set(key, { key, skill: canonicalSkill(name) ?? name.trim(), required, wantedLevel });
    }
  }
  return {
    skills: [...skills.values()],
    minYears: years(job.minYearsExperience),
    workplaceType: job.workplaceType,
    place: foldPlace(job.location),
    salary: yearly(job.salary),
  };
}

export function prepareCandidate(candidate: MatchCandidate): PreparedCandidate {
  const levels = new Map<string, SkillLevel>();
  for (const { name, level } of candidate.skills) {
    const key = skillKey(name);
    const clamped = clampLevel(level) ?? 1;
    levels.set(key, Math.max(levels.get(key) ?? 1, clamped) as SkillLevel);
  }
  return {
    levels,
    years: years(candidate.yearsExperience),
    preference: candidate.remotePreference,
    place: foldPlace(candidate.location),
    salary: yearly(candidate.desiredSalary),
  };
}

export const jobText = (job: MatchJob) => `${job.title}\n${job.descriptionText}`;
export const candidateText = (candidate: MatchCandidate) => `${candidate.headline}\n${candidate.resumeText}`;
