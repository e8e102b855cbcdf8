// The shipped question bank is valid as a whole (what the loader enforces at start, plus what the
// issue promises: at least 20 skills x 10 questions, every level, a mix of kinds), a broken bank
// stops the start with every problem named, and job skills in any known spelling find their bank
// skill through the matching module's aliases.
import { describe, expect, it } from 'vitest';
import { type BankFile, loadBank, questionBank } from '../../src/modules/assessments/content/bank.js';
import { gradeText } from '../../src/modules/assessments/grading/keywords.js';
import { TEXT_KINDS } from '../../src/modules/assessments/types.js';

const all = questionBank.skills.flatMap((skill) => skill.questions);

describe('the shipped question bank', () => {
  it('has at least 20 skills with at least 10 questions each, and unique ids', () => {
    expect(questionBank.skills.length).toBeGreaterThanOrEqual(20);
    for (const skill of questionBank.skills)
      expect(skill.questions.length, skill.skill).toBeGreaterThanOrEqual(10);
    expect(new Set(all.map((question) => question.id)).size).toBe(all.length);
    expect(questionBank.size).toBe(all.length);
  });

  it('every choice question has the right number of correct choices and every question positive points', () => {
    for (const question of all) {
      expect(question.points, question.id).toBeGreaterThan(0);
      const correct = question.choices?.filter((choice) => choice.correct).length ?? 0;
      if (question.kind === 'single_choice') expect(correct, question.id).toBe(1);
      if (question.kind === 'multiple_choice') expect(correct, question.id).toBeGreaterThanOrEqual(1);
    }
  });

  it('every text question has a rubric, a reference answer and keyword weights summing to 1', () => {
    for (const question of all.filter((entry) => TEXT_KINDS.includes(entry.kind))) {
      expect(question.rubric?.length, question.id).toBeGreaterThan(0);
      expect(question.referenceAnswer?.length, question.id).toBeGreaterThan(0);
      const sum = (question.keywords ?? []).reduce((total, keyword) => total + keyword.weight, 0);
      expect(sum, question.id).toBeCloseTo(1, 9);
      expect(question.maxAnswerLength, question.id).toBeGreaterThan(0);
    }
  });

  it('covers every level and, per skill, choice and text kinds', () => {
    expect(new Set(all.map((question) => question.level))).toEqual(new Set([1, 2, 3, 4, 5]));
    for (const skill of questionBank.skills) {
      const kinds = new Set(skill.questions.map((question) => question.kind));
      expect(
        kinds.has('single_choice') && kinds.has('multiple_choice') && kinds.has('short_text'),
        skill.skill,
      ).toBe(true);
      expect(kinds.has('long_text') || kinds.has('code'), skill.skill).toBe(true);
    }
  });

  it('every reference answer earns most of its points from the keyword scorer', () => {
    // Keywords and reference answers are written together; a reference that the scorer would fail
    // means a keyword nobody would write.
    for (const question of all.filter((entry) => TEXT_KINDS.includes(entry.kind))) {
      const grade = gradeText(question, { text: question.referenceAnswer ?? '' });
      expect(grade.score, `${question.id}: ${grade.rationale}`).toBeGreaterThanOrEqual(question.points * 0.7);
    }
  });

  it('finds bank skills by any alias the matching module knows, and by the bank’s own aliases', () => {
    expect(questionBank.find('JS')?.skill).toBe('javascript');
    expect(questionBank.find('Postgres')?.skill).toBe('postgresql');
    expect(questionBank.find('k8s')?.skill).toBe('kubernetes');
    expect(questionBank.find('Golang')?.skill).toBe('go');
    expect(questionBank.find('RESTful APIs')?.skill).toBe('rest');
    expect(questionBank.find('Algorithms')?.skill).toBe('data structures and algorithms');
    expect(questionBank.find('unit tests')?.skill).toBe('software testing');
    expect(questionBank.find('COBOL')).toBeNull();
  });
});

describe('loading a broken bank', () => {
  const good = (): BankFile => ({
    skill: 'rust',
    title: 'Rust',
    questions: [
      {
        id: 'rs-01',
        kind: 'single_choice',
        level: 1,
        points: 1,
        prompt: 'Which keyword?',
        choices: ['a', 'b'],
        correct: [0],
      },
      {
        id: 'rs-02',
        kind: 'short_text',
        level: 2,
        points: 2,
        prompt: 'Explain ownership.',
        rubric: 'Names the owner.',
        referenceAnswer: 'Each value has one owner; others borrow it.',
        keywords: { owner: 0.5, borrow: 0.5 },
      },
    ],
  });

  it('accepts a valid file', () => {
    expect(loadBank([good()]).find('Rust')?.questions).toHaveLength(2);
  });

  it('names every problem: two correct single-choice answers, weights off, duplicate ids, no points', () => {
    const file = good();
    file.questions[0]!.correct = [0, 1];
    file.questions[1]!.keywords = { owner: 0.5, borrow: 0.4 };
    file.questions.push({ ...file.questions[0]!, correct: [1], points: 0 });
    expect(() => loadBank([file])).toThrowError(
      /rs-01: single_choice needs exactly one correct choice[\s\S]*rs-02: keyword weights sum to 0\.9[\s\S]*rs-01: id used twice[\s\S]*points must be/,
    );
  });

  it('refuses keywords that give free marks: a prefix under 3 characters, a term of stop words only', () => {
    for (const term of ['ow*', 'the', 'is a', 'owner|and']) {
      const file = good();
      file.questions[1]!.keywords = { owner: 0.5, [term]: 0.5 };
      expect(() => loadBank([file]), term).toThrowError(
        /rs-02: keyword .*(needs at least 3 characters|only stop words)/,
      );
    }
    const fine = good();
    fine.questions[1]!.keywords = { owner: 0.5, 'borr*': 0.5 };
    expect(loadBank([fine]).size).toBe(2);
  });

  it('refuses a question whose own reference answer earns under 70 % from its keywords', () => {
    const file = good();
    file.questions[1]!.keywords = { owner: 0.5, lifetime: 0.5 };
    expect(() => loadBank([file])).toThrowError(/rs-02: the reference answer earns 1 of 2 points/);
  });

  it('rejects a skill name claimed by two files', () => {
    const other = {
      ...good(),
      skill: 'oxidation',
      aliases: ['rust'],
      questions: [{ ...good().questions[0]!, id: 'rl-01' }],
    };
    expect(() => loadBank([good(), other])).toThrowError(
      /skill name "rust" is claimed by rust and oxidation/,
    );
  });
});
