// The skills figure rewards the job's skills a candidate has, at the level wanted, with required
// skills counting more, and explains itself with the matched and missing skills.
import { describe, expect, it } from 'vitest';
import { candidate, job, matchOne } from './builders.js';

const backend = job({
  skills: [
    { name: 'TypeScript', level: 4, required: true },
    { name: 'Postgres', level: null, required: true },
    { name: 'k8s', level: 3, required: false },
  ],
});

describe('skill fit', () => {
  it('matches skills through aliases on either side', () => {
    const who = candidate({
      skills: [
        { name: 'TS', level: 4 },
        { name: 'PostgreSQL', level: 2 },
        { name: 'Kubernetes', level: 3 },
      ],
    });
    const result = matchOne(backend, who);
    expect(result.components.skills).toBe(1);
    expect(result.missingSkills).toEqual([]);
    expect(result.matchedSkills).toEqual([
      { skill: 'typescript', required: true, wantedLevel: 4, level: 4 },
      { skill: 'postgresql', required: true, wantedLevel: null, level: 2 },
      { skill: 'kubernetes', required: false, wantedLevel: 3, level: 3 },
    ]);
  });

  it('gives partial credit below the wanted level, and no extra credit above it', () => {
    const at = (level: 1 | 2 | 3 | 4 | 5) =>
      matchOne(
        job({ skills: [{ name: 'Python', level: 4, required: true }] }),
        candidate({ skills: [{ name: 'python', level }] }),
      ).components.skills;
    expect(at(1)).toBe(0.25);
    expect(at(3)).toBe(0.75);
    expect(at(4)).toBe(1);
    expect(at(5)).toBe(1);
  });

  it('weighs a required skill three times a nice-to-have one', () => {
    const onlyRequired = candidate({
      skills: [
        { name: 'TypeScript', level: 4 },
        { name: 'Postgres', level: 3 },
      ],
    });
    const onlyOptional = candidate({ skills: [{ name: 'k8s', level: 3 }] });
    expect(matchOne(backend, onlyRequired).components.skills).toBe(0.8571); // 6 of 7
    expect(matchOne(backend, onlyOptional).components.skills).toBe(0.1429); // 1 of 7
  });

  it('lists what is missing, keeping the job order and whether it was required', () => {
    const result = matchOne(backend, candidate({ skills: [{ name: 'Kubernetes', level: 1 }] }));
    expect(result.missingSkills).toEqual([
      { skill: 'typescript', required: true, wantedLevel: 4 },
      { skill: 'postgresql', required: true, wantedLevel: null },
    ]);
    expect(result.matchedSkills).toEqual([
      { skill: 'kubernetes', required: false, wantedLevel: 3, level: 1 },
    ]);
  });

  it('merges duplicates and keeps the spelling of skills the table does not know', () => {
    const duplicated = job({
      skills: [
        { name: 'JS', level: 2, required: false },
        { name: 'JavaScript', level: 4, required: true },
        { name: ' Underwater Welding ', level: null, required: false },
      ],
    });
    const who = candidate({
      skills: [
        { name: 'ECMAScript', level: 4 },
        { name: 'underwater welding', level: 2 },
      ],
    });
    const result = matchOne(duplicated, who);
    expect(result.matchedSkills).toEqual([
      { skill: 'javascript', required: true, wantedLevel: 4, level: 4 },
      { skill: 'Underwater Welding', required: false, wantedLevel: null, level: 2 },
    ]);
  });

  it('cannot tell (0.5) when the job lists no skills', () => {
    expect(matchOne(job(), candidate({ skills: [{ name: 'Go', level: 5 }] })).components.skills).toBe(0.5);
  });
});
