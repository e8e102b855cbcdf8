// The matcher must rank candidates the way a recruiter would, better than text search alone: mean
// nDCG@10 over the hand-judged fixture (see test/fixtures/matching/README.md) against a plain BM25
// baseline, which is the same engine with every weight but text set to zero.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type MatchCandidate,
  type MatchJob,
  type RankOptions,
  rankCandidatesForJob,
} from '../../src/modules/matching/index.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/matching/${name}`, import.meta.url), 'utf8');
const jobs = JSON.parse(fixture('jobs.json')) as MatchJob[];
const candidates = JSON.parse(fixture('candidates.json')) as MatchCandidate[];

/** jobId -> candidateId -> grade, from TREC qrels lines "<jobId> 0 <candidateId> <grade>". */
const qrels = new Map<string, Map<string, number>>();
for (const line of fixture('qrels.txt').split('\n')) {
  if (line.trim() === '') continue;
  const [jobId, , candidateId, grade] = line.trim().split(/\s+/) as [string, string, string, string];
  if (!qrels.has(jobId)) qrels.set(jobId, new Map());
  qrels.get(jobId)!.set(candidateId, Number(grade));
}

const K = 10;
const dcg = (grades: number[]) =>
  grades.slice(0, K).reduce((sum, grade, i) => sum + (2 ** grade - 1) / Math.log2(i + 2), 0);

function meanNdcg(options: RankOptions): number {
  const perJob = jobs.map((job) => {
    const judged = qrels.get(job.id)!;
    const ranked = rankCandidatesForJob(job, candidates, options).results.map(
      (result) => judged.get(result.id)!,
    );
    const ideal = [...judged.values()].sort((a, b) => b - a);
    return dcg(ranked) / dcg(ideal);
  });
  return perJob.reduce((sum, value) => sum + value, 0) / perJob.length;
}

describe('matching quality on the judged fixture', () => {
  it('judges every (job, candidate) pair exactly once', () => {
    expect(qrels.size).toBe(jobs.length);
    for (const job of jobs) {
      const judged = qrels.get(job.id)!;
      expect([...judged.keys()].sort()).toEqual(candidates.map((candidate) => candidate.id).sort());
      expect(Math.max(...judged.values())).toBe(3);
    }
    expect(jobs.length).toBeGreaterThanOrEqual(10);
    expect(candidates.length).toBeGreaterThanOrEqual(30);
  });

  it('beats a plain BM25 baseline on mean nDCG@10', () => {
    const matcher = meanNdcg({ limit: K });
    const baseline = meanNdcg({
      limit: K,
      weights: { skills: 0, experience: 0, location: 0, salary: 0, text: 1 },
    });
    console.log(
      `mean nDCG@${K} over ${jobs.length} jobs: matcher ${matcher.toFixed(3)}, BM25 ${baseline.toFixed(3)}`,
    );
    expect(matcher).toBeGreaterThan(baseline);
    expect(matcher).toBeGreaterThan(0.8);
  });
});
