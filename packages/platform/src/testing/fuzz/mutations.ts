// Owns mutations of a schema-valid body, applied on its JSON text so that raw numbers, duplicate and
// forbidden keys can be written: the mutation arbitrary and mutate(), which applies them.
import fc from 'fast-check';
import { jsonText } from './encoding.js';
import { HOSTILE_NUMBERS, NASTY_STRINGS, WRONG_TYPE_VALUES } from './ingredients.js';

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

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
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
export function mutate(
  value: unknown,
  mutations: Mutation[],
  schemaKeys: string[],
): { text: string; note: string } {
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
