// Owns building the AssessmentAi seam from configuration: the OpenAI-compatible provider when
// LLM_API_URL and LLM_MODEL are set (llm/settings.ts), the deterministic generator and scorer
// otherwise and as the fallback. Choice questions are always scored exactly (grading/choices.ts);
// text kinds go to the LLM grader when a provider is configured, else to the keyword scorer.
// Fallbacks are logged with their reason (never the prompt, the answer or the key).
import type { Logger, ServerDependencies } from '@app/platform';
import { generateAssessment } from './content/generate.js';
import { DETERMINISTIC, gradeChoice } from './grading/choices.js';
import { gradeText } from './grading/keywords.js';
import { gradeTextWithLlm } from './grading/llm-grader.js';
import { createOpenAiProvider } from './llm/openai-provider.js';
import { LLM_SECRETS, LLM_SETTINGS, readLlmSettings } from './llm/settings.js';
import type { LlmProvider } from './llm/types.js';
import { type Answer, type AssessmentAi, CHOICE_KINDS, type Question } from './types.js';

export const AI_SECRETS = LLM_SECRETS;
export const AI_SETTINGS = LLM_SETTINGS;

export function createAssessmentAi(
  dependencies: Pick<ServerDependencies, 'config' | 'logger'>,
): AssessmentAi {
  const settings = readLlmSettings(dependencies.config);
  return buildAssessmentAi(settings ? createOpenAiProvider(settings) : null, dependencies.logger);
}

/** The seam over a given provider (null: deterministic only); tests build it around a fake. */
/** The grade without any provider: choices automatically, text by the rubric's keywords. */
export const gradeDeterministically = (question: Question, answer: Answer | null) =>
  CHOICE_KINDS.includes(question.kind) ? gradeChoice(question, answer) : gradeText(question, answer);

export function buildAssessmentAi(provider: LlmProvider | null, logger?: Pick<Logger, 'warn'>): AssessmentAi {
  return {
    textGrader: provider ? provider.model : DETERMINISTIC,
    async generate(input) {
      const result = await generateAssessment(provider, input);
      if (provider && result.fallbackReason) {
        logger?.warn(
          { reason: result.fallbackReason },
          'assessment generation fell back to the question bank',
        );
      }
      return result;
    },
    async grade(question, answer) {
      if (CHOICE_KINDS.includes(question.kind) || !provider) return gradeDeterministically(question, answer);
      const outcome = await gradeTextWithLlm(provider, question, answer);
      if (outcome.fallbackReason) {
        logger?.warn(
          { reason: outcome.fallbackReason, questionId: question.id },
          'LLM grading fell back to keywords',
        );
      }
      return outcome.grade;
    },
  };
}
