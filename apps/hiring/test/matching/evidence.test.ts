// Skill levels are weighed against the resume the way a recruiter reads a CV: years of dated work
// with a skill give its level, learning and bare claims are capped, and every level says why.
import { describe, expect, it } from 'vitest';
import { evidenceReason, levelForYears, weighEvidence } from '../../src/modules/matching/evidence.js';
import { skillKey } from '../../src/modules/matching/skills.js';
import { candidate } from './builders.js';

const YEAR = 2026;
/** Each skill's evidence with its reason in words. */
const weigh = (overrides: Parameters<typeof candidate>[0]) =>
  new Map(
    [...weighEvidence(candidate(overrides), YEAR).skills].map(([key, evidence]) => [
      key,
      { ...evidence, reason: evidenceReason(evidence) },
    ]),
  );

describe('skill evidence', () => {
  it('reads the years a skill was used from dated entries, and lets a modest claim rise to them', () => {
    const skills = weigh({
      yearsExperience: 11,
      skills: [{ name: 'Java', level: 3 }],
      resumeText: [
        'Lead Software Engineer, Example Insurance, Munich (2018 to present). Java 17 and Spring Boot services.',
        'Software Engineer, Example Payments (2014 to 2018). Java EE batch jobs.',
      ].join('\n\n'),
    });
    const java = skills.get('java')!;
    expect(java.workYears).toBe(12);
    expect(java.claimed).toBe(3);
    expect(java.level).toBe(5);
    expect(java.reason).toBe('claimed 3; used for 12 years at work, in a senior role');
    // Spring Boot was never claimed: the resume shows it, eight years in a lead role.
    expect(skills.get('spring boot')).toMatchObject({ claimed: null, level: 5, workYears: 8 });
  });

  it('caps a claim that only courses, bootcamps or hobby projects show at 2', () => {
    const skills = weigh({
      yearsExperience: 4,
      skills: [
        { name: 'Java', level: 5 },
        { name: 'Kafka', level: 5 },
      ],
      resumeText: [
        'IT Support Specialist, Example Logistics (2021 to present). Resetting passwords and imaging laptops.',
        'Java Backend Bootcamp (12 weeks, 2024). Built a to-do REST API and a small Kafka demo.',
      ].join('\n\n'),
    });
    expect(skills.get('java')).toMatchObject({
      level: 2,
      claimed: 5,
      atWork: false,
      reason: 'claimed 5; only in courses or projects',
    });
    expect(skills.get(skillKey('Kafka'))?.level).toBe(2);
  });

  it('reads a "Skills:" line as claims, not as evidence', () => {
    const skills = weigh({
      yearsExperience: 10,
      skills: [{ name: 'Kubernetes', level: 5 }],
      resumeText: [
        'Customer service, Example Phones (2015 to 2025). Advising customers on contracts, handsets and repairs in a busy high-street shop, handling complaints, taking payments, keeping the stock room in order and training new colleagues on the till and the booking system.',
        'Skills: Kubernetes, Docker, AWS, Terraform.',
      ].join('\n'),
    });
    expect(skills.get('kubernetes')).toMatchObject({
      level: 3,
      reason: 'claimed 5; not shown in the resume',
    });
    expect(skills.has('docker')).toBe(false);
  });

  it('keeps claims within what the candidate’s total years allow', () => {
    expect([0, 1, 2, 3, 5, 6, 30].map(levelForYears)).toEqual([2, 2, 3, 4, 4, 5, 5]);
    const skills = weigh({
      yearsExperience: 2,
      skills: [{ name: 'TypeScript', level: 5 }],
      resumeText: 'Two years building TypeScript services for an online shop, from checkout to search.',
    });
    expect(skills.get('typescript')?.level).toBe(3);
  });

  it('dates only the sentence of a narrative resume that states a span', () => {
    const result = weighEvidence(
      candidate({
        yearsExperience: 7,
        skills: [
          { name: 'TS', level: 5 },
          { name: 'Go', level: 4 },
        ],
        resumeText:
          'Seven years building backend services in Go. Designed the ledger service in TypeScript on Postgres.',
      }),
      YEAR,
    );
    expect(result.datedEntries).toBe(false);
    expect(result.skills.get('go')).toMatchObject({ level: 5, workYears: 7, atWork: true });
    expect(result.skills.get('typescript')).toMatchObject({ level: 5, workYears: null, atWork: true });
    // Named in undated work without being claimed: weak evidence.
    expect(result.skills.get('postgresql')).toMatchObject({ claimed: null, level: 2 });
  });

  it('treats a keywords list inside a paragraph as claims, and a degree as learning', () => {
    const skills = weigh({
      yearsExperience: 5,
      skills: [{ name: 'Statistics', level: 4 }],
      resumeText:
        'Five years as a marketing coordinator: newsletters and events. MSc in Statistics. Keywords: Node.js, TypeScript, Kubernetes.',
    });
    expect(skills.has('node.js')).toBe(false);
    expect(skills.get('statistics')).toMatchObject({
      level: 2,
      reason: 'claimed 4; only in courses or projects',
    });
  });

  it('lets a resume too short to show anything keep claims up to 4, not a top 5', () => {
    const skills = weigh({
      yearsExperience: 9,
      skills: [
        { name: 'Figma', level: 5 },
        { name: 'Sketch', level: 3 },
      ],
      resumeText: 'Designer.',
    });
    expect(skills.get('figma')).toMatchObject({
      level: 4,
      reason: 'claimed 5; the resume is too short to show it',
    });
    expect(skills.get('sketch')?.level).toBe(3);
  });

  it('reads a bootcamp or degree heading as learning, but a dated job at an education company as work', () => {
    const skills = weigh({
      yearsExperience: 12,
      skills: [{ name: 'Java', level: 5 }],
      resumeText:
        'Staff Software Engineer, Example Video Tutorials Ltd (2014 to present). Java services for video delivery and SSL certificates.',
    });
    expect(skills.get('java')).toMatchObject({ level: 5, workYears: 12 });
  });

  it('counts no years after the day it reads the resume', () => {
    const skills = weigh({
      yearsExperience: 3,
      skills: [{ name: 'Python', level: 2 }],
      resumeText:
        'Data Engineer, Example Ltd (2025 to 2060). Python pipelines. Analyst (2070 to present). Python.',
    });
    expect(skills.get('python')?.workYears).toBe(1);
  });

  it('finds skills outside the vocabulary by their own words', () => {
    const skills = weigh({
      yearsExperience: 8,
      skills: [{ name: 'Vectorworks Spotlight', level: 4 }],
      resumeText:
        'Lighting Designer, Example Theatre (2018 to 2024). Rigging plans drawn in Vectorworks Spotlight.',
    });
    expect(skills.get('vectorworks spotlight')).toMatchObject({
      skill: 'Vectorworks Spotlight',
      workYears: 6,
      level: 5,
    });
  });

  it('never throws on garbage', () => {
    const skills = weigh({
      yearsExperience: Number.NaN,
      skills: [{ name: 'Python', level: 9 as never }],
      resumeText: '(2030 to 1990) since 3000 for -5 years\n\n\n Skills: ',
    });
    expect(skills.get('python')?.level).toBeLessThanOrEqual(2);
  });
});
