// Owns the contract of an LLM-written assessment: the JSON schema sent as response_format (strict
// mode: every property required, nothing extra; fields a kind does not use are empty) and the
// strict reading of what comes back. Anything off (wrong types, kinds, sizes, a single_choice with
// two correct answers, a text question without rubric or keywords, weights not summing to 1, fewer
// than half the questions asked for) rejects the whole output: the caller falls back to the bank.
import {
  type AssessmentContent,
  CHOICE_KINDS,
  type Question,
  type QuestionKind,
  TEXT_KINDS,
} from '../types.js';
import { DEFAULT_ANSWER_LENGTH, LIMITS, questionProblems } from './validate.js';

const KINDS = [...CHOICE_KINDS, ...TEXT_KINDS];

const QUESTION_SCHEMA = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: KINDS },
    prompt: { type: 'string' },
    points: { type: 'integer', minimum: 1, maximum: LIMITS.pointsMax },
    skill: { type: 'string' },
    level: { type: 'integer', minimum: 1, maximum: 5 },
    choices: {
      type: 'array',
      description: 'Choice kinds only (2 to 8); empty for text kinds',
      items: {
        type: 'object',
        properties: { text: { type: 'string' }, correct: { type: 'boolean' } },
        required: ['text', 'correct'],
        additionalProperties: false,
      },
    },
    rubric: {
      type: 'string',
      description: 'Text kinds only: what a full-mark answer covers; empty otherwise',
    },
    referenceAnswer: { type: 'string', description: 'Text kinds only; empty otherwise' },
    keywords: {
      type: 'array',
      description: 'Text kinds only: concepts a good answer names; weights sum to 1; empty otherwise',
      items: {
        type: 'object',
        properties: {
          term: { type: 'string', description: 'A word or phrase; alternatives separated by |' },
          weight: { type: 'number' },
        },
        required: ['term', 'weight'],
        additionalProperties: false,
      },
    },
  },
  required: [
    'kind',
    'prompt',
    'points',
    'skill',
    'level',
    'choices',
    'rubric',
    'referenceAnswer',
    'keywords',
  ],
  additionalProperties: false,
} as const;

export const ASSESSMENT_SCHEMA = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    description: { type: 'string' },
    sections: {
      type: 'array',
      items: {
        type: 'object',
        properties: { title: { type: 'string' }, questions: { type: 'array', items: QUESTION_SCHEMA } },
        required: ['title', 'questions'],
        additionalProperties: false,
      },
    },
  },
  required: ['title', 'description', 'sections'],
  additionalProperties: false,
} as const;

export class OutputProblem extends Error {
  constructor(
    readonly reason: 'invalid_json' | 'schema_invalid',
    detail: string,
  ) {
    super(detail);
  }
}

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function expectKeys(value: unknown, keys: readonly string[], where: string): Obj {
  if (!isObject(value)) throw new OutputProblem('schema_invalid', `${where} is not an object`);
  const extra = Object.keys(value).filter((key) => !keys.includes(key));
  if (extra.length > 0)
    throw new OutputProblem('schema_invalid', `${where} has unexpected ${extra.join(', ')}`);
  const missing = keys.filter((key) => !(key in value));
  if (missing.length > 0) throw new OutputProblem('schema_invalid', `${where} lacks ${missing.join(', ')}`);
  return value;
}

function text(value: unknown, where: string, min: number, max: number): string {
  if (typeof value !== 'string') throw new OutputProblem('schema_invalid', `${where} is not a string`);
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) {
    throw new OutputProblem('schema_invalid', `${where} must be ${min} to ${max} characters`);
  }
  return trimmed;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new OutputProblem('schema_invalid', `${where} is not an array`);
  return value;
}

function readQuestion(value: unknown, id: string): Question {
  const raw = expectKeys(value, QUESTION_SCHEMA.required, id);
  if (typeof raw.kind !== 'string' || !KINDS.includes(raw.kind as QuestionKind)) {
    throw new OutputProblem('schema_invalid', `${id}: unknown kind`);
  }
  const kind = raw.kind as QuestionKind;
  if (typeof raw.level !== 'number' || typeof raw.points !== 'number') {
    throw new OutputProblem('schema_invalid', `${id}: level and points must be numbers`);
  }
  const question: Question = {
    id,
    kind,
    prompt: text(raw.prompt, `${id}.prompt`, LIMITS.promptMin, LIMITS.promptMax),
    points: raw.points,
    skill: text(raw.skill, `${id}.skill`, 0, 100) || null,
    level: raw.level as Question['level'],
  };
  const choices = array(raw.choices, `${id}.choices`);
  const keywords = array(raw.keywords, `${id}.keywords`);
  if (CHOICE_KINDS.includes(kind)) {
    question.choices = choices.map((choice, index) => {
      const entry = expectKeys(choice, ['text', 'correct'], `${id}.choices[${index}]`);
      if (typeof entry.correct !== 'boolean')
        throw new OutputProblem('schema_invalid', `${id}: correct is not a boolean`);
      return {
        id: 'abcdefgh'[index] ?? `x${index}`,
        text: text(entry.text, `${id}.choices[${index}].text`, 1, LIMITS.choiceTextMax),
        correct: entry.correct,
      };
    });
    if (text(raw.rubric, `${id}.rubric`, 0, 0) || text(raw.referenceAnswer, `${id}.referenceAnswer`, 0, 0)) {
      throw new OutputProblem('schema_invalid', `${id}: choice questions carry no rubric`);
    }
    if (keywords.length > 0)
      throw new OutputProblem('schema_invalid', `${id}: choice questions carry no keywords`);
  } else {
    if (choices.length > 0)
      throw new OutputProblem('schema_invalid', `${id}: text questions carry no choices`);
    question.rubric = text(raw.rubric, `${id}.rubric`, 1, LIMITS.rubricMax);
    question.referenceAnswer = text(raw.referenceAnswer, `${id}.referenceAnswer`, 1, LIMITS.referenceMax);
    question.keywords = keywords.map((keyword, index) => {
      const entry = expectKeys(keyword, ['term', 'weight'], `${id}.keywords[${index}]`);
      if (typeof entry.weight !== 'number')
        throw new OutputProblem('schema_invalid', `${id}: weight is not a number`);
      return {
        term: text(entry.term, `${id}.keywords[${index}].term`, 1, LIMITS.termMax),
        weight: entry.weight,
      };
    });
    // Models round: weights within 2% of 1 are rescaled to sum exactly to 1, anything further is wrong.
    const sum = question.keywords.reduce((total, keyword) => total + keyword.weight, 0);
    if (sum > 0 && Math.abs(sum - 1) <= 0.02) {
      for (const keyword of question.keywords) keyword.weight /= sum;
      const rest = question.keywords.slice(1).reduce((total, keyword) => total + keyword.weight, 0);
      if (question.keywords[0]) question.keywords[0].weight = 1 - rest;
    }
    question.maxAnswerLength = DEFAULT_ANSWER_LENGTH[kind];
  }
  const problems = questionProblems(question);
  if (problems.length > 0) throw new OutputProblem('schema_invalid', problems.join('; '));
  return question;
}

/** Parses and checks an LLM's output; throws OutputProblem naming the first thing wrong. */
export function readGeneratedAssessment(content: string, requestedCount: number): AssessmentContent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw new OutputProblem('invalid_json', 'the output is not JSON');
  }
  const raw = expectKeys(parsed, ASSESSMENT_SCHEMA.required, 'assessment');
  const sections = array(raw.sections, 'sections');
  if (sections.length < 1 || sections.length > LIMITS.sectionsMax) {
    throw new OutputProblem('schema_invalid', `needs 1 to ${LIMITS.sectionsMax} sections`);
  }
  const result: AssessmentContent = {
    title: text(raw.title, 'title', 1, LIMITS.titleMax),
    description: text(raw.description, 'description', 0, LIMITS.descriptionMax),
    sections: sections.map((section, s) => {
      const entry = expectKeys(section, ['title', 'questions'], `sections[${s}]`);
      const questions = array(entry.questions, `sections[${s}].questions`);
      if (questions.length < 1) throw new OutputProblem('schema_invalid', `sections[${s}] has no questions`);
      return {
        id: `s${s + 1}`,
        title: text(entry.title, `sections[${s}].title`, 1, LIMITS.titleMax),
        questions: questions.map((question, q) => readQuestion(question, `s${s + 1}-q${q + 1}`)),
      };
    }),
  };
  const total = result.sections.reduce((sum, section) => sum + section.questions.length, 0);
  if (total > LIMITS.questionsMax || total < Math.ceil(requestedCount / 2)) {
    throw new OutputProblem('schema_invalid', `${total} questions for ${requestedCount} asked`);
  }
  return result;
}
