// Owns the public face of matching: a pure, deterministic, explainable engine that ranks
// candidates for a job and jobs for a candidate. It knows nothing of the database, HTTP or who may
// see whom; the ranking module loads what a caller may see and hands it here.
//
// score = sum(weight[c] * components[c]) / sum(weight), over skills, experience, location,
// salary and text, each in [0, 1] and rounded to 4 decimals (see types.ts and each module's
// header for how a component is computed; 0.5 means "cannot tell").
export { DEFAULT_WEIGHTS, rankCandidatesForJob, rankJobsForCandidate } from './rank.js';
export { canonicalSkill, extractSkills } from './skills.js';
export type {
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
