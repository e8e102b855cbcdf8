// Owns ranking: candidates for a job and jobs for a candidate, both from the same pair fit plus
// BM25 text relevance over the ranked set, combined by weights into one explained score, then
// filtered, ordered and paged. Deterministic: components and score are rounded to 4 decimals and
// the order is by score, then id, so the same input in any order gives the same ranking.
// Options are checked first; a bad option is a caller's bug and throws a RangeError, bad data never does.
import { bm25Relevance } from './bm25.js';
import { fitPair, type PairFit } from './pair.js';
import { candidateText, jobText, prepareCandidate, prepareJob } from './prepare.js';
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
  return { weights, totalWeight, limit, offset, minScore };
}

function explain(id: string, pair: PairFit, text: number, settings: Settings): MatchResult {
  const components = { ...pair.components, text };
  let weighted = 0;
  for (const name of COMPONENTS) {
    components[name] = round(components[name]);
    weighted += settings.weights[name] * components[name];
  }
  const score = round(weighted / settings.totalWeight);
  return { id, score, components, matchedSkills: pair.matchedSkills, missingSkills: pair.missingSkills };
}

const byScoreThenId = (a: MatchResult, b: MatchResult) =>
  b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function page(results: MatchResult[], settings: Settings): Ranking {
  const kept = results.filter((result) => result.score >= settings.minScore).sort(byScoreThenId);
  return { total: kept.length, results: kept.slice(settings.offset, settings.offset + settings.limit) };
}

export function rankCandidatesForJob(
  job: MatchJob,
  candidates: MatchCandidate[],
  options: RankOptions,
): Ranking {
  const settings = settle(options);
  const prepared = prepareJob(job);
  const relevance = bm25Relevance(jobText(job), candidates.map(candidateText));
  const results = candidates.map((candidate, i) =>
    explain(candidate.id, fitPair(prepared, prepareCandidate(candidate)), relevance[i]!, settings),
  );
  return page(results, settings);
}

export function rankJobsForCandidate(
  candidate: MatchCandidate,
  jobs: MatchJob[],
  options: RankOptions,
): Ranking {
  const settings = settle(options);
  const prepared = prepareCandidate(candidate);
  const relevance = bm25Relevance(candidateText(candidate), jobs.map(jobText));
  const results = jobs.map((job, i) =>
    explain(job.id, fitPair(prepareJob(job), prepared), relevance[i]!, settings),
  );
  return page(results, settings);
}
