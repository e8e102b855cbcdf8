// Owns the OpenAPI document as far as the fuzzer reads it: the schema shapes it understands and
// operationsOf(), which lists every operation with its query parameter names and JSON body schema.

export interface JsonSchema {
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

export interface OpenApiDocument {
  info?: { title?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface Operation {
  id: string;
  method: string;
  path: string;
  queryNames: string[];
  body: JsonSchema | undefined;
}

const DOC_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

export function operationsOf(document: OpenApiDocument, skip: Set<string>): Operation[] {
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
