// The skills figure rewards the job's skills a candidate has, at the level wanted, with required
// skills counting more, and explains itself with the matched and missing skills. A skill counts
// under any of its spellings, a narrower skill serves a broader one, and skills named only in the
// resume count too.
import { describe, expect, it } from 'vitest';
import type { MatchCandidate, MatchResult } from '../../src/modules/matching/index.js';
import { candidate, job, matchOne } from './builders.js';

/** A candidate whose years allow every level claimed, so these tests read the levels as given. */
const seasoned = (skills: MatchCandidate['skills']) => candidate({ yearsExperience: 10, skills });

/** The matched skills without their explanations. */
const levels = (result: MatchResult) =>
  result.matchedSkills.map(({ skill, required, wantedLevel, level }) => ({
    skill,
    required,
    wantedLevel,
    level,
  }));

const backend = job({
  skills: [
    { name: 'TypeScript', level: 4, required: true },
    { name: 'Postgres', level: null, required: true },
    { name: 'k8s', level: 3, required: false },
  ],
});

describe('skill fit', () => {
  it('matches skills through aliases on either side', () => {
    const who = seasoned([
      { name: 'TS', level: 4 },
      { name: 'PostgreSQL', level: 2 },
      { name: 'Kubernetes', level: 3 },
    ]);
    const result = matchOne(backend, who);
    expect(result.components.skills).toBe(1);
    expect(result.missingSkills).toEqual([]);
    expect(levels(result)).toEqual([
      { skill: 'typescript', required: true, wantedLevel: 4, level: 4 },
      { skill: 'postgresql', required: true, wantedLevel: null, level: 2 },
      { skill: 'kubernetes', required: false, wantedLevel: 3, level: 3 },
    ]);
  });

  it('gives partial credit below the wanted level, and no extra credit above it', () => {
    const at = (level: 1 | 2 | 3 | 4 | 5) =>
      matchOne(
        job({ skills: [{ name: 'Python', level: 4, required: true }] }),
        seasoned([{ name: 'python', level }]),
      ).components.skills;
    expect(at(1)).toBe(0.25);
    expect(at(3)).toBe(0.75);
    expect(at(4)).toBe(1);
    expect(at(5)).toBe(1);
  });

  it('weighs a required skill three times a nice-to-have one', () => {
    const onlyRequired = seasoned([
      { name: 'TypeScript', level: 4 },
      { name: 'Postgres', level: 3 },
    ]);
    const onlyOptional = seasoned([{ name: 'k8s', level: 3 }]);
    expect(matchOne(backend, onlyRequired).components.skills).toBe(0.8571); // 6 of 7
    expect(matchOne(backend, onlyOptional).components.skills).toBe(0.1429); // 1 of 7
  });

  it('lists what is missing, keeping the job order and whether it was required', () => {
    const result = matchOne(backend, seasoned([{ name: 'Kubernetes', level: 1 }]));
    expect(result.missingSkills).toEqual([
      { skill: 'typescript', required: true, wantedLevel: 4 },
      { skill: 'postgresql', required: true, wantedLevel: null },
    ]);
    expect(levels(result)).toEqual([{ skill: 'kubernetes', required: false, wantedLevel: 3, level: 1 }]);
  });

  it('merges duplicates and keeps the spelling of skills the table does not know', () => {
    const duplicated = job({
      skills: [
        { name: 'JS', level: 2, required: false },
        { name: 'JavaScript', level: 4, required: true },
        { name: ' Underwater Welding ', level: null, required: false },
      ],
    });
    const who = seasoned([
      { name: 'ECMAScript', level: 4 },
      { name: 'underwater welding', level: 2 },
    ]);
    const result = matchOne(duplicated, who);
    expect(levels(result)).toEqual([
      { skill: 'javascript', required: true, wantedLevel: 4, level: 4 },
      { skill: 'Underwater Welding', required: false, wantedLevel: null, level: 2 },
    ]);
  });

  it('cannot tell (0.5) when the job lists no skills', () => {
    expect(matchOne(job(), candidate({ skills: [{ name: 'Go', level: 5 }] })).components.skills).toBe(0.5);
  });
});

describe('skill fit across spellings and kinds of a skill', () => {
  const via = (result: MatchResult) =>
    Object.fromEntries(result.matchedSkills.map(({ skill, via }) => [skill, via]));

  it('matches a variant spelling as the job skill itself', () => {
    const wanted = job({
      skills: ['Selenium WebDriver', 'CAN bus', 'Cortex-M', 'K8s', 'Accessibility (WCAG)'].map((name) => ({
        name,
        level: null,
        required: true,
      })),
    });
    const who = candidate({
      yearsExperience: 6,
      skills: ['Selenium', 'CAN', 'ARM Cortex-M', 'Kubernetes', 'a11y'].map((name) => ({ name, level: 4 })),
    });
    const result = matchOne(wanted, who);
    expect(result.missingSkills).toEqual([]);
    expect(via(result)).toEqual({
      selenium: null,
      'can bus': null,
      'arm cortex-m': null,
      kubernetes: null,
      accessibility: null,
    });
  });

  it('lets a narrower skill serve the broader one the job asks for, and says which', () => {
    const wanted = job({
      skills: ['CSS', 'Accessibility (WCAG)', 'API testing', 'RTOS', 'CAN bus', 'ARM Cortex-M', 'C'].map(
        (name) => ({ name, level: null, required: true }),
      ),
    });
    const who = candidate({
      yearsExperience: 8,
      skills: ['SCSS', 'WCAG', 'REST Assured', 'FreeRTOS', 'CANopen', 'Cortex-M4', 'Embedded C'].map(
        (name) => ({
          name,
          level: 4,
        }),
      ),
    });
    const result = matchOne(wanted, who);
    expect(result.missingSkills).toEqual([]);
    expect(via(result)).toEqual({
      css: 'sass',
      accessibility: 'wcag',
      'api testing': 'rest assured',
      rtos: 'freertos',
      'can bus': 'canopen',
      'arm cortex-m': 'cortex-m4',
      c: 'embedded c',
    });
  });

  it('finds the job skills in the resume text when the skill list leaves them out', () => {
    const wanted = job({
      skills: ['Accessibility', 'CSS', 'RTOS', 'ARM Cortex-M', 'Selenium WebDriver'].map((name) => ({
        name,
        level: null,
        required: true,
      })),
    });
    const who = candidate({
      yearsExperience: 7,
      resumeText:
        'Frontend and firmware engineer, Example GmbH (2018 to present). Ran WCAG 2.1 AA audits and ' +
        'styled the design system with SCSS. Wrote drivers for STM32 boards running FreeRTOS. ' +
        'Kept a regression suite in Selenium WebDriver.',
    });
    const result = matchOne(wanted, who);
    expect(result.missingSkills).toEqual([]);
    expect(result.matchedSkills.map(({ skill }) => skill)).toEqual([
      'accessibility',
      'css',
      'rtos',
      'arm cortex-m',
      'selenium',
    ]);
  });

  it('does not let a sibling serve: Kotlin is not Java, Vue is not React', () => {
    const wanted = job({
      skills: [
        { name: 'Java', level: null, required: true },
        { name: 'React', level: null, required: true },
      ],
    });
    const who = candidate({
      yearsExperience: 5,
      skills: [
        { name: 'Kotlin', level: 5 },
        { name: 'Vue.js', level: 5 },
      ],
    });
    expect(matchOne(wanted, who).matchedSkills).toEqual([]);
  });
});
