// The deterministic generator: one section per job skill the bank knows, questions nearest the
// required level, the count shared out (default 10, at most 40), the same input always giving the
// same assessment with the bank's stable question ids, unknown skills named in the description.
import { describe, expect, it } from 'vitest';
import { generateFromBank } from '../../src/modules/assessments/content/deterministic.js';
import type { GenerationInput } from '../../src/modules/assessments/types.js';

const input: GenerationInput = {
  jobTitle: 'Senior backend engineer',
  jobDescription: 'Node.js services on PostgreSQL, deployed on Kubernetes.',
  skills: [
    { name: 'TypeScript', level: 4 },
    { name: 'Postgres', level: 2 },
    { name: 'COBOL', level: 3 },
  ],
};

const ids = (content: ReturnType<typeof generateFromBank>) =>
  content.sections.flatMap((section) => section.questions.map((question) => question.id));

describe('the deterministic generator', () => {
  it('gives the same assessment for the same input, every time', () => {
    const first = generateFromBank(input);
    expect(generateFromBank(structuredClone(input))).toEqual(first);
    expect(ids(first)).toHaveLength(10);
  });

  it('builds one section per known skill and lists unknown skills in the description', () => {
    const content = generateFromBank(input);
    expect(content.title).toBe('Senior backend engineer assessment');
    expect(content.sections.map((section) => section.title)).toEqual(['TypeScript', 'PostgreSQL']);
    expect(content.sections.map((section) => section.questions.length)).toEqual([5, 5]);
    expect(content.description).toContain('Not in the question bank, so not tested: COBOL.');
  });

  it('takes the questions nearest the required level', () => {
    const content = generateFromBank(input);
    const [typescript, postgres] = content.sections;
    // TypeScript at 4: levels 3 to 5 only; PostgreSQL at 2: levels 1 to 3 only.
    for (const question of typescript!.questions)
      expect(Math.abs(question.level! - 4)).toBeLessThanOrEqual(1);
    for (const question of postgres!.questions) expect(Math.abs(question.level! - 2)).toBeLessThanOrEqual(1);
    const beginner = generateFromBank({ ...input, skills: [{ name: 'python', level: 1 }], questionCount: 4 });
    expect(beginner.sections[0]!.questions.map((question) => question.level)).toEqual([1, 1, 2, 2]);
    const expert = generateFromBank({ ...input, skills: [{ name: 'python', level: 5 }], questionCount: 2 });
    expect(expert.sections[0]!.questions.map((question) => question.level)).toEqual([4, 5]);
  });

  it('another input can give another selection; question ids are the bank’s', () => {
    const react = (jobDescription: string) =>
      ids(
        generateFromBank({
          ...input,
          jobDescription,
          skills: [{ name: 'react', level: 3 }],
          questionCount: 3,
        }),
      );
    const a = react('Builds the web app.');
    const b = react('Owns the design system.');
    expect([...a, ...b].every((id) => /^react-\d+$/.test(id))).toBe(true);
    expect(b).not.toEqual(a);
    expect(react('Builds the web app.')).toEqual(a);
  });

  it('caps the count at 40 and at what the bank holds, moving a full section’s share to the others', () => {
    const many = generateFromBank({
      ...input,
      skills: ['go', 'java', 'docker', 'aws', 'linux'].map((name) => ({ name, level: 3 })),
      questionCount: 500,
    });
    expect(ids(many)).toHaveLength(40);
    const one = generateFromBank({ ...input, skills: [{ name: 'git', level: null }], questionCount: 40 });
    expect(ids(one)).toHaveLength(10);
    const uneven = generateFromBank({
      ...input,
      skills: [
        { name: 'css', level: 3 },
        { name: 'sql', level: 3 },
      ],
      questionCount: 15,
    });
    expect(uneven.sections.map((section) => section.questions.length)).toEqual([8, 7]);
  });

  it('falls back to skills named in the job text when none listed is in the bank', () => {
    const content = generateFromBank({ ...input, skills: [{ name: 'COBOL', level: 2 }] });
    expect(content.sections.map((section) => section.title).sort()).toEqual([
      'Kubernetes',
      'Node.js',
      'PostgreSQL',
    ]);
    const nothing = generateFromBank({ jobTitle: 'Chef', jobDescription: 'Cooking', skills: [] });
    expect(nothing.sections).toEqual([]);
    expect(nothing.description).toMatch(/no questions yet/);
  });

  it('never changes the shared bank through a returned question', () => {
    const content = generateFromBank(input);
    content.sections[0]!.questions[0]!.prompt = 'changed';
    expect(generateFromBank(input).sections[0]!.questions[0]!.prompt).not.toBe('changed');
  });
});
