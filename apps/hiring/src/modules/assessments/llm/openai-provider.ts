// Owns the one real LlmProvider: any OpenAI-compatible chat-completions API through the official
// `openai` SDK pointed at the configured base URL. Structured output is requested with
// response_format json_schema (strict); the SDK retries 408/409/429/5xx and connection errors at
// most LLM_MAX_RETRIES times (honouring Retry-After), and one deadline (LLM_TIMEOUT_MS) bounds the
// whole call including those retries: the SDK call is raced against the deadline, because the SDK
// sleeps out a Retry-After of any length without looking at the abort signal. Every failure becomes
// an LlmFailure with a reason; nothing here ever logs or returns the API key.
import OpenAI from 'openai';
import type { LlmSettings } from './settings.js';
import { type Completion, type CompletionRequest, LlmFailure, type LlmProvider } from './types.js';

export function createOpenAiProvider(settings: LlmSettings): LlmProvider {
  const client = new OpenAI({
    apiKey: settings.apiKey,
    baseURL: settings.baseUrl,
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
  });

  async function complete(request: CompletionRequest): Promise<Completion> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), settings.timeoutMs);
    const onCallerAbort = () => deadline.abort();
    request.signal?.addEventListener('abort', onCallerAbort, { once: true });
    // Settles (rejects) as soon as the deadline passes, whatever the SDK is doing at that moment.
    const deadlinePassed = new Promise<never>((_, reject) => {
      const fail = () => reject(new LlmFailure('timeout', 'no answer before the deadline'));
      if (deadline.signal.aborted) fail();
      else deadline.signal.addEventListener('abort', fail, { once: true });
    });
    deadlinePassed.catch(() => {}); // only observed through the race below
    try {
      const call = client.chat.completions.create(
        {
          model: settings.model,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: request.user },
          ],
          response_format: {
            type: 'json_schema',
            json_schema: { name: request.schemaName, schema: request.schema, strict: true },
          },
          max_tokens: request.maxTokens,
          temperature: 0,
        },
        { signal: deadline.signal },
      );
      // After the deadline the SDK still rejects (once its sleep ends): nobody waits for that any more.
      call.catch(() => {});
      const response = await Promise.race([call, deadlinePassed]);
      const choice = response.choices?.[0];
      if (!choice) throw new LlmFailure('provider_error', 'the response has no choices');
      const finishReason = choice.finish_reason ?? 'unknown';
      if (finishReason === 'length') throw new LlmFailure('truncated', 'the output hit the token limit');
      if (choice.message?.refusal) throw new LlmFailure('refused', 'the model refused');
      if (finishReason === 'content_filter')
        throw new LlmFailure('refused', 'the content filter stopped the output');
      const content = choice.message?.content;
      if (typeof content !== 'string' || content.length === 0) {
        throw new LlmFailure('invalid_json', 'the message has no content');
      }
      return { content, model: response.model || settings.model, finishReason };
    } catch (error) {
      throw asFailure(error, deadline.signal.aborted);
    } finally {
      clearTimeout(timer);
      // Stops whatever the SDK still has in flight (a socket, or the next attempt after its sleep).
      if (!deadline.signal.aborted) deadline.abort();
      request.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return { model: settings.model, complete };
}

function asFailure(error: unknown, deadlinePassed: boolean): LlmFailure {
  if (error instanceof LlmFailure) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof OpenAI.APIUserAbortError) {
    return new LlmFailure('timeout', 'no answer before the deadline');
  }
  if (deadlinePassed) return new LlmFailure('timeout', 'no answer before the deadline');
  if (error instanceof OpenAI.RateLimitError) return new LlmFailure('rate_limited', 'HTTP 429 after retries');
  if (error instanceof OpenAI.APIError) {
    return new LlmFailure('provider_error', error.status ? `HTTP ${error.status}` : 'connection failed');
  }
  if (error instanceof SyntaxError) return new LlmFailure('invalid_json', 'the response body is not JSON');
  return new LlmFailure('provider_error', error instanceof Error ? error.name : 'unknown error');
}
