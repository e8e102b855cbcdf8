// Owns what a candidate sees of a version: the questions without anything only graders may see
// (which choices are correct, the rubric, the reference answer, the keywords, the skill), in an
// order shuffled per attempt when the version says so. The order is a pure function of the stored
// seed (a seeded PRNG and Fisher-Yates), so an attempt shows the same order on every request and on
// every instance. The view is built field by field from an allow-list, never by deleting fields.
import { createHash } from 'node:crypto';
import type { QuestionKind, Section } from '../types.js';

export interface CandidateChoice {
  id: string;
  text: string;
}
export interface CandidateQuestion {
  id: string;
  kind: QuestionKind;
  prompt: string;
  points: number;
  choices?: CandidateChoice[];
  maxAnswerLength?: number;
}
export interface CandidateSection {
  id: string;
  title: string;
  questions: CandidateQuestion[];
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; plenty for ordering questions. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stream per (seed, what is shuffled), so shuffling one list never shifts another's order. */
function streamFor(seed: number, salt: string): () => number {
  const digest = createHash('sha256').update(`${seed}:${salt}`).digest();
  return prng(digest.readUInt32BE(0));
}

export function shuffled<T>(items: readonly T[], seed: number, salt: string): T[] {
  const result = [...items];
  const random = streamFor(seed, salt);
  for (let index = result.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other] as T, result[index] as T];
  }
  return result;
}

export interface ShuffleSettings {
  shuffleQuestions: boolean;
  shuffleChoices: boolean;
}

/** The candidate's view of the sections for this attempt's seed. */
export function candidateSections(
  sections: readonly Section[],
  seed: number,
  settings: ShuffleSettings,
): CandidateSection[] {
  return sections.map((section) => {
    const questions = settings.shuffleQuestions
      ? shuffled(section.questions, seed, `questions:${section.id}`)
      : section.questions;
    return {
      id: section.id,
      title: section.title,
      questions: questions.map((question) => {
        const view: CandidateQuestion = {
          id: question.id,
          kind: question.kind,
          prompt: question.prompt,
          points: question.points,
        };
        if (question.choices) {
          const choices = settings.shuffleChoices
            ? shuffled(question.choices, seed, `choices:${question.id}`)
            : question.choices;
          view.choices = choices.map((choice) => ({ id: choice.id, text: choice.text }));
        }
        if (question.maxAnswerLength !== undefined) view.maxAnswerLength = question.maxAnswerLength;
        return view;
      }),
    };
  });
}
