// Owns the deterministic rubric/keyword scorer: the embedded default for text answers and the
// fallback whenever the LLM grader gives nothing usable. Each keyword of a question is worth its
// weight × the question's points when the answer contains it. A keyword may list alternatives
// separated by `|` ("index|indexes|indexing"); a trailing `*` matches any word starting with the
// rest ("normali*"). Matching ignores case, accents' composition, punctuation and runs of white
// space, and respects word boundaries ("sort" does not match "resort"). The total is rounded to
// the nearest half point and the rationale names the concepts found and missing (never the
// answer's own words), so the same answer always gets the same grade, whatever else it says.
import type { Answer, Keyword, Question, QuestionGrade } from '../types.js';
import { DETERMINISTIC } from './choices.js';

/**
 * Longest text the scorer reads, counted AFTER normalisation (= the longest answer an attempt takes),
 * so characters that expand under NFKC (U+FDFA becomes 18 characters) cannot multiply the work.
 */
export const SCORED_LENGTH = 20_000;

/** Input is normalised this many characters at a time, stopping once SCORED_LENGTH is reached. */
const NFKC_CHUNK = 1_000;

/** Anything outside printable ASCII, tab and line breaks. */
const NOT_PLAIN_ASCII = /[^\t\n\r -~]/;

/**
 * The NFKC form of the start of `text`, at most `limit` characters, normalising chunk by chunk.
 * Chunks end just before an ASCII character where one is near (an ASCII character never combines
 * with what precedes it, so the result equals normalising the whole text) and never inside a
 * surrogate pair.
 */
function nfkcPrefix(text: string, limit: number): string {
  let result = '';
  let start = 0;
  while (start < text.length && result.length < limit) {
    let end = Math.min(text.length, start + NFKC_CHUNK);
    const searchEnd = Math.min(text.length, end + 64);
    while (end < searchEnd && text.charCodeAt(end) > 0x7f) end++;
    const unit = text.charCodeAt(end);
    if (end < text.length && unit >= 0xdc00 && unit <= 0xdfff) end++;
    result += text.slice(start, end).normalize('NFKC');
    start = end;
  }
  return result.slice(0, limit);
}

/** Lower case, compatibility-composed, every run of non-letters/digits (and `+`, `#`) one space. */
export function normaliseText(text: string): string {
  const head = text.slice(0, SCORED_LENGTH);
  // ASCII (most answers) is already in NFKC form and needs no Unicode-aware classes: a cheaper path.
  if (!NOT_PLAIN_ASCII.test(head))
    return head
      .toLowerCase()
      .replace(/[^a-z0-9+#]+/g, ' ')
      .trim();
  return nfkcPrefix(text, SCORED_LENGTH)
    .toLowerCase()
    .slice(0, SCORED_LENGTH)
    .replace(/[^\p{L}\p{N}+#]+/gu, ' ')
    .trim();
}

interface Alternative {
  /** Normalised words, padded so that `includes` respects word boundaries. */
  needle: string;
}

export interface CompiledKeyword {
  label: string;
  weight: number;
  alternatives: Alternative[];
}

const compiledCache = new WeakMap<Keyword[], CompiledKeyword[]>();

/** Parses one keyword's alternatives; an alternative that normalises to nothing is dropped. */
export function compileKeyword(keyword: Keyword): CompiledKeyword {
  const alternatives: Alternative[] = [];
  for (const raw of keyword.term.split('|')) {
    const prefix = raw.trim().endsWith('*');
    const words = normaliseText(prefix ? raw.trim().slice(0, -1) : raw);
    if (words) alternatives.push({ needle: prefix ? ` ${words}` : ` ${words} ` });
  }
  const label = keyword.term.split('|')[0]?.replace(/\*$/, '').trim() ?? keyword.term;
  return { label, weight: keyword.weight, alternatives };
}

function compiled(keywords: Keyword[]): CompiledKeyword[] {
  let result = compiledCache.get(keywords);
  if (!result) {
    result = keywords.map(compileKeyword);
    compiledCache.set(keywords, result);
  }
  return result;
}

const nearestHalf = (value: number) => Math.round(value * 2) / 2;

export function gradeText(question: Question, answer: Answer | null): QuestionGrade {
  const text = answer !== null && 'text' in answer ? answer.text : '';
  const grade = (score: number, rationale: string): QuestionGrade => ({
    score,
    maxScore: question.points,
    grader: DETERMINISTIC,
    rationale,
  });
  const haystack = ` ${normaliseText(text)} `;
  if (haystack.trim() === '') return grade(0, 'No answer was given.');
  const keywords = compiled(question.keywords ?? []);
  if (keywords.length === 0)
    return grade(0, 'This question has no scoring keywords; it needs a manual grade.');
  let share = 0;
  const found: string[] = [];
  const missing: string[] = [];
  for (const keyword of keywords) {
    if (keyword.alternatives.some((alternative) => haystack.includes(alternative.needle))) {
      share += keyword.weight;
      found.push(keyword.label);
    } else {
      missing.push(keyword.label);
    }
  }
  const score = Math.min(question.points, Math.max(0, nearestHalf(share * question.points)));
  const parts = [
    found.length > 0 ? `Covers: ${found.join(', ')}.` : 'Covers none of the expected concepts.',
    missing.length > 0 ? `Missing: ${missing.join(', ')}.` : 'All expected concepts are covered.',
  ];
  return grade(score, parts.join(' '));
}
