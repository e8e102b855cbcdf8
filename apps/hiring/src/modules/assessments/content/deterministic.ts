// Owns the deterministic generator: an assessment assembled from the shipped bank for a job's
// skills, the embedded default and the fallback for every failed LLM generation. One section per
// job skill the bank knows (in the job's order, duplicates merged); skills it does not know are
// listed in the description. The question count (default 10, at most 40) is shared out evenly,
// a section short of questions passing its share on. Within a skill the questions nearest the
// required level (3 when none is given) are taken, ties broken by a hash of the input and the
// question id: no Math.random, so the same input always gives the same assessment, and question
// ids are the bank's own, stable across runs. When no listed skill is in the bank, skills named in
// the job's title and description are tried.
import { extractSkills } from '../../matching/skills.js';
import type { AssessmentContent, GenerationInput, Question, Section, SkillLevel } from '../types.js';
import { type BankSkill, type QuestionBank, questionBank } from './bank.js';

export const DEFAULT_QUESTION_COUNT = 10;
export const MAX_QUESTION_COUNT = 40;
const DEFAULT_LEVEL: SkillLevel = 3;

export function questionCountOf(input: GenerationInput): number {
  const count = input.questionCount ?? DEFAULT_QUESTION_COUNT;
  return Math.min(
    MAX_QUESTION_COUNT,
    Math.max(1, Math.floor(Number.isFinite(count) ? count : DEFAULT_QUESTION_COUNT)),
  );
}

/** FNV-1a, 32 bits: a tiny stable hash (not for security). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

interface Wanted {
  bank: BankSkill;
  level: SkillLevel;
}

function resolveSkills(input: GenerationInput, bank: QuestionBank): { wanted: Wanted[]; unknown: string[] } {
  const wanted: Wanted[] = [];
  const unknown: string[] = [];
  const add = (name: string, level: SkillLevel | null) => {
    const found = bank.find(name);
    if (!found) {
      if (name.trim()) unknown.push(name.trim());
      return;
    }
    const existing = wanted.find((entry) => entry.bank === found);
    if (existing) existing.level = Math.max(existing.level, level ?? DEFAULT_LEVEL) as SkillLevel;
    else wanted.push({ bank: found, level: level ?? DEFAULT_LEVEL });
  };
  for (const skill of input.skills) add(skill.name, skill.level);
  if (wanted.length === 0) {
    for (const name of extractSkills(`${input.jobTitle}\n${input.jobDescription}`)) {
      if (bank.find(name)) add(name, null);
    }
  }
  return { wanted, unknown: [...new Set(unknown)] };
}

/** Shares `count` questions over the sections, each taking at most what its bank skill holds. */
function shares(wanted: Wanted[], count: number): number[] {
  const result = wanted.map(() => 0);
  let left = count;
  while (left > 0) {
    let gave = false;
    for (let i = 0; i < wanted.length && left > 0; i++) {
      if (result[i]! < wanted[i]!.bank.questions.length) {
        result[i]!++;
        left--;
        gave = true;
      }
    }
    if (!gave) break;
  }
  return result;
}

function pick(skill: BankSkill, level: SkillLevel, take: number, seed: number): Question[] {
  const order = new Map(skill.questions.map((question, index) => [question.id, index]));
  const chosen = [...skill.questions]
    .map((question) => ({
      question,
      distance: Math.abs((question.level ?? DEFAULT_LEVEL) - level),
      tie: fnv1a(`${seed}:${question.id}`),
    }))
    .sort((a, b) => a.distance - b.distance || a.tie - b.tie)
    .slice(0, take)
    .map((entry) => entry.question);
  // Shown in the bank's order: easier first, choices before writing, as the files are laid out.
  return chosen.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
}

const levelName = (level: SkillLevel) =>
  ['', 'beginner', 'junior', 'intermediate', 'senior', 'expert'][level];

export function generateFromBank(
  input: GenerationInput,
  bank: QuestionBank = questionBank,
): AssessmentContent {
  const count = questionCountOf(input);
  const seed = fnv1a(
    JSON.stringify([
      input.jobTitle,
      input.jobDescription,
      input.skills.map((skill) => [skill.name, skill.level]),
      count,
    ]),
  );
  const { wanted, unknown } = resolveSkills(input, bank);
  const perSection = shares(wanted, count);
  const sections: Section[] = [];
  const tested: string[] = [];
  const notReached: string[] = [];
  wanted.forEach((entry, index) => {
    const take = perSection[index] ?? 0;
    if (take === 0) {
      notReached.push(entry.bank.title);
      return;
    }
    sections.push({
      id: `s-${entry.bank.questions[0]?.id.replace(/-[^-]*$/, '') ?? index}`,
      title: entry.bank.title,
      questions: pick(entry.bank, entry.level, take, seed).map((question) => structuredClone(question)),
    });
    tested.push(`${entry.bank.title} (${levelName(entry.level)})`);
  });
  const lines = [
    tested.length > 0
      ? `Tests ${tested.join(', ')} with questions from the shipped question bank.`
      : 'None of the job’s skills is in the shipped question bank, so this assessment has no questions yet; add them by hand.',
  ];
  if (unknown.length > 0) lines.push(`Not in the question bank, so not tested: ${unknown.join(', ')}.`);
  if (notReached.length > 0) lines.push(`Left out to keep to ${count} questions: ${notReached.join(', ')}.`);
  const title = `${input.jobTitle.trim() || 'Skills'} assessment`.slice(0, 200);
  return { title, description: lines.join(' ').slice(0, 2000), sections };
}
