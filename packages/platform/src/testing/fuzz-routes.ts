// Owns fuzzEveryRoute(): a fast-check sweep over every operation in an app's /docs/openapi.json with
// generated paths, queries, headers and bodies (schema-derived and mutated, hostile JSON, invalid
// UTF-8, wrong content types). Every answer must be below 500, leak no stack, SQL or path, and leave
// Object.prototype untouched. The seed is printed first and in every failure (FUZZ_SEED replays).
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import type { TestApp } from './test-app.js';

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

// ---------------------------------------------------------------------------------------------
// The OpenAPI document, as far as the fuzzer reads it.

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
}

interface ParameterObject {
  name?: string;
  in?: string;
  schema?: JsonSchema;
}

interface OperationObject {
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

interface OpenApiDocument {
  info?: { title?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface Operation {
  id: string;
  method: string;
  path: string;
  queryNames: string[];
  body: JsonSchema | undefined;
}

const DOC_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

function operationsOf(document: OpenApiDocument, skip: Set<string>): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const shared = (item.parameters as ParameterObject[] | undefined) ?? [];
    for (const [method, raw] of Object.entries(item)) {
      if (!DOC_METHODS.includes(method)) continue;
      const id = `${method.toUpperCase()} ${path}`;
      if (skip.has(id)) continue;
      const operation = raw as OperationObject;
      const parameters = [...shared, ...(operation.parameters ?? [])];
      const content = operation.requestBody?.content ?? {};
      const json = Object.entries(content).find(([type]) => /json/i.test(type))?.[1];
      operations.push({
        id,
        method: method.toUpperCase(),
        path,
        queryNames: parameters.filter((p) => p.in === 'query' && p.name).map((p) => p.name as string),
        body: json?.schema ?? (Object.keys(content).length > 0 ? {} : undefined),
      });
    }
  }
  return operations;
}

// ---------------------------------------------------------------------------------------------
// Hostile ingredients.

const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '\ufeff',
  '😀'.repeat(40),
  'Z̸̢̛͓a̷̗͐l̶̰̈g̵̦̓o̴̲͝',
  "'; DROP TABLE auth_users; --",
  "' OR '1'='1",
  '" OR ""="',
  '$1',
  '%s%s%s%n',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell probe, meant literally
  '${jndi:ldap://127.0.0.1/x}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '%2e%2e%2f',
  'null',
  'undefined',
  'NaN',
  'true',
  '[object Object]',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'a@b.c',
  'admin@localhost',
  `${'a'.repeat(64)}@${'b'.repeat(63)}.com`,
  '9'.repeat(400),
];

const HOSTILE_NUMBERS = [
  '1e308',
  '-1e308',
  '1e309',
  '-1e309',
  '-0',
  '0.0',
  '5e-324',
  '9007199254740993',
  '-9007199254740993',
  '123456789012345678901234567890',
  '2147483648',
  '-2147483649',
  '0.1',
  '1E+2',
  '"NaN"',
  '"Infinity"',
  '"-Infinity"',
  '"1e308"',
  '"0x10"',
  '"-0"',
  '"9007199254740993"',
];

const WRONG_TYPE_VALUES: unknown[] = [
  0,
  -1,
  1.5,
  true,
  false,
  null,
  [],
  {},
  '',
  'x',
  [1, 'a', null],
  { a: { b: [] } },
  ['admin'],
];

const PATH_VALUES = [
  '99999999999999999999999999',
  '9007199254740993',
  '-1',
  '0',
  '1e308',
  'NaN',
  '0x10',
  '..',
  '../',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '%00',
  'a%00b',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  '%F0%9F%98%80',
  '%20',
  '',
  '.',
  'null',
  "1'%20OR%20'1'%3D'1",
  '__proto__',
  'constructor',
  '00000000-0000-0000-0000-000000000000',
  '00000000-0000-0000-0000-00000000000g',
  '{id}',
  ':id',
  '*',
  'a'.repeat(201),
];

const QUERY_KEYS = [
  'page',
  'limit',
  'offset',
  'cursor',
  'sort',
  'order',
  'q',
  'filter',
  'id',
  'fields',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  'a[__proto__][polluted]',
  'a[]',
  'a[0]',
  'a.b',
  '',
];

const RAW_QUERIES = [
  '%',
  '%ZZ',
  '&&&',
  '===',
  '?',
  'a=%00',
  '__proto__[polluted]=fuzz',
  'constructor[prototype][polluted]=fuzz',
  '__proto__.polluted=fuzz',
  'a[__proto__][polluted]=fuzz',
  'a=1&a=2&a=3',
  'a[]=1&a[]=2',
  'a[b][c][d][e][f][g]=1',
  'limit=-1&offset=1e308',
  `x=${'%41'.repeat(3000)}`,
  `${'k=v&'.repeat(1000)}k=v`,
];

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'text/json',
  'application/jsonx',
  'application/json-patch+json',
  'application/vnd.api+json',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json ; charset=utf-8',
  'application/json;;',
  'application/*',
  '*/*',
  'application',
  'application/json, text/plain',
  '',
  ' ',
];

const HOSTILE_JSON_TEXTS = [
  '{"__proto__":{"polluted":"fuzz"}}',
  '{"constructor":{"prototype":{"polluted":"fuzz"}}}',
  '{"a":{"__proto__":{"polluted":"fuzz"}}}',
  '[{"__proto__":{"polluted":"fuzz"}}]',
  '{"\\u005f_proto__":{"polluted":"fuzz"}}',
  '{"__pro\\u0074o__":{"polluted":"fuzz"}}',
  '{"prototype":{"polluted":"fuzz"}}',
  '{"constructor":{"prototype":null}}',
  '{"a":1,"a":{"b":2}}',
  '1e309',
  '-0',
  'NaN',
  'Infinity',
  '123456789012345678901234567890',
  '0x10',
  '.5',
  '+1',
  '\ufeff{}',
  '{} x',
  '{}{}',
  'null',
  'true',
  '""',
  '"\\u0000"',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{/*c*/}',
  "{'a':1}",
  '{a:1}',
  '{"a":1,}',
  '[1,]',
  '{',
  '[',
  '"',
  'undefined',
  '\u0000',
  ' ',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
  `${'['.repeat(33)}${']'.repeat(33)}`,
  `${'{"a":'.repeat(40)}0${'}'.repeat(40)}`,
  `"${'\\'.repeat(101)}"`,
  `[${'"x",'.repeat(20000)}"x"]`,
];

const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

const ORIGINS = [
  'https://evil.example',
  'null',
  'http://localhost',
  'http://localhost:3000',
  'http://127.0.0.1',
  'file://',
  '*',
  '',
  'https://evil.example, https://other.example',
];

const FORGED_ROLES = ['admin', 'owner', 'root', 'superuser', '*', 'employer', 'creator', 'moderator'];

// ---------------------------------------------------------------------------------------------
// Generated request specifications. Values that only exist at run time (the current valid token,
// ids seen in earlier answers) are markers here, so a seed replays the same shape of request.

type PathValue = { raw: string } | { known: number };

type AuthSpec =
  | { kind: 'none' }
  | { kind: 'valid'; scheme: string }
  | { kind: 'tampered'; claims: Record<string, unknown>; header: Record<string, unknown>; signature: string }
  | { kind: 'raw'; value: string };

type CookieSpec = { kind: 'none' } | { kind: 'valid'; extra: string } | { kind: 'raw'; value: string };

interface BodySpec {
  note: string;
  contentType: string | undefined;
  payload: string | Buffer;
}

interface RequestSpec {
  operation: string;
  method: string;
  pathTemplate: string;
  pathValues: PathValue[];
  query: string;
  auth: AuthSpec;
  cookie: CookieSpec;
  headers: Record<string, string>;
  body: BodySpec | undefined;
}

const base64url = (text: string | Buffer) => Buffer.from(text).toString('base64url');

/** Header values as they can travel on the wire: no control characters, nothing beyond latin1. */
function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
}

/** Raw URL text as a client can send it: printable ASCII, everything else percent-encoded. */
function urlSafe(value: string): string {
  return [...value]
    .map((char) => {
      if (/[!-~]/.test(char) && char !== '#') return char;
      // A lone surrogate has no UTF-8 form; send the bytes a careless encoder would.
      return /^[\ud800-\udfff]$/.test(char) ? '%ED%A0%80' : encodeURIComponent(char);
    })
    .join('');
}

/** encodeURIComponent, except that a lone surrogate is sent as the bytes a careless encoder makes. */
function encodeLoosely(value: string): string {
  return [...value]
    .map((char) => (/^[\ud800-\udfff]$/.test(char) ? '%ED%A0%80' : encodeURIComponent(char)))
    .join('');
}

function jsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

// ---------------------------------------------------------------------------------------------
// Schema-derived values.

interface SchemaContext {
  document: OpenApiDocument;
  hints: Record<string, string[]>;
  /** Every hint, whatever its property: also tried in query strings. */
  allHints: string[];
}

function resolve(schema: JsonSchema | undefined, context: SchemaContext): JsonSchema | undefined {
  let current = schema;
  for (let hops = 0; current?.$ref && hops < 10; hops++) {
    const name = current.$ref.replace(/^#\/components\/schemas\//, '');
    current = context.document.components?.schemas?.[name];
  }
  return current;
}

function stringArbitrary(
  schema: JsonSchema,
  context: SchemaContext,
  property?: string,
): fc.Arbitrary<string> {
  const generated = generatedString(schema);
  const hints = (property === undefined ? [] : (context.hints[property] ?? [])).filter(
    (hint) =>
      hint.length >= (schema.minLength ?? 0) && hint.length <= (schema.maxLength ?? Number.MAX_SAFE_INTEGER),
  );
  return hints.length > 0 ? fc.oneof(generated, fc.constantFrom(...hints)) : generated;
}

function generatedString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, 64);
  const fits = (value: string) => value.length >= min && value.length <= max;
  const bounded = { minLength: min, maxLength: Math.min(max, Math.max(min, 48)) };
  switch (schema.format) {
    case 'email':
      return fc.emailAddress().filter((value) => fits(value) && value.length <= 254);
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc
        .date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
        .map((date) => date.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 10));
    case 'uri':
    case 'url':
      return fc.webUrl();
  }
  if (schema.pattern) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(schema.pattern);
    } catch {
      return fc.string(bounded);
    }
    const matching = fc.stringMatching(pattern, { maxLength: max });
    return fc
      .oneof(
        matching,
        // Repeated matches reach a minimum length that single matches of `^[x]+$` rarely do.
        fc
          .array(matching, { minLength: Math.max(1, min), maxLength: Math.max(1, min) + 4 })
          .map((parts) => parts.join('').slice(0, max)),
      )
      .filter((value) => fits(value) && pattern.test(value));
  }
  const choices: fc.WeightedArbitrary<string>[] = [
    { weight: 6, arbitrary: fc.string(bounded) },
    { weight: 2, arbitrary: fc.string({ ...bounded, unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.string({ ...bounded, unit: 'binary' }) },
  ];
  const nasty = NASTY_STRINGS.filter(fits);
  if (nasty.length > 0) choices.push({ weight: 2, arbitrary: fc.constantFrom(...nasty) });
  return fc.oneof(...choices);
}

function valueArbitrary(
  schema: JsonSchema | undefined,
  context: SchemaContext,
  depth = 0,
  property?: string,
): fc.Arbitrary<unknown> {
  const resolved = resolve(schema, context);
  if (!resolved || depth > 6) return fc.jsonValue({ maxDepth: 1 });
  if ('const' in resolved) return fc.constant(resolved.const);
  if (resolved.enum && resolved.enum.length > 0) return fc.constantFrom(...resolved.enum);
  const branches = resolved.anyOf ?? resolved.oneOf;
  if (branches && branches.length > 0) {
    return fc.oneof(...branches.map((branch) => valueArbitrary(branch, context, depth + 1)));
  }
  if (resolved.allOf && resolved.allOf.length > 0) {
    const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
    for (const part of resolved.allOf.map((entry) => resolve(entry, context))) {
      Object.assign(merged.properties as object, part?.properties);
      merged.required?.push(...(part?.required ?? []));
    }
    return valueArbitrary(merged, context, depth + 1);
  }
  const types = Array.isArray(resolved.type)
    ? resolved.type
    : resolved.type
      ? [resolved.type]
      : resolved.properties
        ? ['object']
        : resolved.items
          ? ['array']
          : [];
  if (types.length > 1) {
    return fc.oneof(...types.map((type) => valueArbitrary({ ...resolved, type }, context, depth)));
  }
  switch (types[0]) {
    case 'object': {
      const properties = resolved.properties ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, property] of Object.entries(properties)) {
        model[key] = valueArbitrary(property, context, depth + 1, key);
      }
      const requiredKeys = (resolved.required ?? []).filter((key) => key in properties);
      return fc.record(model, { requiredKeys });
    }
    case 'array': {
      const minLength = resolved.minItems ?? 0;
      const maxLength = Math.min(resolved.maxItems ?? 4, Math.max(minLength, 4));
      return fc.array(valueArbitrary(resolved.items, context, depth + 1), { minLength, maxLength });
    }
    case 'string':
      return stringArbitrary(resolved, context, property);
    case 'integer': {
      const min = resolved.minimum ?? (resolved.exclusiveMinimum ?? -1_000_001) + 1;
      const max = resolved.maximum ?? (resolved.exclusiveMaximum ?? 1_000_001) - 1;
      return fc.integer({
        min: Math.ceil(Math.max(min, -(2 ** 31))),
        max: Math.floor(Math.min(max, 2 ** 31)),
      });
    }
    case 'number':
      return fc.double({
        min: resolved.minimum ?? resolved.exclusiveMinimum ?? -1e9,
        max: resolved.maximum ?? resolved.exclusiveMaximum ?? 1e9,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

// ---------------------------------------------------------------------------------------------
// Mutations of a schema-valid body, applied on its JSON text so that raw numbers, duplicate and
// forbidden keys can be written.

type Mutation =
  | { kind: 'wrong-type'; field: number; value: unknown }
  | { kind: 'raw-number'; field: number; text: string }
  | { kind: 'nasty-string'; field: number; value: string }
  | { kind: 'huge-string'; field: number; unit: string; length: number }
  | { kind: 'deep'; field: number; depth: number; open: '[' | '{' }
  | { kind: 'forbidden-key'; field: number; nested: boolean; text: string }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'drop'; field: number }
  | { kind: 'null'; field: number }
  | { kind: 'duplicate'; field: number; value: unknown };

const FORBIDDEN_KEY_TEXTS = [
  '"__proto__":{"polluted":"fuzz"}',
  '"__proto__":null',
  '"constructor":{"prototype":{"polluted":"fuzz"}}',
  '"constructor":{"name":"fuzz"}',
  '"prototype":{"polluted":"fuzz"}',
  '"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":"fuzz"}',
];

const fieldIndex = fc.nat({ max: 63 });

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('wrong-type'),
    field: fieldIndex,
    value: fc.constantFrom(...WRONG_TYPE_VALUES),
  }),
  fc.record({
    kind: fc.constant('raw-number'),
    field: fieldIndex,
    text: fc.constantFrom(...HOSTILE_NUMBERS),
  }),
  fc.record({
    kind: fc.constant('nasty-string'),
    field: fieldIndex,
    value: fc.constantFrom(...NASTY_STRINGS),
  }),
  fc.record({
    kind: fc.constant('huge-string'),
    field: fieldIndex,
    unit: fc.constantFrom('A', 'é', '😀', '\\u0000', '"'),
    length: fc.constantFrom(129, 513, 2049, 10_000, 100_000, 400_000),
  }),
  fc.record({
    kind: fc.constant('deep'),
    field: fieldIndex,
    depth: fc.constantFrom(8, 30, 31, 32, 33, 100, 5_000),
    open: fc.constantFrom('[' as const, '{' as const),
  }),
  fc.record({
    kind: fc.constant('forbidden-key'),
    field: fieldIndex,
    nested: fc.boolean(),
    text: fc.constantFrom(...FORBIDDEN_KEY_TEXTS),
  }),
  fc.record({
    kind: fc.constant('extra'),
    key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('id', 'role', 'isAdmin', 'userId', 'admin')),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({ kind: fc.constant('drop'), field: fieldIndex }),
  fc.record({ kind: fc.constant('null'), field: fieldIndex }),
  fc.record({ kind: fc.constant('duplicate'), field: fieldIndex, value: fc.jsonValue({ maxDepth: 1 }) }),
) as fc.Arbitrary<Mutation>;

function deepText(depth: number, open: '[' | '{'): string {
  return open === '['
    ? `${'['.repeat(depth)}0${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
}

function hugeText(unit: string, length: number): string {
  return `"${(unit === '"' ? '\\"' : unit).repeat(length)}"`;
}

/** Applies mutations to a JSON value: an object is edited entry by entry, anything else replaced. */
function mutate(value: unknown, mutations: Mutation[], schemaKeys: string[]): { text: string; note: string } {
  const notes: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    let text = jsonText(value);
    for (const mutation of mutations) {
      if (mutation.kind === 'wrong-type') text = jsonText(mutation.value);
      else if (mutation.kind === 'raw-number') text = mutation.text;
      else if (mutation.kind === 'huge-string') text = hugeText(mutation.unit, mutation.length);
      else if (mutation.kind === 'deep') text = deepText(mutation.depth, mutation.open);
      else if (mutation.kind === 'nasty-string') text = jsonText(mutation.value);
      else if (mutation.kind === 'forbidden-key') text = `{${mutation.text}}`;
      else continue;
      notes.push(mutation.kind);
    }
    return { text, note: notes.join(', ') };
  }
  const entries: Array<[string, string]> = Object.entries(value).map(([key, entry]) => [
    key,
    jsonText(entry),
  ]);
  // Fields the schema knows but the valid value left out are targets too.
  for (const key of schemaKeys) if (!entries.some(([name]) => name === key)) entries.push([key, '"x"']);
  const raws: string[] = [];
  const pick = (field: number) => (entries.length === 0 ? undefined : field % entries.length);
  for (const mutation of mutations) {
    if (mutation.kind === 'extra') {
      entries.push([mutation.key, jsonText(mutation.value)]);
      notes.push(`extra(${JSON.stringify(mutation.key)})`);
      continue;
    }
    if (mutation.kind === 'forbidden-key' && (!mutation.nested || entries.length === 0)) {
      raws.push(mutation.text);
      notes.push('forbidden-key(top)');
      continue;
    }
    const index = pick(mutation.field);
    if (index === undefined) continue;
    const entry = entries[index] as [string, string];
    notes.push(`${mutation.kind}(${entry[0]})`);
    switch (mutation.kind) {
      case 'wrong-type':
        entry[1] = jsonText(mutation.value);
        break;
      case 'raw-number':
        entry[1] = mutation.text;
        break;
      case 'nasty-string':
        entry[1] = jsonText(mutation.value);
        break;
      case 'huge-string':
        entry[1] = hugeText(mutation.unit, mutation.length);
        break;
      case 'deep':
        entry[1] = deepText(mutation.depth, mutation.open);
        break;
      case 'forbidden-key':
        entry[1] = `{${mutation.text}}`;
        break;
      case 'drop':
        entries.splice(index, 1);
        break;
      case 'null':
        entry[1] = 'null';
        break;
      case 'duplicate':
        entries.push([entry[0], jsonText(mutation.value)]);
        break;
    }
  }
  const parts = [...raws, ...entries.map(([key, text]) => `${JSON.stringify(key)}:${text}`)];
  return { text: `{${parts.join(',')}}`, note: notes.join(', ') };
}

// ---------------------------------------------------------------------------------------------
// Request arbitraries.

function bodyArbitrary(operation: Operation, context: SchemaContext, bodyLimit: number) {
  const json = 'application/json';
  const schemaKeys = Object.keys(resolve(operation.body, context)?.properties ?? {});
  const valid = valueArbitrary(operation.body, context);
  const firstKey = schemaKeys[0] ?? 'a';
  const kinds: fc.WeightedArbitrary<BodySpec | undefined>[] = [
    {
      weight: 10,
      arbitrary: valid.map((value) => ({
        note: 'schema-valid',
        contentType: json,
        payload: jsonText(value),
      })),
    },
    {
      weight: 40,
      arbitrary: fc
        .tuple(valid, fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }))
        .map(([value, mutations]) => {
          const { text, note } = mutate(value, mutations, schemaKeys);
          return { note: `mutated: ${note}`, contentType: json, payload: text };
        }),
    },
    {
      weight: 12,
      arbitrary: fc
        .jsonValue({ maxDepth: 4 })
        .map((value) => ({ note: 'arbitrary JSON', contentType: json, payload: jsonText(value) })),
    },
    {
      weight: 10,
      arbitrary: fc
        .constantFrom(...HOSTILE_JSON_TEXTS)
        .map((text) => ({ note: 'hostile JSON text', contentType: json, payload: text })),
    },
    {
      weight: 6,
      arbitrary: fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.boolean()).map(([bytes, inString]) => ({
        note: 'invalid UTF-8',
        contentType: json,
        payload: inString
          ? Buffer.concat([
              Buffer.from(`{${JSON.stringify(firstKey)}:"`),
              Buffer.from(bytes),
              Buffer.from('"}'),
            ])
          : Buffer.from(bytes),
      })),
    },
    {
      weight: 10,
      arbitrary: fc
        .tuple(
          fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom(...WRONG_CONTENT_TYPES) },
            { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(headerSafe) },
          ),
          fc.oneof(
            valid.map(jsonText),
            fc.constantFrom(
              `${encodeURIComponent(firstKey)}=x&__proto__[polluted]=fuzz&constructor[prototype][polluted]=fuzz`,
              `--fuzz\r\nContent-Disposition: form-data; name="${firstKey}"\r\n\r\nx\r\n--fuzz--\r\n`,
              `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`,
              'plain text',
            ),
          ),
        )
        .map(([contentType, payload]) => ({ note: 'wrong content type', contentType, payload })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('', ' ', '\n')
        .map((payload) => ({ note: 'empty JSON body', contentType: json, payload })),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(json, undefined).map((contentType) => ({
        note: 'body over the size limit',
        contentType,
        payload: `"${'x'.repeat(bodyLimit + 16)}"`,
      })),
    },
    {
      weight: 2,
      arbitrary: valid.map((value) => ({
        note: 'no content type',
        contentType: undefined,
        payload: jsonText(value),
      })),
    },
  ];
  if (operation.body === undefined) {
    // A route without a body still has to cope with one.
    return fc.oneof({ weight: 40, arbitrary: fc.constant(undefined) }, ...kinds.slice(2));
  }
  return fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, ...kinds);
}

const uuidLike = fc.uuid();

const pathValueArbitrary: fc.Arbitrary<PathValue> = fc.oneof(
  { weight: 4, arbitrary: uuidLike.map((raw) => ({ raw })) },
  { weight: 3, arbitrary: fc.nat({ max: 49 }).map((known) => ({ known })) },
  { weight: 5, arbitrary: fc.constantFrom(...PATH_VALUES).map((raw) => ({ raw })) },
  { weight: 2, arbitrary: fc.integer().map((n) => ({ raw: String(n) })) },
  {
    weight: 2,
    arbitrary: fc.string({ maxLength: 24, unit: 'grapheme' }).map((s) => ({ raw: encodeLoosely(s) })),
  },
  {
    weight: 2,
    arbitrary: fc.string({ maxLength: 24, unit: 'binary' }).map((s) => ({ raw: encodeLoosely(s) })),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 24 }).map((s) => ({ raw: urlSafe(s) })) },
);

function queryArbitrary(operation: Operation, hints: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...operation.queryNames, ...QUERY_KEYS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
  );
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS, ...hints) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS, '1', '0', '-1', 'true', '[]', '{}') },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 8_000 }).map((n) => 'v'.repeat(n)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }) },
  );
  const pair = fc
    .tuple(key, value, fc.constantFrom('encoded', 'encoded', 'raw', 'array', 'duplicate', 'bare'))
    .map(([k, v, style]) => {
      const ek = encodeLoosely(k);
      const ev = encodeLoosely(v);
      switch (style) {
        case 'raw':
          return `${urlSafe(k)}=${urlSafe(v).replace(/&/g, '%26')}`;
        case 'array':
          return `${ek}[]=${ev}&${ek}[]=${ev}`;
        case 'duplicate':
          return `${ek}=${ev}&${ek}=x`;
        case 'bare':
          return ek;
        default:
          return `${ek}=${ev}`;
      }
    });
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant('') },
    { weight: 6, arbitrary: fc.array(pair, { minLength: 1, maxLength: 6 }).map((pairs) => pairs.join('&')) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_QUERIES) },
  );
}

const claimsArbitrary = fc.record(
  {
    sub: fc.oneof(fc.uuid(), fc.constantFrom('admin', '', '1', "' OR 1=1 --")),
    role: fc.oneof(fc.constantFrom(...FORGED_ROLES), fc.string({ maxLength: 10 })),
    rtid: fc.oneof(fc.uuid(), fc.constantFrom('', 'x', '00000000-0000-0000-0000-000000000000')),
    exp: fc.oneof(fc.constantFrom(9_999_999_999, 1e308, -1, 0, 1.5), fc.nat()),
    iat: fc.nat(),
    iss: fc.string({ maxLength: 8 }),
    aud: fc.oneof(fc.string({ maxLength: 8 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 })),
  },
  { requiredKeys: [] },
);

const jwtHeaderArbitrary = fc.oneof(
  fc.constant({ alg: 'none', typ: 'JWT' }),
  fc.constant({ alg: 'NONE' }),
  fc.constant({ alg: 'HS256', typ: 'JWT' }),
  fc.constant({ alg: 'EdDSA', kid: '../../../../dev/null' }),
  fc.constant({ alg: 'RS256', jku: 'http://127.0.0.1:1/jwks.json' }),
  fc.constant({ alg: 'HS256', kid: "' OR '1'='1" }),
  fc.record({ alg: fc.string({ maxLength: 8 }), kid: fc.string({ maxLength: 8 }) }),
);

const authArbitrary: fc.Arbitrary<AuthSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 9,
    arbitrary: fc
      .constantFrom('Bearer', 'Bearer', 'Bearer', 'bearer', 'BEARER', 'Bearer ', 'Token')
      .map((scheme) => ({ kind: 'valid' as const, scheme })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(claimsArbitrary, jwtHeaderArbitrary, fc.constantFrom('keep', '', 'AAAA', 'garbage-signature'))
      .map(([claims, header, signature]) => ({ kind: 'tampered' as const, claims, header, signature })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        claimsArbitrary,
        jwtHeaderArbitrary,
        fc.constantFrom('', 'x', 'secret', 'changeme', 'hiring', 'pairly'),
      )
      .map(([claims, header, secret]) => {
        const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
        const signature =
          header.alg === 'HS256' ? createHmac('sha256', secret).update(unsigned).digest('base64url') : '';
        return { kind: 'raw' as const, value: `Bearer ${unsigned}.${signature}` };
      }),
  },
  {
    weight: 4,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 60 }).map((garbage) => `Bearer ${garbage}`),
        fc.constantFrom(
          'Bearer',
          'Bearer ',
          'Bearer a.b.c',
          'Bearer ...',
          'Bearer null',
          'Bearer undefined',
          `Bearer ${'a'.repeat(8000)}.${'b'.repeat(8000)}.c`,
          'Basic YWRtaW46YWRtaW4=',
          'Basic',
          'Digest username="admin"',
          '',
          ' ',
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
          'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9',
          `Bearer ${base64url('{"alg":"HS256"}')}.${base64url('{"__proto__":{"polluted":"fuzz"},"sub":"x"}')}.x`,
          `Bearer ${base64url('{"alg":"none","__proto__":{"alg":"none"}}')}.${base64url('{"constructor":{"prototype":{"polluted":"fuzz"}}}')}.x`,
        ),
        fc.string({ maxLength: 80, unit: 'binary' }),
      )
      .map((value) => ({ kind: 'raw' as const, value: headerSafe(value) })),
  },
);

const cookieArbitrary: fc.Arbitrary<CookieSpec> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('', '; __Host-refresh=garbage', '; __Host-access=second')
      .map((extra) => ({ kind: 'valid' as const, extra })),
  },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 60 }).map((garbage) => `__Host-access=${garbage}`),
        fc.string({ maxLength: 60 }).map((garbage) => `__Host-refresh=${garbage}`),
        fc.constantFrom(
          '__Host-access=%E0%A4%A',
          '__Host-access=%',
          '__proto__=polluted',
          'constructor=x; prototype=y',
          '=; ;;=; a',
          `a=${'b'.repeat(8000)}`,
          '__Host-access="quoted"',
          '__Host-access=a; __Host-access=b',
        ),
        fc.string({ maxLength: 60, unit: 'binary' }),
      )
      .map((value) => ({ kind: 'raw' as const, value: headerSafe(value) })),
  },
);

function otherHeadersArbitrary(origins: string[]): fc.Arbitrary<Record<string, string>> {
  const optional = <T>(arbitrary: fc.Arbitrary<T>, freq: number) =>
    fc.option(arbitrary, { freq, nil: undefined });
  return fc
    .record({
      'x-request-id': optional(
        fc.oneof(
          fc.stringMatching(/^[A-Za-z0-9._:-]{8,128}$/),
          fc.string({ maxLength: 200 }),
          fc.constantFrom('a'.repeat(129), 'short', '../../../etc/passwd', 'id\r\nx-injected: 1'),
        ),
        3,
      ),
      origin: optional(fc.oneof(fc.constantFrom(...ORIGINS, ...origins), fc.webUrl()), 3),
      'x-csrf-token': optional(fc.string({ maxLength: 64 }), 6),
      'user-agent': optional(fc.oneof(fc.string({ maxLength: 300 }), fc.constant('u'.repeat(10_000))), 4),
      'x-forwarded-for': optional(
        fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('unknown', '::1, 10.0.0.1', '999.999.999.999', '')),
        5,
      ),
      accept: optional(fc.constantFrom('*/*', 'text/html', 'application/xml', '', 'application/json;q=0'), 5),
      'accept-encoding': optional(fc.constantFrom('gzip', 'br', 'identity;q=0', '*;q=0'), 8),
    })
    .map((record) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(record)) {
        if (value !== undefined) headers[name] = headerSafe(value);
      }
      return headers;
    });
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function requestArbitrary(
  operations: Operation[],
  context: SchemaContext,
  bodyLimit: number,
  origins: string[],
): fc.Arbitrary<RequestSpec> {
  const headers = otherHeadersArbitrary(origins);
  return fc.oneof(
    ...operations.map((operation) => {
      const slots = [...operation.path.matchAll(/\{[^}]+\}/g)].length;
      const method = fc.oneof(
        { weight: 20, arbitrary: fc.constant(operation.method) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS.filter((m) => m !== operation.method)) },
        { weight: 1, arbitrary: fc.constantFrom('HEAD', 'OPTIONS') },
      );
      return fc
        .record({
          method,
          pathValues: fc.array(pathValueArbitrary, { minLength: slots, maxLength: slots }),
          query: queryArbitrary(operation, context.allHints),
          auth: authArbitrary,
          cookie: cookieArbitrary,
          headers,
          body: bodyArbitrary(operation, context, bodyLimit),
        })
        .map(
          (parts): RequestSpec => ({
            operation: operation.id,
            pathTemplate: operation.path,
            ...parts,
            body: parts.body,
          }),
        );
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// What every answer is checked for.

const LEAK_PATTERNS: Array<[string, RegExp]> = [
  [
    'a stack frame',
    /\bat (?:async )?(?:[\w$.<>[\]]+ )?\(?(?:file:\/\/|node:|\/|[A-Za-z]:\\)[^\s()"]*:\d+(?::\d+)?\)?/g,
  ],
  ['a source location', /[\w.-]+\.(?:[cm]?[jt]s|tsx|jsx):\d+/g],
  ['node_modules', /node_modules/g],
  [
    'a file path',
    /file:\/\/\/?[\w./-]+|(?<![\w.:/])\/(?:work|home|srv|usr|opt|tmp|var|root|app|proc|Users)\/[\w.@-]+/g,
  ],
  [
    'SQL',
    /\b(?:SELECT\s[\s\S]{0,200}?\sFROM|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b|syntax error at or near|violates (?:unique|foreign key|not-null|check) constraint|duplicate key value|relation "[^"]*" does not exist|column "[^"]*" (?:of relation|does not exist)|invalid input syntax for type|invalid byte sequence for encoding|unsupported Unicode escape sequence|value too long for type|out of range for type|SQLSTATE|current transaction is aborted/g,
  ],
  [
    'an internal error message',
    /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|EvalError|URIError|AggregateError|DatabaseError): |Cannot read propert(?:y|ies) of (?:undefined|null)|is not a function\b|Maximum call stack size exceeded/g,
  ],
];

/** A leak is internal text in the answer that the client did not send itself (echoes are fine). */
function findLeak(text: string, sent: string): string | undefined {
  for (const [what, pattern] of LEAK_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      if (!sent.includes(match[0])) return `${what} (${JSON.stringify(match[0].slice(0, 160))})`;
    }
  }
  return undefined;
}

type PrototypeSnapshot = Map<string | symbol, PropertyDescriptor>;

function prototypeSnapshot(): PrototypeSnapshot {
  const descriptors = Object.getOwnPropertyDescriptors(Object.prototype) as Record<
    string | symbol,
    PropertyDescriptor
  >;
  return new Map(Reflect.ownKeys(descriptors).map((key) => [key, descriptors[key] as PropertyDescriptor]));
}

const sameDescriptor = (a: PropertyDescriptor, b: PropertyDescriptor) =>
  a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable;

/** Names what changed on Object.prototype since the snapshot and puts it back as it was. */
function restorePrototype(snapshot: PrototypeSnapshot): string[] {
  const changes: string[] = [];
  const now = Object.getOwnPropertyDescriptors(Object.prototype) as Record<
    string | symbol,
    PropertyDescriptor
  >;
  for (const key of Reflect.ownKeys(now)) {
    const before = snapshot.get(key);
    const after = now[key] as PropertyDescriptor;
    if (before === undefined) {
      changes.push(`added ${String(key)}`);
      Reflect.deleteProperty(Object.prototype, key);
    } else if (!sameDescriptor(before, after)) {
      changes.push(`replaced ${String(key)}`);
      Object.defineProperty(Object.prototype, key, before);
    }
  }
  for (const [key, before] of snapshot) {
    if (!Object.hasOwn(now, key)) {
      changes.push(`removed ${String(key)}`);
      Object.defineProperty(Object.prototype, key, before);
    }
  }
  return changes;
}

const preview = (value: string | Buffer, max: number): string => {
  const text = typeof value === 'string' ? value : `<bytes ${value.subarray(0, max / 2).toString('hex')}>`;
  return text.length > max ? `${text.slice(0, max)}… (${value.length} in all)` : text;
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

// ---------------------------------------------------------------------------------------------

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
