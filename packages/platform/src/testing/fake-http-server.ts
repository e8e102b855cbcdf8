// Owns the plumbing the fake provider servers (fake-stripe.ts, fake-razorpay.ts, fake-llm.ts) share: reading a
// request body, provider-style ids, timestamps and copies of recorded answers, the failure controls (`down` in one of two outage modes, `failNext` with an optional
// Retry-After), and a node:http server on 127.0.0.1 that answers an unexpected failure with a 500
// and closes with every connection it holds. What a provider answers stays in its own fake.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How a fake that is down fails: the provider's 503 error, or the connection reset with no answer. */
export type OutageMode = 'error_503' | 'socket_destroyed';

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Fault {
  status: number;
  retryAfterSeconds?: number;
}

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A provider-style id: `prefix_` (none when empty) and `length` random base-62 characters. */
export function providerId(prefix: string, length: number): string {
  let suffix = '';
  for (const byte of randomBytes(length)) suffix += ALPHABET[byte % ALPHABET.length];
  return prefix === '' ? suffix : `${prefix}_${suffix}`;
}

/** Unix seconds, as the providers write every timestamp. */
export const seconds = (instant: Date): number => Math.floor(instant.getTime() / 1000);

/** Objects are handed out as copies: a test changes state only through the API or the controls. */
export const copy = <T>(value: T): T => structuredClone(value);

/** A copy of an answer recorded from a provider's API reference (a *.json next to the fake) with `overrides` on top. */
export const recorded = <T>(json: object, overrides: object): T =>
  Object.assign(copy(json), overrides) as unknown as T;

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The outage and the injected failures of one fake; `failure` carries what a fault adds to its status. */
export function createFaults<Failure extends { retryAfterSeconds?: number }>() {
  const injected: Array<Fault & Failure> = [];
  let outage: OutageMode | null = null;
  return {
    down(on: boolean, mode: OutageMode = 'error_503') {
      outage = on ? mode : null;
    },
    failNext(count: number, status: number, failure: Failure = {} as Failure) {
      for (let index = 0; index < count; index += 1) injected.push({ status, ...failure });
    },
    /** Whether the connection is to be reset with no answer. */
    destroysSockets: () => outage === 'socket_destroyed',
    /** The fault this request answers with, if any (a 503 while down). */
    next: (): (Fault & Partial<Failure>) | undefined =>
      // A 503 while down carries nothing more than its status.
      outage === 'error_503' ? ({ status: 503 } as Fault & Partial<Failure>) : injected.shift(),
  };
}

/** A reader that answers undefined where `read` throws the fake's own error (an object it does not have). */
export const orUndefinedOn =
  (fakeError: abstract new (...args: never[]) => Error) =>
  <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (error instanceof fakeError) return undefined;
      throw error;
    }
  };

/** A fault's answer: the error body for its status, with Retry-After when it has one. */
export function faultAnswer(fault: Fault, answer: Answer): Answer {
  if (fault.retryAfterSeconds !== undefined)
    answer.headers = { 'Retry-After': String(fault.retryAfterSeconds) };
  return answer;
}

/**
 * The answer to one request a fake has recorded: null when the fake is down with sockets reset (the
 * socket is destroyed), an injected fault's error (`errorFor` its status) with its Retry-After, or
 * what `respond` answers.
 */
export function faultOrRespond<F extends Fault>(
  request: IncomingMessage,
  faults: { destroysSockets(): boolean; next(): F | undefined },
  errorFor: (fault: F) => Answer,
  respond: () => Answer,
): Answer | null {
  if (faults.destroysSockets()) {
    request.socket.destroy();
    return null;
  }
  const fault = faults.next();
  return fault ? faultAnswer(fault, errorFor(fault)) : respond();
}

/** Serves `handle` on 127.0.0.1 (a free port); a failure it throws is a 500 with `failed(error)` as the body. */
export async function listenFake(
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
  failed: (error: unknown) => unknown,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy();
      response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(failed(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
