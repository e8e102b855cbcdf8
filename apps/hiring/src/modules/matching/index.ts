// Owns the public face of matching: a pure, deterministic, explainable engine that ranks
// candidates for a job and jobs for a candidate. It knows nothing of the database, HTTP or who may
// see whom; the ranking module loads what a caller may see and hands it here.
//
// score = sum(weight[c] * components[c]) / sum(weight), over skills, experience, location,
// salary and text, each in [0, 1] and rounded to 4 decimals (see types.ts and each module's
// header for how a component is computed; 0.5 means "cannot tell"). Candidates breaking a hard
// constraint (location.ts) rank below everyone who meets them all, with the reason.
export type { ExchangeRates } from './exchange-rates.js';
export { SHIPPED_RATES } from './exchange-rates.js';
export type { PreparedCandidate, PreparedJob } from './prepare.js';
export { prepareCandidate, prepareJob } from './prepare.js';
export {
  DEFAULT_WEIGHTS,
  rankCandidatesForJob,
  rankJobsForCandidate,
  rankPreparedCandidates,
  rankPreparedJobs,
} from './rank.js';
export { canonicalSkill, extractSkills } from './skills.js';
export type {
  ConstraintFailure,
  MatchCandidate,
  MatchedSkill,
  MatchJob,
  MatchResult,
  MissingSkill,
  Place,
  Ranking,
  RankOptions,
  SalaryInterval,
  SalaryRange,
  ScoreComponents,
  SkillLevel,
} from './types.js';
