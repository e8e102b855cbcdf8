// Owns fuzzEveryRoute(): a fast-check sweep over every operation in an app's /docs/openapi.json. Every
// answer must be below 500, leak no stack, SQL or path, and leave Object.prototype untouched. The seed
// is printed first and in every failure (FUZZ_SEED replays).
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import type { TestApp } from '../test-app.js';
import { findLeak, prototypeSnapshot, restorePrototype } from './checks.js';
import { base64url } from './encoding.js';
import { type OpenApiDocument, operationsOf } from './openapi.js';
import { requestArbitrary } from './requests.js';
import type { SchemaContext } from './schema-values.js';
import type { RequestSpec } from './spec.js';

export interface FuzzOptions {
  /** Requests to send in total (one per fast-check run). */
  runs?: number;
  /** The seed to replay; defaults to FUZZ_SEED, else the current time. */
  seed?: number;
  /**
   * Returns a valid access token (e.g. by signing a fresh user up). Called on the first request
   * that needs one, and again after the session behind the last one has ended (a fuzzed logout).
   */
  signIn?: () => Promise<string>;
  /** Operations to leave out, written as "METHOD /path" as in the document: "GET /slow". */
  skip?: string[];
  /**
   * Values the app gives meaning to, by property name (a signed-up user's email and password, a
   * role that may sign up): schema-derived bodies use them for that property half of the time, so
   * some generated requests get past the business rules into the code behind them.
   */
  hints?: Record<string, string[]>;
  /** How long one request may take before it counts as hung (default 10 s). */
  requestTimeoutMs?: number;
}

export interface FuzzReport {
  seed: number;
  /** Requests sent, each one checked. */
  requests: number;
  durationMs: number;
  /** Every operation fuzzed, as "METHOD /path". */
  operations: string[];
  /** Answers per status code. */
  statuses: Record<number, number>;
  /** Answers below 400 per operation: requests that made it through validation and auth. */
  accepted: Record<string, number>;
  /** Milliseconds spent waiting for answers, per operation: where the budget goes. */
  timeMs: Record<string, number>;
}

/** Requests per app when `runs` is not given: 14-30 s per app on a busy 2-core machine. */
export const DEFAULT_FUZZ_RUNS = 4000;

const preview = (value: string | Buffer, max: number): string => {
  const text = typeof value === 'string' ? value : `<bytes ${value.subarray(0, max / 2).toString('hex')}>`;
  return text.length > max ? `${text.slice(0, max)}… (${value.length} in all)` : text;
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Sends `runs` generated requests to the operations of the app's OpenAPI document and rejects, with
 * the seed, the request and the answer, on the first answer that is a 5xx, leaks internals, or
 * changed Object.prototype. Resolves with what was sent and answered.
 */
export async function fuzzEveryRoute(t: TestApp, options: FuzzOptions = {}): Promise<FuzzReport> {
  const seed = options.seed ?? Number(process.env.FUZZ_SEED ?? Date.now());
  if (!Number.isSafeInteger(seed))
    throw new Error(`fuzzEveryRoute: the seed must be an integer, got ${seed}`);
  const runs = options.runs ?? DEFAULT_FUZZ_RUNS;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;

  const documentResponse = await t.app.inject({ method: 'GET', url: '/docs/openapi.json' });
  if (documentResponse.statusCode !== 200) {
    throw new Error(`fuzzEveryRoute: GET /docs/openapi.json answered ${documentResponse.statusCode}`);
  }
  const document = documentResponse.json() as OpenApiDocument;
  const title = document.info?.title ?? t.config.appName;
  const operations = operationsOf(document, new Set(options.skip ?? []));
  if (operations.length === 0) throw new Error(`fuzzEveryRoute: ${title} publishes no operation to fuzz`);
  console.log(
    'fuzz seed',
    seed,
    `(${title}: ${runs} requests over ${operations.length} operations;`,
    `replay with FUZZ_SEED=${seed})`,
  );

  const hints = options.hints ?? {};
  const context: SchemaContext = { document, hints, allHints: Object.values(hints).flat() };
  const arbitrary = requestArbitrary(operations, context, t.config.bodyLimitBytes, t.config.corsOrigins);
  const snapshot = prototypeSnapshot();
  const statuses: Record<number, number> = {};
  const accepted: Record<string, number> = Object.fromEntries(operations.map((op) => [op.id, 0]));
  const timeMs: Record<string, number> = Object.fromEntries(operations.map((op) => [op.id, 0]));
  const knownIds: string[] = [];
  let token: string | undefined;
  let requests = 0;
  let failed = false;
  let shrinkAttempts = 0;
  const started = performance.now();

  const currentToken = async () => {
    if (token === undefined && options.signIn) token = await options.signIn();
    return token;
  };

  async function execute(spec: RequestSpec): Promise<void> {
    let slot = 0;
    const path = spec.pathTemplate.replace(/\{[^}]+\}/g, () => {
      const value = spec.pathValues[slot++];
      if (value === undefined) return '';
      if ('raw' in value) return value.raw;
      // Most recent first: small indices are the likeliest, and recent ids the likeliest to exist.
      const index = knownIds.length - 1 - (value.known % Math.max(1, knownIds.length));
      return knownIds[index] ?? '00000000-0000-4000-8000-000000000000';
    });
    const url = spec.query === '' ? path : `${path}?${spec.query}`;
    const headers: Record<string, string> = { ...spec.headers };
    let usedToken: string | undefined;
    const auth = spec.auth;
    if (auth.kind === 'valid') {
      usedToken = await currentToken();
      headers.authorization = `${auth.scheme} ${usedToken ?? 'no.valid.token'}`.trimEnd();
    } else if (auth.kind === 'tampered') {
      const [, payload = '', signature = ''] = ((await currentToken()) ?? '..').split('.');
      let claims: Record<string, unknown> = {};
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {}
      const forged = `${base64url(JSON.stringify(auth.header))}.${base64url(JSON.stringify({ ...claims, ...auth.claims }))}`;
      headers.authorization = `Bearer ${forged}.${auth.signature === 'keep' ? signature : auth.signature}`;
    } else if (auth.kind === 'raw') {
      headers.authorization = auth.value;
    }
    if (spec.cookie.kind === 'valid') {
      usedToken ??= await currentToken();
      headers.cookie = `__Host-access=${usedToken ?? 'none'}${spec.cookie.extra}`;
    } else if (spec.cookie.kind === 'raw') {
      headers.cookie = spec.cookie.value;
    }
    if (spec.body?.contentType !== undefined) headers['content-type'] = spec.body.contentType;
    if (spec.method === 'OPTIONS') headers['access-control-request-method'] = 'POST';

    requests++;
    const sentAt = performance.now();
    const abort = new AbortController();
    const response = await Promise.race([
      t.app.inject({
        method: spec.method as 'GET',
        url,
        headers,
        ...(spec.body ? { payload: spec.body.payload } : {}),
      }),
      sleep(timeoutMs, undefined, { signal: abort.signal }).then(
        () => undefined,
        () => undefined,
      ),
    ]);
    abort.abort();
    timeMs[spec.operation] = (timeMs[spec.operation] ?? 0) + (performance.now() - sentAt);

    const describe = (problem: string, answer?: string) =>
      [
        problem,
        `  request: ${spec.method} ${preview(url, 300)}  (operation ${spec.operation})`,
        `  headers: ${preview(JSON.stringify(headers), 400)}`,
        spec.body ? `  body (${spec.body.note}): ${preview(spec.body.payload, 300)}` : '  body: none',
        ...(answer ? [`  answer: ${answer}`] : []),
      ].join('\n');

    if (response === undefined) throw new Error(describe(`no answer within ${timeoutMs} ms`));
    statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
    const answer = `${response.statusCode} ${response.headers['content-type'] ?? ''} ${preview(response.body, 600)}`;

    const pollution = restorePrototype(snapshot);
    if (pollution.length > 0) {
      throw new Error(describe(`Object.prototype changed: ${pollution.join(', ')}`, answer));
    }
    if (response.statusCode >= 500) throw new Error(describe(`status ${response.statusCode}`, answer));
    const sentBody = spec.body
      ? typeof spec.body.payload === 'string'
        ? spec.body.payload
        : `${spec.body.payload.toString('utf8')}\n${spec.body.payload.toString('latin1')}`
      : '';
    let decodedUrl = url;
    try {
      decodedUrl = decodeURIComponent(url);
    } catch {}
    const sent = [url, decodedUrl, JSON.stringify(headers), ...Object.values(headers), sentBody].join('\n');
    const { 'x-request-id': _echoedId, ...answerHeaders } = response.headers;
    const leak = findLeak(`${response.body}\n${JSON.stringify(answerHeaders)}`, sent);
    if (leak) throw new Error(describe(`the answer shows ${leak}`, answer));

    if (response.statusCode < 400) accepted[spec.operation] = (accepted[spec.operation] ?? 0) + 1;
    // Ids from answers (sessions, users) become path parameters later; echoes and request ids are noise.
    for (const id of response.body.match(UUID) ?? []) {
      if (id === response.headers['x-request-id'] || sent.includes(id) || knownIds.includes(id)) continue;
      knownIds.push(id);
      if (knownIds.length > 50) knownIds.shift();
    }
    // The session behind the valid token ended (a fuzzed logout or revocation): sign in anew.
    if (usedToken !== undefined && usedToken === token && response.statusCode === 401) {
      if (/"code":"session_(?:revoked|expired)"/.test(response.body)) token = undefined;
    }
  }

  const check = fc.check(
    fc.asyncProperty(arbitrary, async (spec) => {
      // After the first failure fast-check shrinks; a bounded number of attempts keeps a failing
      // run short while still reporting a small counterexample.
      if (failed && ++shrinkAttempts > 200) return true;
      try {
        await execute(spec);
        return true;
      } catch (error) {
        failed = true;
        throw error;
      }
    }),
    { numRuns: runs, seed },
  );
  const details = await check.catch((error: unknown) => {
    throw new Error(
      `fuzzEveryRoute(${title}) failed with seed ${seed}: ${String(error)}\nReplay: FUZZ_SEED=${seed}`,
    );
  });
  const durationMs = Math.round(performance.now() - started);
  if (details.failed) {
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      [
        `fuzzEveryRoute(${title}) failed with seed ${seed} after ${details.numRuns} runs (${details.numShrinks} shrinks):`,
        cause,
        `Replay: FUZZ_SEED=${seed} (fast-check path ${details.counterexamplePath})`,
      ].join('\n'),
    );
  }
  for (const id of Object.keys(timeMs)) timeMs[id] = Math.round(timeMs[id] ?? 0);
  const report: FuzzReport = {
    seed,
    requests,
    durationMs,
    operations: operations.map((op) => op.id),
    statuses,
    accepted,
    timeMs,
  };

  console.log(
    'fuzz done',
    seed,
    `${title}: ${requests} requests in ${durationMs} ms`,
    JSON.stringify(statuses),
  );
  return report;
}
