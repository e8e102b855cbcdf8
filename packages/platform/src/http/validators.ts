// Owns how request schemas are compiled: one ajv per coercion rule, chosen per part of the request.
// A JSON body already carries types, so it is validated as sent: `{"name":12345}` for a string is
// a 400, never the string "12345". Query strings, path parameters and headers arrive as text, so
// they coerce ("10" to 10, one value to a one-item array). Both keep defaults, report every error
// (the body limit and JSON depth cap bound the work) and never strip unknown properties (schemas
// refuse them instead). fastify's own compiler (@fastify/ajv-compiler, with ajv-formats) builds both.
// fastify hands a custom compiler header schemas as written: name header properties in lower case.
// `format: 'uuid'` means the plain form PostgreSQL's uuid type reads: ajv-formats also accepts a
// `urn:uuid:` prefix, which would pass validation and fail in the database as a 500.
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type ValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;
type RouteSchema = { schema: unknown; method: string; url: string; httpPart?: string };
type CompileForRoute = (route: RouteSchema) => unknown;

const shared = { allErrors: true, removeAdditional: false, useDefaults: true } as const;
const PLAIN_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const onCreate = (ajv: { addFormat(name: string, format: RegExp): unknown }) =>
  ajv.addFormat('uuid', PLAIN_UUID);

export function validatorFactory(): ValidatorFactory {
  const fromPool = AjvCompiler();
  return ((externalSchemas: Parameters<typeof fromPool>[0]) => {
    const asSent = fromPool(externalSchemas, { customOptions: { ...shared, coerceTypes: false }, onCreate });
    const fromText = fromPool(externalSchemas, {
      customOptions: { ...shared, coerceTypes: 'array' },
      onCreate,
    });
    const compile: CompileForRoute = (route) =>
      ((route.httpPart === 'body' ? asSent : fromText) as unknown as CompileForRoute)(route);
    return compile;
  }) as unknown as ValidatorFactory;
}
