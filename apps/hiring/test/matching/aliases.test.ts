// Skill names mean the same skill however they are spelt, in a skill list or in a job's free text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalSkill, extractSkills } from '../../src/modules/matching/index.js';
import { skillKey } from '../../src/modules/matching/skills.js';

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
    ['Accessibility (WCAG)', 'accessibility'],
    ['Container orchestration (Kubernetes)', 'container orchestration'],
    ['Java 17', 'java'],
    ['Python 3.11', 'python'],
    ['SQL Server 2019', 'sql server'],
    ['C/C++', 'c/c++'],
  ])('reads %j as %j', (name, canonical) => {
    expect(canonicalSkill(name)).toBe(canonical);
  });

  it('returns null for a skill the table does not know', () => {
    expect(canonicalSkill('Underwater basket weaving')).toBeNull();
    expect(canonicalSkill('Windows 10')).toBeNull();
    expect(canonicalSkill('Basket weaving (advanced)')).toBeNull();
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

describe('variants of one skill share a key', () => {
  it.each([
    ['SCSS', 'Sass'],
    ['Selenium WebDriver', 'Selenium'],
    ['WebDriver', 'Selenium'],
    ['CAN', 'CAN bus'],
    ['Controller Area Network', 'CAN bus'],
    ['CAN-Bus', 'CAN bus'],
    ['Cortex-M', 'ARM Cortex-M'],
    ['K8s', 'Kubernetes'],
    ['WCAG', 'Web Content Accessibility Guidelines'],
    ['WCAG 2.1', 'WCAG'],
    ['a11y', 'Accessibility'],
    ['Accessibility (WCAG)', 'Accessibility'],
    ['ARIA', 'WAI-ARIA'],
    ['REST-assured', 'REST Assured'],
    ['Zephyr RTOS', 'Zephyr'],
    ['Real-time operating systems', 'RTOS'],
    ['Cortex-M4F', 'ARM Cortex-M4'],
    ['STM32F4', 'STM32'],
    ['Java EE', 'Jakarta EE'],
    ['EKS', 'Amazon EKS'],
    ['Postgres', 'PostgreSQL'],
    ['UI/UX', 'UX/UI design'],
  ])('%j and %j', (a, b) => {
    expect(skillKey(a)).toBe(skillKey(b));
    expect(canonicalSkill(a)).not.toBeNull();
  });

  it.each([
    ['CSS', 'SCSS'],
    ['Accessibility', 'WCAG'],
    ['API testing', 'REST Assured'],
    ['RTOS', 'FreeRTOS'],
    ['Kotlin', 'Java'],
    ['C', 'C++'],
    ['Java', 'Java EE'],
    ['Kubernetes', 'EKS'],
    ['Excel', 'Spreadsheets'],
    ['Git', 'Version control'],
  ])('%j and %j stay two skills', (a, b) => {
    expect(skillKey(a)).not.toBe(skillKey(b));
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

  it.each([
    [
      'Firmware on STM32 and NXP S32K (Cortex-M4 and M7) running FreeRTOS',
      ['stm32', 'nxp s32k', 'cortex-m4', 'cortex-m7', 'freertos'],
    ],
    ['Wrote CAN and CAN FD drivers and J1939 stacks', ['can bus', 'can fd', 'j1939']],
    ['CANopen over CAN on STM32F4 and STM32H7', ['canopen', 'can bus', 'stm32']],
    ['Running Zephyr RTOS on Cortex-M0+ boards', ['zephyr', 'cortex-m0']],
    ['Ran WCAG 2.2 AA audits with NVDA and VoiceOver', ['wcag', 'screen readers']],
    ['Led screen reader testing and fixed ARIA roles', ['accessibility testing', 'wai-aria']],
    ['Styled with SCSS modules', ['sass']],
    [
      'UI tests with Selenium WebDriver; API tests with REST Assured',
      ['selenium', 'api testing', 'rest assured'],
    ],
    ['API tests with Postman collections run through Newman', ['api testing', 'postman']],
    ['Migrated from Java EE to Spring Boot on K8s', ['jakarta ee', 'spring boot', 'kubernetes']],
    ['Embedded C firmware, Postgres reporting', ['embedded c', 'postgresql']],
    ['Microsoft Excel and Word', ['excel', 'microsoft word']],
    ['Bare-metal C on Cortex-M0/M3 parts', ['cortex-m0', 'cortex-m3']],
  ])('finds the variants in resume prose: %j', (text, skills) => {
    expect(extractSkills(text)).toEqual(skills);
  });

  it.each([
    'I can lead the rest of the team.',
    'Rest assured, we can ship it.',
    'Can you start in spring 2020?',
    'Go to the office bi-weekly.',
    'Broke my arm at karate; an aria at the concert.',
    'Embedded in the support team, loading containers, writing reports.',
    'Head Chef with a head in the cloud.',
    'Worked as a postman and a cucumber farmer.',
  ])('reads ordinary English as no skill: %j', (text) => {
    expect(extractSkills(text)).toEqual([]);
  });

  it('reads "C/C++" in prose as C++ only, since C alone never counts', () => {
    expect(extractSkills('C/C++ developer')).toEqual(['c++']);
  });

  it('handles symbols, line breaks and empty text', () => {
    expect(extractSkills('C++/C#\n.NET developer, CI/CD')).toEqual(['c++', 'c#', '.net', 'ci/cd']);
    expect(extractSkills('')).toEqual([]);
  });
});
