// Owns every HTTP request ingestion makes and the manners it makes them with: robots.txt read once
// per origin and obeyed (for our User-Agent, else `*`; a 4xx robots.txt allows everything), the
// per-origin gate, a timeout per request, retries with exponential back-off and jitter on 429, 5xx
// and network failures that honour Retry-After up to a bound, and a cap on body size. Every request
// goes through the platform's guarded fetcher, so no board, careers page, robots.txt or redirect can
// reach an internal address; a refused target is one fixed message whether or not anything listens
// there. It turns every failure into a SourceError with a short message; it never retries a refused
// or timed-out request (the run deadline is what bounds a slow board) and never waits past the run's
// signal.
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGuardedFetcher, NetError } from '@app/platform';
import type robotsModule from 'robots-parser';
import { createHostGate } from './host-gate.js';
import type { IngestionOptions, SourceStatus } from './types.js';

export class SourceError extends Error {
  constructor(
    readonly status: Exclude<SourceStatus, 'ok' | 'empty'>,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface Fetcher {
  /** GETs a URL that robots.txt allows; resolves with the body of a 2xx answer. */
  text(url: string, accept: string): Promise<string>;
  /** As text(), parsed as JSON; a body that is not JSON is a SourceError. */
  json(url: string): Promise<unknown>;
}

const BACKOFF_BASE_MS = 250;
/** Longest wait between two attempts; a longer Retry-After ends the retries instead. */
const MAX_RETRY_DELAY_MS = 30_000;
const MAX_BODY_BYTES = 50 * 1024 * 1024;

// robots-parser is CommonJS typed as an ES default export, which an ES import would get wrong at
// run time; require() returns the parser function itself.
const robotsParser: typeof robotsModule.default = createRequire(import.meta.url)('robots-parser');
type Robots = ReturnType<typeof robotsParser>;

function retryAfterMs(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

export function createFetcher(options: IngestionOptions, runSignal: AbortSignal): Fetcher {
  const gate = createHostGate(options.perHostConcurrency, options.perHostIntervalMs);
  const guarded = createGuardedFetcher({
    ...options.network,
    timeoutMs: options.requestTimeoutMs,
    maxBodyBytes: MAX_BODY_BYTES,
  });
  const robotsByOrigin = new Map<string, Promise<Robots | null>>();

  /** One attempt through the gate; the timeout covers every redirect and the body. */
  async function attempt(
    url: URL,
    accept: string,
  ): Promise<{ status: number; retryAfter: string | null; body: string }> {
    const release = await gate(url.origin, runSignal);
    try {
      const response = await guarded.get(url, {
        headers: { 'user-agent': options.userAgent, accept },
        signal: runSignal,
      });
      const retryAfter = response.headers['retry-after'] ?? null;
      return { status: response.status, retryAfter, body: response.body.toString('utf8') };
    } catch (error) {
      if (runSignal.aborted) throw runSignal.reason;
      if (error instanceof NetError && error.code === 'timeout') {
        throw new SourceError('timeout', `no answer from ${url.host} within ${options.requestTimeoutMs} ms`);
      }
      if (error instanceof NetError) throw new SourceError('error', error.message);
      return { status: 0, retryAfter: null, body: '' };
    } finally {
      release();
    }
  }

  /** Retries 429, 5xx and network failures; resolves with any other answer. */
  async function send(url: URL, accept: string): Promise<{ status: number; body: string }> {
    for (let retry = 0; ; retry += 1) {
      const answer = await attempt(url, accept);
      const retryable = answer.status === 0 || answer.status === 429 || answer.status >= 500;
      if (!retryable) return answer;
      const failure =
        answer.status === 0 ? `network error reaching ${url.host}` : `HTTP ${answer.status} from ${url.host}`;
      if (retry >= options.maxRetries) {
        throw new SourceError('error', `${failure} after ${retry + 1} attempts`);
      }
      const asked = retryAfterMs(answer.retryAfter);
      if (asked !== null && asked > MAX_RETRY_DELAY_MS) {
        throw new SourceError('error', `${failure}; Retry-After exceeds ${MAX_RETRY_DELAY_MS / 1000} s`);
      }
      const backoff = BACKOFF_BASE_MS * 2 ** retry * (0.5 + Math.random());
      await sleep(Math.min(MAX_RETRY_DELAY_MS, Math.max(asked ?? 0, backoff)), undefined, {
        signal: runSignal,
      });
    }
  }

  function robotsFor(url: URL): Promise<Robots | null> {
    let robots = robotsByOrigin.get(url.origin);
    if (!robots) {
      const robotsUrl = new URL('/robots.txt', url.origin);
      robots = send(robotsUrl, 'text/plain').then((answer) => {
        if (answer.status >= 200 && answer.status < 300) return robotsParser(robotsUrl.href, answer.body);
        if (answer.status >= 400) return null; // no robots.txt: everything is allowed
        throw new SourceError('error', `robots.txt of ${url.host} answered HTTP ${answer.status}`);
      });
      robotsByOrigin.set(url.origin, robots);
    }
    return robots;
  }

  async function text(href: string, accept: string): Promise<string> {
    const url = new URL(href);
    const robots = await robotsFor(url);
    if (robots && robots.isAllowed(url.href, options.userAgent) === false) {
      throw new SourceError('error', 'disallowed by robots.txt');
    }
    const answer = await send(url, accept);
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    if (answer.status === 404 || answer.status === 410) {
      throw new SourceError('not_found', `HTTP ${answer.status} from ${url.host}${url.pathname}`);
    }
    throw new SourceError('error', `HTTP ${answer.status} from ${url.host}`);
  }

  return {
    text,
    async json(href) {
      const body = await text(href, 'application/json');
      try {
        return JSON.parse(body);
      } catch {
        throw new SourceError('error', `malformed JSON from ${new URL(href).host}`);
      }
    },
  };
}
