// Builds minimal jobs and candidates for the matching tests: everything unknown or neutral unless a
// test says otherwise, so each test shows only the fields its promise is about.
import {
  type MatchCandidate,
  type MatchJob,
  type MatchResult,
  rankCandidatesForJob,
} from '../../src/modules/matching/index.js';

export const nowhere = { city: null, region: null, country: null };

export function job(overrides: Partial<MatchJob> = {}): MatchJob {
  return {
    id: 'job',
    title: 'Engineer',
    descriptionText: '',
    skills: [],
    minYearsExperience: null,
    location: nowhere,
    workplaceType: 'remote',
    salary: null,
    ...overrides,
  };
}

export function candidate(overrides: Partial<MatchCandidate> = {}): MatchCandidate {
  return {
    id: 'candidate',
    headline: '',
    resumeText: '',
    skills: [],
    yearsExperience: 0,
    location: nowhere,
    remotePreference: 'any',
    desiredSalary: null,
    ...overrides,
  };
}

/** The explained result of one job with one candidate. */
export function matchOne(forJob: MatchJob, who: MatchCandidate): MatchResult {
  return rankCandidatesForJob(forJob, [who], { limit: 1 }).results[0]!;
}
