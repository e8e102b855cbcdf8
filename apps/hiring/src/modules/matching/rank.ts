// Owns ranking: candidates for a job and jobs for a candidate, both from the same pair fit plus
// BM25 text relevance over the ranked set, combined by weights into one explained score, then
// filtered, ordered and paged. Deterministic: components and score are rounded to 4 decimals and
// the order is: everyone meeting the hard constraints first, then by score, then id, so the same
// input in any order gives the same ranking. Callers that rank the same inputs again keep them
// prepared (prepare.ts) and call the rankPrepared functions; the plain ones prepare as they go.
// Options are checked first; a bad option is a caller's bug and throws a RangeError, bad data never does.
import { bm25Relevance } from './bm25.js';
import { type ExchangeRates, SHIPPED_RATES } from './exchange-rates.js';
import { explainPair, type PairExplanation, type PairScore, scorePair } from './pair.js';
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

const COMPONENT_COUNT = COMPONENTS.length;

/**
 * Scores every pair into flat arrays (nothing per pair outlives its turn, so a ranking leaves little
 * for the garbage collector), keeps those at or above minScore, orders them (those meeting every
 * hard constraint first, then by score, then by id), pages, and explains only the page.
 */
function rankPairs(
  count: number,
  idOf: (i: number) => string,
  scoreOf: (i: number) => PairScore,
  relevance: Float64Array,
  settings: Settings,
  explain: (i: number) => PairExplanation,
): Ranking {
  const { weights } = settings;
  // Each component rounded to 4 decimals: the score is computed from these, as shown.
  const components = new Float64Array(count * COMPONENT_COUNT);
  const scores = new Float64Array(count);
  const broken = new Uint8Array(count);
  const kept: number[] = [];
  for (let i = 0; i < count; i++) {
    const pair = scoreOf(i);
    const at = i * COMPONENT_COUNT;
    const values = [pair.skills, pair.experience, pair.location, pair.salary, relevance[i]!];
    let weighted = 0;
    for (let c = 0; c < COMPONENT_COUNT; c++) {
      components[at + c] = round(values[c]!);
      weighted += weights[COMPONENTS[c]!] * components[at + c]!;
    }
    scores[i] = round(weighted / settings.totalWeight);
    broken[i] = pair.place.constraint === null ? 0 : 1;
    if (scores[i]! >= settings.minScore) kept.push(i);
  }
  const ids = Array.from({ length: count }, (_, i) => idOf(i));
  kept.sort((a, b) => broken[a]! - broken[b]! || scores[b]! - scores[a]! || (ids[a]! < ids[b]! ? -1 : 1));
  const textReason = `BM25 text relevance against the best of the ${count} ranked`;
  const results = kept.slice(settings.offset, settings.offset + settings.limit).map((i): MatchResult => {
    const { explanations, constraints, matchedSkills, missingSkills } = explain(i);
    const shown = {} as ScoreComponents;
    COMPONENTS.forEach((name, c) => {
      shown[name] = components[i * COMPONENT_COUNT + c]!;
    });
    return {
      id: ids[i]!,
      score: scores[i]!,
      components: shown,
      explanations: { ...explanations, text: textReason },
      constraints,
      matchedSkills,
      missingSkills,
    };
  });
  return { total: kept.length, results };
}

/** Ranks candidates prepared earlier (prepare.ts) for a prepared job. */
export function rankPreparedCandidates(
  job: PreparedJob,
  candidates: readonly PreparedCandidate[],
  options: RankOptions,
): Ranking {
  const settings = settle(options);
  const { rates } = settings;
  return rankPairs(
    candidates.length,
    (i) => candidates[i]!.id,
    (i) => scorePair(job, candidates[i]!, rates),
    bm25Relevance(
      job.text,
      candidates.map((candidate) => candidate.text),
    ),
    settings,
    (i) => explainPair(job, candidates[i]!, rates, false),
  );
}

/** Ranks jobs prepared earlier (prepare.ts) for a prepared candidate. */
export function rankPreparedJobs(
  candidate: PreparedCandidate,
  jobs: readonly PreparedJob[],
  options: RankOptions,
): Ranking {
  const settings = settle(options);
  const { rates } = settings;
  return rankPairs(
    jobs.length,
    (i) => jobs[i]!.id,
    (i) => scorePair(jobs[i]!, candidate, rates),
    bm25Relevance(
      candidate.text,
      jobs.map((job) => job.text),
    ),
    settings,
    (i) => explainPair(jobs[i]!, candidate, rates, true),
  );
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
