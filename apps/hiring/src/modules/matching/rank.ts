// Owns ranking: candidates for a job and jobs for a candidate, both from the same pair fit plus
// BM25 text relevance over the ranked set, combined by weights into one explained score, then
// filtered, ordered and paged. Deterministic: components and score are rounded to 4 decimals and
// the order is: everyone meeting the hard constraints first, then by score, then id, so the same
// input in any order gives the same ranking. Callers that rank the same inputs again keep them
// prepared (prepare.ts) and call the rankPrepared functions; the plain ones prepare as they go.
// Options are checked first; a bad option is a caller's bug and throws a RangeError, bad data never does.
import { bm25Relevance } from './bm25.js';
import { type ExchangeRates, SHIPPED_RATES } from './exchange-rates.js';
import { fitPair, type PairFit } from './pair.js';
import { type PreparedCandidate, type PreparedJob, prepareCandidate, prepareJob } from './prepare.js';
import type {
  MatchCandidate,
  MatchJob,
  MatchResult,
  Ranking,
  RankOptions,
  ScoreComponents,
} from './types.js';

/** Skills lead; text relevance breaks near-ties and rescues profiles whose skill lists are thin. */
export const DEFAULT_WEIGHTS: Readonly<ScoreComponents> = {
  skills: 0.4,
  experience: 0.15,
  location: 0.15,
  salary: 0.1,
  text: 0.2,
};

const COMPONENTS = Object.keys(DEFAULT_WEIGHTS) as Array<keyof ScoreComponents>;

const round = (value: number) => Math.round(value * 10_000) / 10_000;

interface Settings {
  rates: ExchangeRates;
  weights: ScoreComponents;
  totalWeight: number;
  limit: number;
  offset: number;
  minScore: number;
}

function settle(options: RankOptions): Settings {
  const { limit, offset = 0, minScore = 0 } = options;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer');
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError('offset must be a non-negative integer');
  if (!(minScore >= 0 && minScore <= 1)) throw new RangeError('minScore must be within [0, 1]');
  const weights = { ...DEFAULT_WEIGHTS };
  let totalWeight = 0;
  for (const name of COMPONENTS) {
    const weight = options.weights?.[name] ?? DEFAULT_WEIGHTS[name];
    if (!(weight >= 0 && Number.isFinite(weight)))
      throw new RangeError(`weight of ${name} must be finite and >= 0`);
    weights[name] = weight;
    totalWeight += weight;
  }
  if (totalWeight === 0) throw new RangeError('at least one weight must be positive');
  return { rates: options.rates ?? SHIPPED_RATES, weights, totalWeight, limit, offset, minScore };
}

function explain(id: string, pair: PairFit, text: number, size: number, settings: Settings): MatchResult {
  const components = { ...pair.components, text };
  let weighted = 0;
  for (const name of COMPONENTS) {
    components[name] = round(components[name]);
    weighted += settings.weights[name] * components[name];
  }
  const score = round(weighted / settings.totalWeight);
  const textReason = `BM25 text relevance against the best of the ${size} ranked`;
  return {
    id,
    score,
    components,
    explanations: { ...pair.explanations, text: textReason },
    constraints: pair.constraints,
    matchedSkills: pair.matchedSkills,
    missingSkills: pair.missingSkills,
  };
}

/** Those meeting every hard constraint first, then by score, then by id. */
const byConstraintsScoreId = (a: MatchResult, b: MatchResult) =>
  Number(a.constraints.length > 0) - Number(b.constraints.length > 0) ||
  b.score - a.score ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function page(results: MatchResult[], settings: Settings): Ranking {
  const kept = results.filter((result) => result.score >= settings.minScore).sort(byConstraintsScoreId);
  return { total: kept.length, results: kept.slice(settings.offset, settings.offset + settings.limit) };
}

/** Ranks candidates prepared earlier (prepare.ts) for a prepared job. */
export function rankPreparedCandidates(
  job: PreparedJob,
  candidates: readonly PreparedCandidate[],
  options: RankOptions,
): Ranking {
  const settings = settle(options);
  const relevance = bm25Relevance(
    job.text,
    candidates.map((candidate) => candidate.text),
  );
  const results = candidates.map((candidate, i) =>
    explain(
      candidate.id,
      fitPair(job, candidate, settings.rates),
      relevance[i]!,
      candidates.length,
      settings,
    ),
  );
  return page(results, settings);
}

/** Ranks jobs prepared earlier (prepare.ts) for a prepared candidate. */
export function rankPreparedJobs(
  candidate: PreparedCandidate,
  jobs: readonly PreparedJob[],
  options: RankOptions,
): Ranking {
  const settings = settle(options);
  const relevance = bm25Relevance(
    candidate.text,
    jobs.map((job) => job.text),
  );
  const results = jobs.map((job, i) =>
    explain(job.id, fitPair(job, candidate, settings.rates), relevance[i]!, jobs.length, settings),
  );
  return page(results, settings);
}

export function rankCandidatesForJob(
  job: MatchJob,
  candidates: readonly MatchCandidate[],
  options: RankOptions,
): Ranking {
  const asOf = options.asOf ?? new Date();
  return rankPreparedCandidates(
    prepareJob(job),
    candidates.map((candidate) => prepareCandidate(candidate, asOf)),
    options,
  );
}

export function rankJobsForCandidate(
  candidate: MatchCandidate,
  jobs: readonly MatchJob[],
  options: RankOptions,
): Ranking {
  return rankPreparedJobs(
    prepareCandidate(candidate, options.asOf ?? new Date()),
    jobs.map(prepareJob),
    options,
  );
}
