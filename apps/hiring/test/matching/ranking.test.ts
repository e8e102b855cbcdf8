// Rankings are deterministic, paged as asked, explained by components that add up to the score,
// and never broken by messy data.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WEIGHTS,
  type MatchCandidate,
  type MatchJob,
  type MatchResult,
  rankCandidatesForJob,
  rankJobsForCandidate,
  type ScoreComponents,
} from '../../src/modules/matching/index.js';
import { candidate, job, matchOne } from './builders.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/matching/${name}`, import.meta.url), 'utf8');
const jobs = JSON.parse(fixture('jobs.json')) as MatchJob[];
const candidates = JSON.parse(fixture('candidates.json')) as MatchCandidate[];
const backendJob = jobs[0]!;

/** A seeded Fisher-Yates shuffle, so a failure can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const ids = (results: MatchResult[]) => results.map((result) => result.id);
const all = { limit: 1_000 };

describe('ranking', () => {
  it('gives the same ranking for the same input in any order', () => {
    const expected = rankCandidatesForJob(backendJob, candidates, all);
    for (const seed of [1, 2, 3, 42]) {
      expect(rankCandidatesForJob(backendJob, shuffled(candidates, seed), all)).toEqual(expected);
    }
    const forCandidate = rankJobsForCandidate(candidates[0]!, jobs, all);
    expect(rankJobsForCandidate(candidates[0]!, shuffled(jobs, 7), all)).toEqual(forCandidate);
  });

  it('orders those meeting every hard constraint first, then by score, then by id', () => {
    const twins = ['b', 'c', 'a'].map((id) => candidate({ id }));
    const { results } = rankCandidatesForJob(job(), twins, all);
    expect(ids(results)).toEqual(['a', 'b', 'c']);
    const ranked = rankCandidatesForJob(backendJob, candidates, all).results;
    const broken = (result: MatchResult) => Number(result.constraints.length > 0);
    expect(ranked.some((result) => result.constraints.length > 0)).toBe(true);
    for (let i = 1; i < ranked.length; i++) {
      const [before, after] = [ranked[i - 1]!, ranked[i]!];
      expect(
        broken(before) < broken(after) ||
          (broken(before) === broken(after) &&
            (before.score > after.score || (before.score === after.score && before.id < after.id))),
      ).toBe(true);
    }
  });

  it('pages with limit and offset and counts the total before paging', () => {
    const full = rankCandidatesForJob(backendJob, candidates, all);
    expect(full.total).toBe(candidates.length);
    const page = rankCandidatesForJob(backendJob, candidates, { limit: 5, offset: 10 });
    expect(page.total).toBe(candidates.length);
    expect(page.results).toEqual(full.results.slice(10, 15));
    expect(rankCandidatesForJob(backendJob, candidates, { limit: 0 }).results).toEqual([]);
    expect(rankCandidatesForJob(backendJob, candidates, { limit: 5, offset: 1_000 }).results).toEqual([]);
  });

  it('drops results below minScore before counting', () => {
    const full = rankCandidatesForJob(backendJob, candidates, all).results;
    const threshold = full[5]!.score;
    const kept = rankCandidatesForJob(backendJob, candidates, { limit: 3, minScore: threshold });
    const expected = full.filter((result) => result.score >= threshold);
    expect(kept.total).toBe(expected.length);
    expect(kept.results).toEqual(expected.slice(0, 3));
    expect(rankCandidatesForJob(backendJob, candidates, { limit: 3, minScore: 1 }).total).toBeLessThanOrEqual(
      1,
    );
  });

  it('explains each score as the weighted mean of its rounded components', () => {
    const weights: Partial<ScoreComponents> = { skills: 2, text: 0 };
    const used = { ...DEFAULT_WEIGHTS, ...weights };
    const total = Object.values(used).reduce((sum, weight) => sum + weight, 0);
    for (const options of [all, { ...all, weights }]) {
      const w = options === all ? DEFAULT_WEIGHTS : used;
      const sum = options === all ? 1 : total;
      for (const { score, components } of rankCandidatesForJob(backendJob, candidates, options).results) {
        const weighted = (Object.keys(w) as Array<keyof ScoreComponents>).reduce(
          (acc, name) => acc + w[name] * components[name],
          0,
        );
        expect(Math.abs(score - weighted / sum)).toBeLessThanOrEqual(0.00005);
        for (const value of [score, ...Object.values(components)]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
          expect(Math.round(value * 10_000) / 10_000).toBe(value);
        }
      }
    }
  });

  it('normalises text relevance so the best text match in the set scores 1', () => {
    const texts = rankCandidatesForJob(backendJob, candidates, all).results.map(
      (result) => result.components.text,
    );
    expect(Math.max(...texts)).toBe(1);
    const unrelated = rankCandidatesForJob(job({ title: 'zzz' }), candidates, all).results;
    expect(unrelated.every((result) => result.components.text === 0)).toBe(true);
  });

  it('lets weights change the order: text alone puts the keyword stuffer above a real fit', () => {
    const textOnly = { limit: 3, weights: { skills: 0, experience: 0, location: 0, salary: 0, text: 1 } };
    const stuffer = 'c37'; // a recruiter whose resume lists every SRE keyword
    const sre = jobs.find((item) => item.id === 'j04')!;
    expect(ids(rankCandidatesForJob(sre, candidates, textOnly).results)).toContain(stuffer);
    expect(ids(rankCandidatesForJob(sre, candidates, { limit: 3 }).results)).not.toContain(stuffer);
  });

  it('ranks jobs for a candidate with the same explanations', () => {
    const sre = candidates.find((item) => item.id === 'c11')!;
    const { total, results } = rankJobsForCandidate(sre, jobs, { limit: 3 });
    expect(total).toBe(jobs.length);
    expect(results[0]!.id).toBe('j04');
    expect(results[0]!.missingSkills).toEqual([]);
    expect(results[0]!.matchedSkills.map((skill) => skill.skill)).toEqual([
      'kubernetes',
      'terraform',
      'aws',
      'linux',
      'go',
      'prometheus',
    ]);
  });

  it('scores experience as the share of the minimum served', () => {
    const senior = job({ minYearsExperience: 5 });
    expect(matchOne(senior, candidate({ yearsExperience: 8 })).components.experience).toBe(1);
    expect(matchOne(senior, candidate({ yearsExperience: 2 })).components.experience).toBe(0.4);
    expect(matchOne(job({ minYearsExperience: null }), candidate()).components.experience).toBe(1);
    expect(matchOne(senior, candidate({ yearsExperience: Number.NaN })).components.experience).toBe(0);
  });

  it('handles empty sets and messy data without throwing', () => {
    expect(rankCandidatesForJob(backendJob, [], all)).toEqual({ total: 0, results: [] });
    expect(rankJobsForCandidate(candidates[0]!, [], all)).toEqual({ total: 0, results: [] });
    const messy = candidate({
      skills: [
        { name: '', level: 9 as 5 },
        { name: '???', level: 0 as 1 },
      ],
      yearsExperience: -3,
      location: { city: '', region: '  ', country: null },
    });
    const result = matchOne(
      job({ skills: [{ name: '!!!', level: 12 as 5, required: true }], minYearsExperience: -1 }),
      messy,
    );
    expect(Number.isFinite(result.score)).toBe(true);
  });

  it('rejects options that are a caller bug', () => {
    const bad = [
      { limit: -1 },
      { limit: 1.5 },
      { limit: 10, offset: -1 },
      { limit: 10, minScore: 2 },
      { limit: 10, minScore: Number.NaN },
      { limit: 10, weights: { text: -1 } },
      { limit: 10, weights: { skills: Number.POSITIVE_INFINITY } },
      { limit: 10, weights: { skills: 0, experience: 0, location: 0, salary: 0, text: 0 } },
    ];
    for (const options of bad)
      expect(() => rankCandidatesForJob(backendJob, candidates, options)).toThrow(RangeError);
  });
});
