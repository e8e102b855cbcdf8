// Owns the matching engine's contract: the job and candidate shapes it ranks, the options it takes
// and the explained results it returns. Plain data only, so the engine stays pure and the callers
// (the ranking service, tests, benchmarks) build inputs however they load them.

/** 1 beginner .. 5 expert. */
export type SkillLevel = 1 | 2 | 3 | 4 | 5;

export type SalaryInterval = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';

/** Amounts are integers in minor units (cents); either end may be unknown. */
export interface SalaryRange {
  min: number | null;
  max: number | null;
  /** ISO 4217 code; ranges in different currencies are never compared. */
  currency: string;
  interval: SalaryInterval;
}

export interface Place {
  city: string | null;
  region: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
}

export interface MatchJob {
  id: string;
  title: string;
  descriptionText: string;
  /** Names may be any alias ("k8s", "Postgres"); the engine canonicalises them. */
  skills: Array<{ name: string; level: SkillLevel | null; required: boolean }>;
  minYearsExperience: number | null;
  location: Place;
  /** Unknown (null) is read as on-site, the most demanding reading. */
  workplaceType: 'on_site' | 'hybrid' | 'remote' | null;
  salary: SalaryRange | null;
}

export interface MatchCandidate {
  id: string;
  headline: string;
  resumeText: string;
  skills: Array<{ name: string; level: SkillLevel }>;
  yearsExperience: number;
  location: Place;
  remotePreference: 'remote' | 'hybrid' | 'on_site' | 'any';
  desiredSalary: SalaryRange | null;
}

/** How well one job and one candidate fit on each axis, each in [0, 1] (0.5 means "cannot tell"). */
export interface ScoreComponents {
  skills: number;
  experience: number;
  location: number;
  salary: number;
  /** BM25 relevance divided by the best in the ranked set, so the best text match scores 1. */
  text: number;
}

export interface MatchedSkill {
  /** The canonical name for skills in the alias table, else the job's own spelling. */
  skill: string;
  required: boolean;
  wantedLevel: SkillLevel | null;
  level: SkillLevel;
}

export type MissingSkill = Omit<MatchedSkill, 'level'>;

export interface MatchResult {
  /** The candidate's id when ranking candidates, the job's id when ranking jobs. */
  id: string;
  /** Weighted mean of the components, rounded to 4 decimals. */
  score: number;
  /** Each rounded to 4 decimals; the score is computed from these rounded values. */
  components: ScoreComponents;
  /** The job's skills the candidate has, in the job's order, with the candidate's level. */
  matchedSkills: MatchedSkill[];
  /** The job's skills the candidate lacks, in the job's order. */
  missingSkills: MissingSkill[];
}

export interface RankOptions {
  /** Relative, non-negative weights merged over the defaults; they need not sum to 1. */
  weights?: Partial<ScoreComponents>;
  limit: number;
  offset?: number;
  /** Results scoring below this are dropped before counting and paging. */
  minScore?: number;
}

export interface Ranking {
  /** Results at or above minScore, before offset and limit. */
  total: number;
  /** Best first; equal scores in ascending id order. */
  results: MatchResult[];
}
