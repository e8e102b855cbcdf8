// Owns the seam between assessments and a large language model: one structured completion per
// call (a system and a user message, a JSON schema the answer must follow), and the typed failures
// the callers turn into a deterministic fallback. Nothing here knows questions or grading.

export interface CompletionRequest {
  system: string;
  user: string;
  /** JSON schema (strict mode: every property required, no additional properties). */
  schema: Record<string, unknown>;
  schemaName: string;
  maxTokens: number;
  signal?: AbortSignal;
}

export interface Completion {
  /** The message content as returned (callers parse and validate it). */
  content: string;
  /** The model that answered, as the provider names it. */
  model: string;
  /** `stop`, `length` (truncated), `content_filter`, … as the provider says. */
  finishReason: string;
}

/** Why a call gave no usable completion; every one of them means "use the deterministic path". */
export type LlmFailureReason =
  | 'timeout'
  | 'rate_limited'
  | 'provider_error'
  | 'truncated'
  | 'refused'
  | 'invalid_json'
  | 'schema_invalid';

export class LlmFailure extends Error {
  constructor(
    readonly reason: LlmFailureReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'LlmFailure';
  }
}

export interface LlmProvider {
  /** The configured model name (what grades and generations record). */
  readonly model: string;
  /** Resolves with a finished completion or rejects with an LlmFailure; never hangs past its deadline. */
  complete(request: CompletionRequest): Promise<Completion>;
}
