// Owns the check that an app's OpenAPI document shows examples where a reader of /docs needs them:
// every JSON request body, and every 2xx JSON answer, of the operations under the given path
// prefixes carries an `example` or `examples` somewhere in its schema. Returns what is missing as
// "METHOD /path: request body" or "METHOD /path: 200 answer", so a test can assert an empty list.

interface Content {
  [mediaType: string]: { schema?: unknown; example?: unknown; examples?: unknown };
}
interface Operation {
  requestBody?: { content?: Content };
  responses?: Record<string, { content?: Content }>;
}
type Document = { paths?: Record<string, Record<string, Operation>> };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const hasExample = (content: Content | undefined): boolean => {
  const json = content?.['application/json'];
  if (!json) return true;
  return /"examples?":/.test(JSON.stringify(json));
};

export function operationsWithoutExamples(document: unknown, pathPrefixes: readonly string[]): string[] {
  const missing: string[] = [];
  for (const [path, item] of Object.entries((document as Document).paths ?? {})) {
    if (!pathPrefixes.some((prefix) => path.startsWith(prefix))) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const name = `${method.toUpperCase()} ${path}`;
      if (!hasExample(operation.requestBody?.content)) missing.push(`${name}: request body`);
      for (const [status, answer] of Object.entries(operation.responses ?? {})) {
        if (status.startsWith('2') && !hasExample(answer.content)) missing.push(`${name}: ${status} answer`);
      }
    }
  }
  return missing.sort();
}
