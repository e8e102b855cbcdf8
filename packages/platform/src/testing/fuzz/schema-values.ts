// Owns schema-derived values: fast-check arbitraries for what a schema of the document allows ($refs
// resolved, formats and patterns honoured), with the app's hints mixed in by property name.
import fc from 'fast-check';
import { NASTY_STRINGS } from './ingredients.js';
import type { JsonSchema, OpenApiDocument } from './openapi.js';

export interface SchemaContext {
  document: OpenApiDocument;
  hints: Record<string, string[]>;
  /** Every hint, whatever its property: also tried in query strings. */
  allHints: string[];
}

export function resolve(schema: JsonSchema | undefined, context: SchemaContext): JsonSchema | undefined {
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

export function valueArbitrary(
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
