// LLM configuration: nothing set means the deterministic path; URL and model together build the
// provider; a URL that would send the key in clear text off this machine, a half configuration or
// an out-of-range timeout stops the start with a message naming the setting.
import { describe, expect, it } from 'vitest';
import { createAssessmentAi } from '../../src/modules/assessments/ai.js';
import { readLlmSettings } from '../../src/modules/assessments/llm/settings.js';

const config = (settings: Record<string, string>, secrets: Record<string, string> = {}) => ({
  settings,
  secrets: { jwt: 'j', encryption: 'e', ...secrets },
});

describe('LLM settings', () => {
  it('without URL and model: no provider, deterministic grader', () => {
    expect(readLlmSettings(config({}))).toBeNull();
    const ai = createAssessmentAi({ config: config({}) } as never);
    expect(ai.textGrader).toBe('deterministic');
  });

  it('reads a full configuration with defaults', () => {
    expect(
      readLlmSettings(
        config(
          { LLM_API_URL: 'https://llm.example.com/v1/', LLM_MODEL: 'gpt-4o-mini' },
          { LLM_API_KEY: 'sk' },
        ),
      ),
    ).toEqual({
      baseUrl: 'https://llm.example.com/v1',
      model: 'gpt-4o-mini',
      apiKey: 'sk',
      timeoutMs: 20_000,
      maxRetries: 2,
    });
    const local = readLlmSettings(
      config({
        LLM_API_URL: 'http://127.0.0.1:11434/v1',
        LLM_MODEL: 'llama3',
        LLM_TIMEOUT_MS: '500',
        LLM_MAX_RETRIES: '0',
      }),
    );
    expect(local).toMatchObject({ baseUrl: 'http://127.0.0.1:11434/v1', timeoutMs: 500, maxRetries: 0 });
    const ai = createAssessmentAi({
      config: config({ LLM_API_URL: 'http://localhost:1/v1', LLM_MODEL: 'llama3' }),
    } as never);
    expect(ai.textGrader).toBe('llama3');
  });

  it('refuses clear-text URLs off this machine, half configurations and bad numbers', () => {
    expect(() =>
      readLlmSettings(config({ LLM_API_URL: 'http://llm.example.com/v1', LLM_MODEL: 'm' })),
    ).toThrow(/LLM_API_URL must be an https URL/);
    expect(() =>
      readLlmSettings(config({ LLM_API_URL: 'https://user:pw@llm.example.com/v1', LLM_MODEL: 'm' })),
    ).toThrow(/without query or credentials/);
    expect(() => readLlmSettings(config({ LLM_API_URL: 'https://llm.example.com/v1' }))).toThrow(
      /LLM_MODEL must be set/,
    );
    expect(() => readLlmSettings(config({ LLM_MODEL: 'm' }))).toThrow(/LLM_API_URL must be set/);
    expect(() =>
      readLlmSettings(
        config({
          LLM_API_URL: 'https://x.example/v1',
          LLM_MODEL: 'm',
          LLM_TIMEOUT_MS: '0',
          LLM_MAX_RETRIES: '5',
        }),
      ),
    ).toThrow(/LLM_TIMEOUT_MS[\s\S]*LLM_MAX_RETRIES/);
  });
});
