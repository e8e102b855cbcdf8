// Owns the request-body arbitrary: schema-valid, mutated, arbitrary and hostile JSON, invalid UTF-8,
// wrong content types, empty and oversized bodies, weighted by whether the operation takes a body.
import fc from 'fast-check';
import { headerSafe, jsonText } from './encoding.js';
import { HOSTILE_JSON_TEXTS, INVALID_UTF8, WRONG_CONTENT_TYPES } from './ingredients.js';
import { mutate, mutationArbitrary } from './mutations.js';
import type { Operation } from './openapi.js';
import { resolve, type SchemaContext, valueArbitrary } from './schema-values.js';
import type { BodySpec } from './spec.js';

export function bodyArbitrary(operation: Operation, context: SchemaContext, bodyLimit: number) {
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
