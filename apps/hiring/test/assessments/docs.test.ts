// The /docs of the assessment routes (issue 12): every request body and 2xx answer shows an example,
// and no candidate-facing answer *schema* (invite, attempt, save, submit, "my attempts") declares a
// property that carries grading material (correct answers, rubrics, reference answers, keywords),
// so no candidate route can send one even by mistake in a future change of its handler.
import { operationsWithoutExamples } from '@app/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHiringTestApp, type HiringTestApp } from '../support/hiring-client.js';
import { SECRET_KEYS } from './support.js';

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document as JSON
type Json = any;

let t: HiringTestApp;
let document: Json;

beforeAll(async () => {
  t = await buildHiringTestApp();
  const response = await t.app.inject({ method: 'GET', url: '/docs/openapi.json' });
  expect(response.statusCode).toBe(200);
  document = response.json();
});
afterAll(async () => t?.close());

const CANDIDATE_PREFIXES = ['/assessment-invites', '/assessment-attempts', '/me/assessment-attempts'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every property name a schema declares, through $refs, combinators, items and nested objects. */
function propertyNames(schema: Json, document: Json, seen = new Set<unknown>()): Array<[string, string]> {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return [];
  seen.add(schema);
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node: Json, key: string) => node?.[key], document);
    expect(target, `unresolved ${schema.$ref}`).toBeDefined();
    return propertyNames(target, document, seen);
  }
  const found: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    found.push([key, key]);
    for (const [name, path] of propertyNames(value, document, seen)) found.push([name, `${key}/${path}`]);
  }
  for (const key of ['items', 'additionalProperties', 'not'])
    found.push(...propertyNames(schema[key], document, seen));
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems'])
    for (const part of schema[key] ?? []) found.push(...propertyNames(part, document, seen));
  return found;
}

describe('the assessment API documents', () => {
  it('declare no grading material in any candidate-facing answer schema', async () => {
    const walked: string[] = [];
    const leaks: string[] = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
      if (!CANDIDATE_PREFIXES.some((prefix) => path.startsWith(prefix))) continue;
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        walked.push(`${method.toUpperCase()} ${path}`);
        for (const [status, answer] of Object.entries(operation.responses ?? {}) as Array<[string, Json]>) {
          const schema = answer?.content?.['application/json']?.schema;
          for (const [name, at] of propertyNames(schema, document))
            if (SECRET_KEYS.has(name)) leaks.push(`${method.toUpperCase()} ${path} ${status}: ${at}`);
        }
      }
    }
    // The walk reaches the invite, start, attempt, save, submit and "my attempts" routes.
    expect(walked).toEqual(
      expect.arrayContaining([
        'GET /assessment-invites/{token}',
        'POST /assessment-invites/{token}/start',
        'GET /assessment-attempts/{attemptId}',
        'PUT /assessment-attempts/{attemptId}/answers/{questionId}',
        'POST /assessment-attempts/{attemptId}/submit',
        'GET /me/assessment-attempts',
      ]),
    );
    expect(leaks).toEqual([]);
  });

  it('the walk finds grading material where the employer schemas declare it', () => {
    // The same walk on the employer's template schema finds the grading keys, so an empty list above means something.
    const template = Object.entries(document.paths as Record<string, Json>).find(
      ([path]) => path === '/organisations/{organisationId}/assessments/{assessmentId}',
    )?.[1];
    const names = new Set(
      propertyNames(template?.get?.responses?.['200']?.content?.['application/json']?.schema, document).map(
        ([name]) => name,
      ),
    );
    expect([...SECRET_KEYS].filter((key) => names.has(key))).toEqual(
      expect.arrayContaining(['correct', 'rubric', 'referenceAnswer', 'keywords']),
    );
  });

  it('show an example for every request body and 2xx answer of the assessment routes', () => {
    const prefixes = [
      '/organisations/{organisationId}/assessments',
      '/assessment-invites',
      '/assessment-attempts',
      '/me/assessment-attempts',
    ];
    expect(operationsWithoutExamples(document, prefixes)).toEqual([]);
  });
});
