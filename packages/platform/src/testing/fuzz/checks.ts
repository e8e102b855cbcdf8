// Owns what every answer is checked for: internal text leaking into it (stacks, source locations,
// file paths, SQL, internal error messages), and changes to Object.prototype, found and undone.

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
export function findLeak(text: string, sent: string): string | undefined {
  for (const [what, pattern] of LEAK_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      if (!sent.includes(match[0])) return `${what} (${JSON.stringify(match[0].slice(0, 160))})`;
    }
  }
  return undefined;
}

type PrototypeSnapshot = Map<string | symbol, PropertyDescriptor>;

export function prototypeSnapshot(): PrototypeSnapshot {
  const descriptors = Object.getOwnPropertyDescriptors(Object.prototype) as Record<
    string | symbol,
    PropertyDescriptor
  >;
  return new Map(Reflect.ownKeys(descriptors).map((key) => [key, descriptors[key] as PropertyDescriptor]));
}

const sameDescriptor = (a: PropertyDescriptor, b: PropertyDescriptor) =>
  a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable;

/** Names what changed on Object.prototype since the snapshot and puts it back as it was. */
export function restorePrototype(snapshot: PrototypeSnapshot): string[] {
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
