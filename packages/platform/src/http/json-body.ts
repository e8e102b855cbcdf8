// Owns parsing of JSON request bodies. Before JSON.parse runs, the raw bytes must be valid UTF-8
// (a lone surrogate or overlong sequence would otherwise be silently replaced) and nest no deeper
// than the configured depth (a cheap byte scan, so a hostile "[[[[..." never reaches the parser).
// Parsing uses secure-json-parse, which refuses `__proto__` and `constructor.prototype` keys
// instead of letting them pollute prototypes later. A string holding U+0000 or a lone surrogate
// (`"\ud800"` is valid JSON) is refused too: PostgreSQL text cannot store either. Every refusal
// is a 400 with a specific code.
import { isUtf8 } from 'node:buffer';
import sjson from 'secure-json-parse';
import { AppError } from '../errors/index.js';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Deepest nesting of objects/arrays in a JSON text, ignoring brackets inside strings. */
export function jsonNestingDepth(bytes: Uint8Array, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index];
    if (inString) {
      if (byte === BACKSLASH) index++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

const NUL_ESCAPE = Buffer.from('u0000');

/** Whether a JSON text holds the escape \u0000 (an odd run of backslashes before `u0000`). */
export function hasNulEscape(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(NUL_ESCAPE); at !== -1; at = bytes.indexOf(NUL_ESCAPE, at + 1)) {
    let backslashes = 0;
    while (at - backslashes - 1 >= 0 && bytes[at - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 1) return true;
  }
  return false;
}

// A \uD800-\uDFFF escape may be half of a pair or alone; only then are strings checked one by one.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, item]) => LONE_SURROGATE.test(key) || hasLoneSurrogate(item));
}

function invalidBody(code: string, detail: string): AppError {
  return new AppError({ kind: 'invalid_input', code, detail });
}

export function createJsonBodyParser(maxDepth: number) {
  return function parseJsonBody(body: Buffer): unknown {
    if (body.length === 0) throw invalidBody('body_empty', 'The request body is empty but declared as JSON.');
    if (!isUtf8(body)) throw invalidBody('body_invalid_utf8', 'The request body is not valid UTF-8.');
    if (jsonNestingDepth(body, maxDepth) > maxDepth) {
      throw invalidBody('body_too_deep', `The JSON body nests deeper than ${maxDepth} levels.`);
    }
    if (hasNulEscape(body)) {
      throw invalidBody(
        'body_nul_character',
        'The JSON body contains the character U+0000, which is not accepted.',
      );
    }
    const text = body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      if (error instanceof SyntaxError && /prototype/i.test(error.message)) {
        throw invalidBody(
          'body_forbidden_key',
          'The JSON body contains a forbidden key (__proto__ or constructor).',
        );
      }
      throw invalidBody('body_malformed_json', 'The request body is not well-formed JSON.');
    }
    if (SURROGATE_ESCAPE.test(text) && hasLoneSurrogate(parsed)) {
      throw invalidBody(
        'body_lone_surrogate',
        'The JSON body contains a lone UTF-16 surrogate (\\ud800-\\udfff).',
      );
    }
    return parsed;
  };
}
