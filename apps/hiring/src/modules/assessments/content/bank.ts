// Owns the shipped question bank: one JSON file per skill under bank/ (written for this project),
// turned into validated Questions when the module is imported, so a broken bank stops the start.
// A file is { skill, title, aliases?, questions[] }; a question is { id, kind, level, points,
// prompt } plus, for choice kinds, `choices` (texts) and `correct` (their indexes), or, for text
// kinds, `rubric`, `referenceAnswer`, `keywords` ({ term: weight }, weights summing to 1) and
// optionally `maxAnswerLength`. Choice ids are "a", "b", … by position. Job skills find their bank
// skill through the matching module's canonical names and aliases, plus the file's own aliases.
import { skillKey } from '../../matching/skills.js';
import type { Choice, Question, QuestionKind, SkillLevel } from '../types.js';
import { BANK_FILES } from './bank/index.js';
import { DEFAULT_ANSWER_LENGTH, questionProblems } from './validate.js';

export interface BankFileQuestion {
  id: string;
  kind: string;
  level: number;
  points: number;
  prompt: string;
  choices?: string[];
  correct?: number[];
  rubric?: string;
  referenceAnswer?: string;
  keywords?: Record<string, number>;
  maxAnswerLength?: number;
}

export interface BankFile {
  skill: string;
  title: string;
  aliases?: string[];
  questions: BankFileQuestion[];
}

export interface BankSkill {
  /** The canonical name (as the matching module spells it, or the bank's own for skills it lacks). */
  skill: string;
  title: string;
  questions: Question[];
}

export interface QuestionBank {
  skills: BankSkill[];
  /** The bank skill a job's skill name means, in any known spelling ("JS", "Postgres", "k8s"), else null. */
  find(name: string): BankSkill | null;
  size: number;
}

const CHOICE_IDS = 'abcdefgh';

function toQuestion(skill: string, raw: BankFileQuestion): Question {
  const kind = raw.kind as QuestionKind;
  const question: Question = {
    id: raw.id,
    kind,
    prompt: raw.prompt,
    points: raw.points,
    skill,
    level: raw.level as SkillLevel,
  };
  if (raw.choices) {
    const correct = new Set(raw.correct ?? []);
    question.choices = raw.choices.map(
      (text, index): Choice => ({ id: CHOICE_IDS[index] ?? `x${index}`, text, correct: correct.has(index) }),
    );
  }
  if (raw.rubric !== undefined) question.rubric = raw.rubric;
  if (raw.referenceAnswer !== undefined) question.referenceAnswer = raw.referenceAnswer;
  if (raw.keywords)
    question.keywords = Object.entries(raw.keywords).map(([term, weight]) => ({ term, weight }));
  if (!raw.choices) question.maxAnswerLength = raw.maxAnswerLength ?? DEFAULT_ANSWER_LENGTH[kind];
  return question;
}

/** Builds the bank; throws an Error listing every problem (unknown kinds, bad weights, duplicates…). */
export function loadBank(files: readonly BankFile[]): QuestionBank {
  const problems: string[] = [];
  const ids = new Set<string>();
  const byKey = new Map<string, BankSkill>();
  const skills: BankSkill[] = [];
  for (const file of files) {
    const questions = file.questions.map((raw) => toQuestion(file.skill, raw));
    for (const raw of file.questions) {
      const outOfRange = (raw.correct ?? []).some(
        (index) => !(index >= 0 && index < (raw.choices?.length ?? 0)),
      );
      if (outOfRange) problems.push(`${raw.id}: a correct index names no choice`);
      if (raw.choices && !raw.correct) problems.push(`${raw.id}: choices without correct indexes`);
    }
    for (const question of questions) {
      if (ids.has(question.id)) problems.push(`${question.id}: id used twice`);
      ids.add(question.id);
      if (!question.id.startsWith(`${idPrefix(file)}-`))
        problems.push(`${question.id}: id must start with the file's prefix`);
      problems.push(...questionProblems(question));
    }
    const entry: BankSkill = { skill: file.skill, title: file.title, questions };
    skills.push(entry);
    for (const name of [file.skill, ...(file.aliases ?? [])]) {
      const key = skillKey(name);
      const holder = byKey.get(key);
      if (holder && holder !== entry)
        problems.push(`skill name "${name}" is claimed by ${holder.skill} and ${file.skill}`);
      byKey.set(key, entry);
    }
  }
  if (problems.length > 0) throw new Error(`question bank is invalid:\n${problems.join('\n')}`);
  return {
    skills,
    size: ids.size,
    find: (name) => byKey.get(skillKey(name)) ?? null,
  };
}

/** Question ids start with the file's first question's prefix (e.g. "js-"), unique per file. */
function idPrefix(file: BankFile): string {
  return file.questions[0]?.id.replace(/-[^-]*$/, '') ?? '';
}

/** The shipped bank, validated once at import. */
export const questionBank: QuestionBank = loadBank(BANK_FILES);
