// Owns the fake LLM for tests: a node:http server on 127.0.0.1 (fake-http-server.ts) that speaks the OpenAI
// chat-completions protocol (POST /v1/chat/completions and /chat/completions) so the official
// `openai` SDK can be pointed at it. Answers come from a queue the test scripts, one per request:
// good JSON content, malformed JSON, schema-invalid JSON (any content the test writes), truncated
// output (finish_reason "length"), a hang (no answer until the client gives up or close()), 429
// with Retry-After, 500. With the queue empty it answers 500, so a test that forgot a script fails
// loudly. Every request body is recorded, parsed, for assertions.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenFake, readBody } from './fake-http-server.js';

export type FakeLlmScript =
  /** A completed answer whose message content is `content` (a string as is, anything else JSON-encoded). */
  | { kind: 'content'; content: unknown; model?: string; finishReason?: string }
  /** Content cut short: finish_reason "length". */
  | { kind: 'truncated'; content?: string }
  /** Never answers (the client's timeout decides). */
  | { kind: 'hang' }
  | { kind: 'rate_limited'; retryAfterSeconds?: number }
  | { kind: 'server_error'; status?: number };

export interface FakeLlmRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (model, messages, response_format, …); null if it was not JSON. */
  body: FakeChatBody | null;
}

export interface FakeChatBody {
  model?: string;
  messages?: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  [key: string]: unknown;
}

export interface FakeLlm {
  /** Base URL for LLM_API_URL, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  /** Every request received, oldest first. */
  requests: FakeLlmRequest[];
  /** Queues answers, served first in first out. */
  script(...answers: FakeLlmScript[]): void;
  /** Answers still queued. */
  pending(): number;
  close(): Promise<void>;
}

const DEFAULT_MODEL = 'fake-model-1';

function completion(content: string, model: string, finishReason: string) {
  return {
    id: `chatcmpl-fake-${Math.floor(Date.now() / 1000)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: finishReason },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

const apiError = (message: string, type: string) => ({ error: { message, type, param: null, code: null } });

export async function startFakeLlm(): Promise<FakeLlm> {
  const queue: FakeLlmScript[] = [];
  const requests: FakeLlmRequest[] = [];

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const raw = await readBody(request);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (request.method !== 'POST' || (path !== '/v1/chat/completions' && path !== '/chat/completions')) {
      send(response, 404, apiError(`no route ${request.method} ${path}`, 'invalid_request_error'));
      return;
    }
    let body: FakeChatBody | null = null;
    try {
      body = JSON.parse(raw) as FakeChatBody;
    } catch {
      body = null;
    }
    requests.push({ path, headers: request.headers, body });
    const answer = queue.shift() ?? { kind: 'server_error', status: 500 };
    const model = body?.model ?? DEFAULT_MODEL;
    switch (answer.kind) {
      case 'content': {
        const content = typeof answer.content === 'string' ? answer.content : JSON.stringify(answer.content);
        send(response, 200, completion(content, answer.model ?? model, answer.finishReason ?? 'stop'));
        return;
      }
      case 'truncated':
        send(
          response,
          200,
          completion(answer.content ?? '{"title": "Backend engineer asse', model, 'length'),
        );
        return;
      case 'hang':
        return; // the socket stays open until the client aborts or close() destroys it
      case 'rate_limited':
        send(response, 429, apiError('Rate limit reached, please retry later', 'rate_limit_exceeded'), {
          'retry-after': String(answer.retryAfterSeconds ?? 0),
        });
        return;
      case 'server_error':
        send(response, answer.status ?? 500, apiError('The server had an error', 'server_error'));
        return;
    }
  }

  const server = await listenFake(handle, () => apiError('fake failed', 'server_error'));
  return {
    url: `${server.url}/v1`,
    requests,
    script: (...answers) => {
      queue.push(...answers);
    },
    pending: () => queue.length,
    close: server.close,
  };
}
