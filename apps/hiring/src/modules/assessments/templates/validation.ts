// Owns what the schema cannot say about an assessment's content: which fields each question kind
// carries (choices for choice kinds, rubric and keywords for text kinds), the number of correct
// choices, unique ids, keyword weights that sum to 1, and at most MAX_QUESTIONS questions in all.
// It also assigns the ids left out (s1, q1, c1...) and the default answer length, so what is stored
// is always a complete types.ts Section[]. Errors name the offending field's path.
import { invalidField } from '../errors.js';
import { CHOICE_KINDS, type Keyword, type Question, type Section, TEXT_KINDS } from '../types.js';
import type { SectionInput } from './schemas.js';

export const MAX_QUESTIONS = 100;
export const DEFAULT_ANSWER_LENGTH: Record<string, number> = {
  short_text: 500,
  long_text: 5000,
  code: 10000,
};
/** Longest text answer any question may allow. */
export const ANSWER_LENGTH_CAP = 20000;

type Input = SectionInput | Section;

function check(condition: boolean, code: string, path: string, message: string): void {
  if (!condition) throw invalidField(code, path, message);
}

function unique(ids: string[], code: string, path: (index: number) => string): void {
  const seen = new Set<string>();
  ids.forEach((id, index) => {
    check(!seen.has(id), code, path(index), `id "${id}" is used twice`);
    seen.add(id);
  });
}

function question(input: Input['questions'][number], path: string, fallbackId: string): Question {
  const isChoice = CHOICE_KINDS.includes(input.kind);
  const base: Question = {
    id: input.id ?? fallbackId,
    kind: input.kind,
    prompt: input.prompt,
    points: input.points,
    skill: input.skill ?? null,
    level: (input.level ?? null) as Question['level'],
  };
  check(
    Number.isInteger(input.points) && input.points >= 1 && input.points <= 100,
    'question_points_invalid',
    `${path}/points`,
    'must be a whole number from 1 to 100',
  );
  if (isChoice) {
    const choices = input.choices;
    check(
      choices !== undefined,
      'question_choices_required',
      `${path}/choices`,
      'choice questions need 2 to 8 choices',
    );
    if (!choices) return base;
    check(
      choices.length >= 2 && choices.length <= 8,
      'question_choices_count',
      `${path}/choices`,
      'must have 2 to 8 choices',
    );
    for (const field of ['rubric', 'referenceAnswer', 'keywords', 'maxAnswerLength'] as const) {
      check(
        input[field] === undefined,
        'question_field_not_allowed',
        `${path}/${field}`,
        `not allowed on ${input.kind}`,
      );
    }
    const correct = choices.filter((choice) => choice.correct).length;
    if (input.kind === 'single_choice') {
      check(
        correct === 1,
        'question_correct_count',
        `${path}/choices`,
        'single_choice needs exactly one correct choice',
      );
    } else {
      check(
        correct >= 1,
        'question_correct_count',
        `${path}/choices`,
        'multiple_choice needs at least one correct choice',
      );
    }
    const withIds = choices.map((choice, index) => ({
      id: choice.id ?? `c${index + 1}`,
      text: choice.text,
      correct: choice.correct,
    }));
    unique(
      withIds.map((choice) => choice.id),
      'choice_id_duplicate',
      (index) => `${path}/choices/${index}/id`,
    );
    return { ...base, choices: withIds };
  }
  check(
    input.choices === undefined,
    'question_field_not_allowed',
    `${path}/choices`,
    `not allowed on ${input.kind}`,
  );
  check(
    typeof input.rubric === 'string' && input.rubric.trim().length > 0,
    'question_rubric_required',
    `${path}/rubric`,
    'text questions need a rubric',
  );
  const keywords = input.keywords as Keyword[] | undefined;
  check(
    keywords !== undefined && keywords.length >= 1 && keywords.length <= 20,
    'question_keywords_required',
    `${path}/keywords`,
    'text questions need 1 to 20 keywords',
  );
  const sum = (keywords ?? []).reduce((total, keyword) => total + keyword.weight, 0);
  check(
    Math.abs(sum - 1) <= 0.01 && (keywords ?? []).every((keyword) => keyword.weight > 0),
    'question_keyword_weights',
    `${path}/keywords`,
    `weights must be positive and sum to 1 (they sum to ${Math.round(sum * 1000) / 1000})`,
  );
  const maxAnswerLength = input.maxAnswerLength ?? DEFAULT_ANSWER_LENGTH[input.kind] ?? 500;
  check(
    Number.isInteger(maxAnswerLength) && maxAnswerLength >= 1 && maxAnswerLength <= ANSWER_LENGTH_CAP,
    'question_answer_length_invalid',
    `${path}/maxAnswerLength`,
    `must be 1 to ${ANSWER_LENGTH_CAP}`,
  );
  return {
    ...base,
    rubric: input.rubric as string,
    ...(input.referenceAnswer !== undefined && { referenceAnswer: input.referenceAnswer }),
    keywords: (keywords ?? []).map((keyword) => ({ term: keyword.term, weight: keyword.weight })),
    maxAnswerLength,
  };
}

/** The complete, checked sections; throws 400 naming the first offending field. */
export function normaliseSections(sections: readonly Input[], root = '/body/sections'): Section[] {
  const total = sections.reduce((count, section) => count + section.questions.length, 0);
  check(
    total <= MAX_QUESTIONS,
    'too_many_questions',
    root,
    `at most ${MAX_QUESTIONS} questions in all, got ${total}`,
  );
  let questionNumber = 0;
  const result = sections.map((section, sectionIndex) => {
    const path = `${root}/${sectionIndex}`;
    check(
      section.questions.length >= 1,
      'section_empty',
      `${path}/questions`,
      'a section needs at least one question',
    );
    return {
      id: section.id ?? `s${sectionIndex + 1}`,
      title: section.title,
      questions: section.questions.map((input, questionIndex) => {
        questionNumber += 1;
        check(
          [...CHOICE_KINDS, ...TEXT_KINDS].includes(input.kind),
          'question_kind_invalid',
          `${path}/questions/${questionIndex}/kind`,
          'unknown kind',
        );
        return question(input, `${path}/questions/${questionIndex}`, `q${questionNumber}`);
      }),
    };
  });
  unique(
    result.map((section) => section.id),
    'section_id_duplicate',
    (index) => `${root}/${index}/id`,
  );
  const seen = new Set<string>();
  for (const [sectionIndex, section] of result.entries()) {
    for (const [questionIndex, q] of section.questions.entries()) {
      check(
        !seen.has(q.id),
        'question_id_duplicate',
        `${root}/${sectionIndex}/questions/${questionIndex}/id`,
        `id "${q.id}" is used twice`,
      );
      seen.add(q.id);
    }
  }
  return result;
}

export function countsOf(sections: readonly Section[]) {
  const questions = sections.flatMap((section) => section.questions);
  return {
    questionCount: questions.length,
    sectionCount: sections.length,
    totalPoints: questions.reduce((total, q) => total + q.points, 0),
  };
}
