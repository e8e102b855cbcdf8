// Shared by the LLM tests: a provider on the fake chat-completions server with tiny timeouts, and a
// valid assessment as a model would write it (in the response_format schema's shape).
import type { FakeLlm } from '@app/platform/testing';
import { createOpenAiProvider } from '../../src/modules/assessments/llm/openai-provider.js';
import type { LlmProvider } from '../../src/modules/assessments/llm/types.js';

export const MODEL = 'fake-model-1';

export function providerFor(
  fake: FakeLlm,
  options: { timeoutMs?: number; maxRetries?: number } = {},
): LlmProvider {
  return createOpenAiProvider({
    baseUrl: fake.url,
    model: MODEL,
    apiKey: 'test-llm-key',
    timeoutMs: options.timeoutMs ?? 2_000,
    maxRetries: options.maxRetries ?? 0,
  });
}

export function modelAssessment(count = 4) {
  const questions = Array.from({ length: count }, (_, index) =>
    index % 2 === 0
      ? {
          kind: 'single_choice',
          prompt: `Which index type suits jsonb containment queries? (${index + 1})`,
          points: 1,
          skill: 'PostgreSQL',
          level: 3,
          choices: [
            { text: 'GIN', correct: true },
            { text: 'BRIN', correct: false },
          ],
          rubric: '',
          referenceAnswer: '',
          keywords: [],
        }
      : {
          kind: 'short_text',
          prompt: `Why does PostgreSQL need VACUUM? (${index + 1})`,
          points: 3,
          skill: 'PostgreSQL',
          level: 3,
          choices: [],
          rubric: 'Dead tuples from MVCC; wraparound.',
          referenceAnswer: 'MVCC leaves dead tuples that VACUUM reclaims; it also prevents wraparound.',
          keywords: [
            { term: 'dead tuple*', weight: 0.6 },
            { term: 'wraparound', weight: 0.4 },
          ],
        },
  );
  return {
    title: 'Backend engineer assessment',
    description: 'PostgreSQL at an intermediate level.',
    sections: [{ title: 'PostgreSQL', questions }],
  };
}
