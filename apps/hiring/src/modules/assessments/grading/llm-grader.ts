// Owns grading a text answer with the LLM: the prompt from prompts.ts, a strict JSON-schema reply
// { score, rationale }, the score clamped to 0..points and rounded to a half point, the rationale
// trimmed to one short paragraph. Anything unusable (provider failure, late, malformed or
// off-schema reply) falls back to the deterministic keyword scorer, whose grade says so.
import type { LlmProvider } from '../llm/types.js';
import { LlmFailure } from '../llm/types.js';
import type { Answer, Question, QuestionGrade } from '../types.js';
import { gradeText } from './keywords.js';
import { GRADE_SCHEMA, gradingSystemPrompt, gradingUserMessage } from './prompts.js';

const RATIONALE_LIMIT = 400;

export interface LlmGradeOutcome {
  grade: QuestionGrade;
  /** Why the deterministic scorer was used instead, or null. */
  fallbackReason: string | null;
}

function parseGrade(content: string, points: number): { score: number; rationale: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw new LlmFailure('invalid_json', 'the grade is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LlmFailure('schema_invalid', 'the grade is not an object');
  }
  const { score, rationale } = parsed as Record<string, unknown>;
  if (typeof score !== 'number' || !Number.isFinite(score))
    throw new LlmFailure('schema_invalid', 'score is not a number');
  if (typeof rationale !== 'string' || rationale.trim() === '') {
    throw new LlmFailure('schema_invalid', 'rationale is not a non-empty string');
  }
  const clamped = Math.min(points, Math.max(0, Math.round(score * 2) / 2));
  const text = rationale.replace(/\s+/g, ' ').trim();
  return {
    score: clamped,
    rationale: text.length > RATIONALE_LIMIT ? `${text.slice(0, RATIONALE_LIMIT - 1)}…` : text,
  };
}

export async function gradeTextWithLlm(
  provider: LlmProvider,
  question: Question,
  answer: Answer | null,
): Promise<LlmGradeOutcome> {
  const text = answer !== null && 'text' in answer ? answer.text : '';
  // Nothing to judge: no call, the scorer's 0 is the grade.
  if (text.trim() === '') return { grade: gradeText(question, answer), fallbackReason: null };
  try {
    const completion = await provider.complete({
      system: gradingSystemPrompt(question),
      user: gradingUserMessage(text, question),
      schema: GRADE_SCHEMA as unknown as Record<string, unknown>,
      schemaName: 'answer_grade',
      maxTokens: 400,
    });
    const { score, rationale } = parseGrade(completion.content, question.points);
    return {
      grade: { score, maxScore: question.points, grader: completion.model, rationale },
      fallbackReason: null,
    };
  } catch (error) {
    const reason = error instanceof LlmFailure ? error.reason : 'provider_error';
    return { grade: gradeText(question, answer), fallbackReason: reason };
  }
}
