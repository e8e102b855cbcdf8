// Owns the rules every question obeys wherever it comes from (the shipped bank, an LLM, later an
// editor): kinds, sizes, points, levels, choices (2 to 8, distinct, single_choice exactly one
// correct, multiple_choice at least one), and for text kinds a rubric, a reference answer and
// keywords whose weights sum to 1, each keyword meaningful (no prefix term shorter than 3
// characters, no term made only of stop words such as "the"), and a reference answer that earns at
// least 70 % of the points from the keyword scorer. Returns the problems as readable strings;
// callers decide whether that stops the start (bank) or means "fall back" (LLM output).
import { compileKeyword, gradeText, normaliseText } from '../grading/keywords.js';
import { CHOICE_KINDS, type Question, type QuestionKind, TEXT_KINDS } from '../types.js';

export const LIMITS = {
  promptMin: 10,
  promptMax: 2000,
  choiceTextMax: 500,
  minChoices: 2,
  maxChoices: 8,
  pointsMax: 10,
  rubricMax: 2000,
  referenceMax: 4000,
  maxKeywords: 12,
  termMax: 200,
  titleMax: 200,
  descriptionMax: 2000,
  questionsMax: 40,
  sectionsMax: 20,
} as const;

/** Longest answer accepted per text kind unless the question says otherwise. */
export const DEFAULT_ANSWER_LENGTH: Record<QuestionKind, number> = {
  single_choice: 0,
  multiple_choice: 0,
  short_text: 1000,
  long_text: 5000,
  code: 10000,
};

const WEIGHT_TOLERANCE = 1e-6;

/** A prefix keyword (`normali*`) needs at least this many characters before the `*`. */
export const PREFIX_MIN = 3;

/** Share of the points a question's own reference answer must earn from the keyword scorer. */
export const REFERENCE_MIN_SHARE = 0.7;

/** Words that appear in almost any answer: a keyword made only of these gives free marks. */
const STOP_WORDS = new Set(
  (
    'a an the and or but nor is are was were be been being am it its of to in on at by for with as ' +
    'this that these those i you he she we they me my your our their not no yes do does did so if ' +
    'then than there here what which who whom how why when where all any some can will would should ' +
    'could may might must has have had also very just about into onto'
  ).split(' '),
);

/** Why a keyword would grade wrongly (an alternative that matches nearly anything), or null. */
function keywordProblem(term: string): string | null {
  for (const raw of term.split('|')) {
    const alternative = raw.trim();
    const prefix = alternative.endsWith('*');
    const words = normaliseText(prefix ? alternative.slice(0, -1) : alternative);
    if (words === '') continue; // dropped by the scorer; "no usable term" covers a keyword with none left
    if (prefix && words.replace(/ /g, '').length < PREFIX_MIN) {
      return `prefix "${alternative}" needs at least ${PREFIX_MIN} characters before the *`;
    }
    if (words.split(' ').every((word) => STOP_WORDS.has(word))) {
      return `"${alternative}" is only stop words`;
    }
  }
  return null;
}

export function questionProblems(question: Question): string[] {
  const problems: string[] = [];
  const at = (message: string) => problems.push(`${question.id}: ${message}`);
  if (![...CHOICE_KINDS, ...TEXT_KINDS].includes(question.kind)) at(`unknown kind ${String(question.kind)}`);
  const prompt = question.prompt?.trim() ?? '';
  if (prompt.length < LIMITS.promptMin || prompt.length > LIMITS.promptMax) {
    at(`prompt must be ${LIMITS.promptMin} to ${LIMITS.promptMax} characters`);
  }
  if (!Number.isInteger(question.points) || question.points < 1 || question.points > LIMITS.pointsMax) {
    at(`points must be a whole number from 1 to ${LIMITS.pointsMax}`);
  }
  if (
    question.level !== null &&
    !(Number.isInteger(question.level) && question.level >= 1 && question.level <= 5)
  ) {
    at('level must be 1 to 5');
  }
  if (CHOICE_KINDS.includes(question.kind)) {
    const choices = question.choices ?? [];
    if (choices.length < LIMITS.minChoices || choices.length > LIMITS.maxChoices) {
      at(`needs ${LIMITS.minChoices} to ${LIMITS.maxChoices} choices`);
    }
    const texts = new Set(choices.map((choice) => choice.text.trim().toLowerCase()));
    if (texts.size !== choices.length) at('choices must be distinct');
    if (new Set(choices.map((choice) => choice.id)).size !== choices.length)
      at('choice ids must be distinct');
    if (choices.some((choice) => choice.text.trim() === '' || choice.text.length > LIMITS.choiceTextMax)) {
      at(`every choice needs 1 to ${LIMITS.choiceTextMax} characters`);
    }
    const correct = choices.filter((choice) => choice.correct).length;
    if (question.kind === 'single_choice' && correct !== 1)
      at('single_choice needs exactly one correct choice');
    if (question.kind === 'multiple_choice' && correct < 1)
      at('multiple_choice needs at least one correct choice');
    if (question.rubric || question.referenceAnswer || question.keywords?.length) {
      at('choice questions carry no rubric, reference answer or keywords');
    }
  }
  if (TEXT_KINDS.includes(question.kind)) {
    if (question.choices?.length) at('text questions carry no choices');
    const rubric = question.rubric?.trim() ?? '';
    if (rubric === '' || rubric.length > LIMITS.rubricMax)
      at(`rubric needs 1 to ${LIMITS.rubricMax} characters`);
    const reference = question.referenceAnswer?.trim() ?? '';
    if (reference === '' || reference.length > LIMITS.referenceMax) {
      at(`referenceAnswer needs 1 to ${LIMITS.referenceMax} characters`);
    }
    const keywords = question.keywords ?? [];
    if (keywords.length < 1 || keywords.length > LIMITS.maxKeywords)
      at(`needs 1 to ${LIMITS.maxKeywords} keywords`);
    let sum = 0;
    for (const keyword of keywords) {
      if (!(keyword.weight > 0 && keyword.weight <= 1))
        at(`keyword "${keyword.term}" needs a weight in (0, 1]`);
      if (keyword.term.length > LIMITS.termMax || compileKeyword(keyword).alternatives.length === 0) {
        at(`keyword "${keyword.term}" has no usable term`);
      } else {
        const problem = keywordProblem(keyword.term);
        if (problem) at(`keyword "${keyword.term}": ${problem}`);
      }
      sum += keyword.weight;
    }
    if (keywords.length > 0 && Math.abs(sum - 1) > WEIGHT_TOLERANCE)
      at(`keyword weights sum to ${sum}, not 1`);
    else if (keywords.length > 0 && reference !== '' && Number.isFinite(question.points)) {
      const earned = gradeText(question, { text: reference }).score;
      if (earned < REFERENCE_MIN_SHARE * question.points) {
        at(
          `the reference answer earns ${earned} of ${question.points} points from the keywords (needs ${REFERENCE_MIN_SHARE * 100} %)`,
        );
      }
    }
    const limit = question.maxAnswerLength;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 10 && limit <= 20_000)) {
      at('maxAnswerLength must be 10 to 20000');
    }
  }
  return problems;
}
