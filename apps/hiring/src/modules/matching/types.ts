// Owns the matching engine's contract: the job and candidate shapes it ranks, the options it takes
// and the explained results it returns. Plain data only, so the engine stays pure and the callers
// (the ranking service, tests, benchmarks) build inputs however they load them.
import type { ExchangeRates } from './exchange-rates.js';

/** 1 beginner .. 5 expert. */
export type SkillLevel = 1 | 2 | 3 | 4 | 5;

export type SalaryInterval = 'HOUR' | 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';

/** Amounts are integers in minor units (cents); either end may be unknown. */
export interface SalaryRange {
  min: number | null;
  max: number | null;
  /** ISO 4217 code; other currencies are converted with the ranking's exchange rates. */
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
  /**
   * Where a remote job may be done: ISO 3166-1 alpha-2 countries or region codes ("EU", "EEA",
   * "DACH"). Absent or empty: anywhere. A candidate living elsewhere breaks a hard constraint.
   */
  remoteRegions?: string[];
  /** How far (km) an on-site or hybrid job's office is a commute; absent or null: 50 km. */
  commuteRadiusKm?: number | null;
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
  /** ISO 3166-1 alpha-2 countries the candidate may work in; absent or empty: not stated. */
  workAuthorisation?: string[];
  /** Would move for the job; absent or null: not stated. */
  willingToRelocate?: boolean | null;
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
  /** The level matching used: the candidate's claim weighed against their resume. */
  level: SkillLevel;
  /** What the candidate's skill list says; null when the skill was found only in the resume. */
  claimedLevel: SkillLevel | null;
  /** The candidate's own skill when it is a narrower or broader one ("freertos" for "rtos"). */
  via: string | null;
  /** One short sentence: where the level comes from. */
  reason: string;
}

export interface MissingSkill {
  skill: string;
  required: boolean;
  wantedLevel: SkillLevel | null;
}

/** A hard constraint the candidate breaks; such candidates rank below all who break none. */
export interface ConstraintFailure {
  code: 'remote_only' | 'outside_remote_region' | 'too_far' | 'no_work_authorisation';
  reason: string;
}

export interface MatchResult {
  /** The candidate's id when ranking candidates, the job's id when ranking jobs. */
  id: string;
  /** Weighted mean of the components, rounded to 4 decimals. */
  score: number;
  /** Each rounded to 4 decimals; the score is computed from these rounded values. */
  components: ScoreComponents;
  /** One short sentence per component saying how it was reached. */
  explanations: Record<keyof ScoreComponents, string>;
  /** Hard constraints broken, empty when all are met. */
  constraints: ConstraintFailure[];
  /** The job's skills the candidate has, in the job's order, with the level matching used. */
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
  /** Currency conversion; absent: the snapshot shipped with the engine. */
  rates?: ExchangeRates;
  /** The day "2018 to present" in a resume ends; absent: today. */
  asOf?: Date;
}

export interface Ranking {
  /** Results at or above minScore, before offset and limit. */
  total: number;
  /** Those breaking no hard constraint first, then best score first, then ascending id. */
  results: MatchResult[];
}
