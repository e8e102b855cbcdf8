// Skill names mean the same skill however they are spelt, in a skill list or in a job's free text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalSkill, extractSkills } from '../../src/modules/matching/index.js';

const table = JSON.parse(
  readFileSync(new URL('../../src/modules/matching/skill-aliases.json', import.meta.url), 'utf8'),
) as { skills: Record<string, string[]> };

describe('canonicalSkill', () => {
  it.each([
    ['JS', 'javascript'],
    ['javascript', 'javascript'],
    ['ECMAScript', 'javascript'],
    ['k8s', 'kubernetes'],
    ['postgres', 'postgresql'],
    ['Node.js', 'node.js'],
    ['NodeJS', 'node.js'],
    ['node js', 'node.js'],
    ['C++', 'c++'],
    ['C#', 'c#'],
    ['.NET', '.net'],
    ['ASP.NET Core', 'asp.net'],
    ['CI/CD', 'ci/cd'],
    ['  Amazon   Web Services ', 'aws'],
    ['ＡＷＳ', 'aws'],
    ['ICU', 'critical care'],
    ['Customer Support', 'customer service'],
  ])('reads %j as %j', (name, canonical) => {
    expect(canonicalSkill(name)).toBe(canonical);
  });

  it('returns null for a skill the table does not know', () => {
    expect(canonicalSkill('Underwater basket weaving')).toBeNull();
    expect(canonicalSkill('')).toBeNull();
    expect(canonicalSkill('+++')).toBeNull();
  });

  it('resolves every alias in the shipped table to its own skill, and no alias to two', () => {
    const entries = Object.entries(table.skills);
    expect(entries.length).toBeGreaterThanOrEqual(300);
    for (const [skill, aliases] of entries) {
      for (const alias of [skill, ...aliases]) expect(canonicalSkill(alias), alias).toBe(skill);
    }
  });
});

describe('extractSkills', () => {
  it('finds skills named in prose, in order of first mention, once each', () => {
    const text =
      'We use TypeScript and Node.js on AWS, Postgres for storage, and more TypeScript. K8s a plus.';
    expect(extractSkills(text)).toEqual(['typescript', 'node.js', 'aws', 'postgresql', 'kubernetes']);
  });

  it('prefers the longest alias, so "React Native" is not also React', () => {
    expect(extractSkills('Build apps in React Native; some Spring Boot services.')).toEqual([
      'react native',
      'spring boot',
    ]);
    expect(extractSkills('Our ASP.NET Core APIs')).toEqual(['asp.net']);
  });

  it('ignores ambiguous words: Go and C never, Swift and React only capitalised', () => {
    expect(extractSkills('Go beyond what users expect; plan C is a swift rollout; react quickly.')).toEqual(
      [],
    );
    expect(extractSkills('Services in Golang, apps in Swift, UI in React.')).toEqual([
      'go',
      'swift',
      'react',
    ]);
  });

  it('handles symbols, line breaks and empty text', () => {
    expect(extractSkills('C++/C#\n.NET developer, CI/CD')).toEqual(['c++', 'c#', '.net', 'ci/cd']);
    expect(extractSkills('')).toEqual([]);
  });
});
