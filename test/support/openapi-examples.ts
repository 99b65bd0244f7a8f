/**
 * The requests the OpenAPI document's examples make, built the way the OpenAPI UI fills in "Try it
 * out": every parameter and every body property with its example. Nothing is invented: a value
 * without an example (or, for a choice, its default or first value) is reported as missing, so a
 * new operation without examples fails the spec that plays them (test/e2e/openapi-examples.spec.ts).
 */

export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  example?: unknown;
  default?: unknown;
  enum?: unknown[];
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  example?: unknown;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema; example?: unknown }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One operation's request from its examples: `operation` is `METHOD /path` as the document names it. */
export interface ExampleRequest {
  operation: string;
  method: string;
  /** The path with every path parameter's example in place. */
  path: string;
  query: Record<string, string>;
  /** Required headers only (e.g. Bulk Data's `Prefer: respond-async`). */
  headers: Record<string, string>;
  body?: unknown;
}

export interface ExampleWalk {
  requests: ExampleRequest[];
  /** `METHOD /path: where` for every value that has no example. */
  missing: string[];
  /** Path parameter name (patientId, medicationId...) → its example: the ids a test replaces. */
  idExamples: Record<string, string>;
}

/**
 * Every operation with a request body or a path or query parameter. Of the headers only the
 * required ones are sent: the optional If-Match and Idempotency-Key say how to write, not what.
 */
export function exampleRequests(document: OpenApiDocument): ExampleWalk {
  const schemas = document.components?.schemas ?? {};
  const requests: ExampleRequest[] = [];
  const missing: string[] = [];
  const idExamples: Record<string, string> = {};
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const name = `${method.toUpperCase()} ${template}`;
      const parameters = (operation.parameters ?? []).filter(
        (p) => p.in === 'path' || p.in === 'query' || (p.in === 'header' && p.required),
      );
      const content = operation.requestBody?.content ?? {};
      if (parameters.length === 0 && Object.keys(content).length === 0) continue;
      const lacks = (where: string): void => void missing.push(`${name}: ${where}`);
      let path = template;
      const query: Record<string, string> = {};
      const headers: Record<string, string> = {};
      for (const parameter of parameters) {
        const value = parameterExample(parameter);
        if (value === undefined) {
          lacks(`${parameter.in} parameter ${parameter.name}`);
          continue;
        }
        if (parameter.in === 'path') {
          idExamples[parameter.name] ??= String(value);
          path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
        } else if (parameter.in === 'header') headers[parameter.name] = String(value);
        else query[parameter.name] = String(value);
      }
      const json = content['application/json'];
      const body = json ? (json.example ?? valueOf(json.schema ?? {}, schemas, 'body', lacks)) : undefined;
      requests.push({ operation: name, method: method.toUpperCase(), path, query, headers, body });
    }
  }
  return { requests, missing, idExamples };
}

function parameterExample(parameter: Parameter): unknown {
  const schema = parameter.schema ?? {};
  return parameter.example ?? schema.example ?? schema.default ?? schema.enum?.[0];
}

/** A body value from its schema's examples; `lacks` hears of every leaf without one. */
function valueOf(
  schema: Schema,
  schemas: Record<string, Schema>,
  where: string,
  lacks: (where: string) => void,
): unknown {
  if (schema.example !== undefined) return schema.example;
  if (schema.$ref) return valueOf(schemas[schema.$ref.split('/').pop() ?? ''] ?? {}, schemas, where, lacks);
  if (schema.allOf?.[0]) return valueOf(schema.allOf[0], schemas, where, lacks);
  if (schema.enum) return schema.default ?? schema.enum[0];
  if (schema.properties) {
    return Object.fromEntries(
      Object.entries(schema.properties).map(([name, property]) => [
        name,
        valueOf(property, schemas, `${where}.${name}`, lacks),
      ]),
    );
  }
  if (schema.type === 'array' && schema.items) return [valueOf(schema.items, schemas, `${where}[]`, lacks)];
  lacks(where);
  return undefined;
}

/**
 * The request with the ids a test created in place of the examples' ids, wherever they occur (path,
 * query, body, inside a stream name such as `doses-<patientId>-2026-01`): `ids` maps a path
 * parameter's name (patientId, medicationId...) to the id to use; the body's medicationId or
 * suspectedMedicationId show the same example as the path's medicationId, and so get the same id.
 */
export function withIds(
  request: ExampleRequest,
  idExamples: Readonly<Record<string, string>>,
  ids: Readonly<Record<string, string>>,
): ExampleRequest {
  const pairs = Object.entries(idExamples).flatMap(([name, example]) => {
    const id = ids[name];
    return id !== undefined && id !== example ? [[example, id] as const] : [];
  });
  const replace = (text: string): string => pairs.reduce((out, [from, to]) => out.split(from).join(to), text);
  return {
    ...request,
    path: replace(request.path),
    query: JSON.parse(replace(JSON.stringify(request.query))),
    body: request.body === undefined ? undefined : JSON.parse(replace(JSON.stringify(request.body))),
  };
}
