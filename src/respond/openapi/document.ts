import { Schema } from "effect";
import { ERROR_STATUS, type ErrorCode } from "../../base/errors";
import { errorAnswer } from "./answers";

type JsonObject = { [key: string]: unknown };

/** One response of an operation: JSON described by a schema, or another content type. */
export interface ResponseDoc {
  readonly description: string;
  readonly json?: Schema.Top;
  /** A content type other than JSON (the page's HTML, a program's own answer: any). */
  readonly content?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One route of the API, as the document tells it. Paths use OpenAPI's {param} form. */
export interface RouteDoc {
  readonly method: "get" | "post" | "delete";
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly pathParams?: Readonly<Record<string, Schema.Top>>;
  /** A struct whose fields are the query parameters. */
  readonly query?: Schema.Top & { readonly fields: Schema.Struct.Fields };
  readonly body?: { readonly json?: Schema.Top; readonly content?: string; readonly required: boolean };
  /** Answers other than errors, by status ("default": any other, e.g. a program's own status). */
  readonly responses: Readonly<Record<string, ResponseDoc>>;
  /** Our errors the route can answer; grouped by status into responses with their codes. */
  readonly errors: readonly ErrorCode[];
  /**
   * Routes that answer a run as JSON (execute, call) answer a run that ended in one of these errors
   * with that error's status and this JSON (its `error` says which), rather than our error body.
   */
  readonly runAnswers?: { readonly json: Schema.Top; readonly codes: readonly ErrorCode[] };
  /** Which credentials the route takes (names of securitySchemes); [] for none. */
  readonly security: readonly (readonly string[])[];
}

/** Extra headers our error answers carry, by code. */
const ERROR_HEADERS: Partial<Record<ErrorCode, Record<string, string>>> = {
  token_required: { "WWW-Authenticate": 'Bearer realm="promptlog"' },
  token_malformed: { "WWW-Authenticate": 'Bearer realm="promptlog", error="invalid_token"' },
  token_unknown: { "WWW-Authenticate": 'Bearer realm="promptlog", error="invalid_token"' },
  token_revoked: { "WWW-Authenticate": 'Bearer realm="promptlog", error="invalid_token"' },
  rate_limited: { "Retry-After": "Seconds until the client may try again" },
};

/**
 * The OpenAPI 3.1 document of `routes`. Every schema in it is generated from the Effect schemas the
 * routes decode with (and the answer schemas of answers.ts), through Effect's JSON Schema output.
 */
export function openApiDocument(
  info: { title: string; version: string; description: string },
  routes: readonly RouteDoc[],
  securitySchemes: Readonly<Record<string, JsonObject>>,
): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    const operation: JsonObject = {
      operationId: operationId(route),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      security: route.security.map((names) => Object.fromEntries(names.map((name) => [name, []]))),
      parameters: [
        ...Object.entries(route.pathParams ?? {}).map(([name, schema]) => ({
          name,
          in: "path",
          required: true,
          schema: jsonSchema(schema),
        })),
        ...queryParameters(route.query),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: route.body.required,
              content: route.body.json
                ? { "application/json": { schema: jsonSchema(route.body.json, true) } }
                : { [route.body.content ?? "*/*"]: {} },
            },
          }
        : {}),
      responses: { ...responses(route.responses), ...errorResponses(route.errors, route.runAnswers) },
    };
    paths[route.path] = { ...paths[route.path], [route.method]: operation };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info,
    paths,
    components: { securitySchemes },
  };
}

function operationId(route: RouteDoc): string {
  const words = route.path
    .split("/")
    .filter(Boolean)
    .map((part) =>
      part.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase()),
    );
  return [route.method, ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join("");
}

function queryParameters(query: RouteDoc["query"]): JsonObject[] {
  if (!query) return [];
  const object = jsonSchema(query) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: object.required?.includes(name) ?? false,
    schema,
  }));
}

function responses(docs: RouteDoc["responses"]): Record<string, JsonObject> {
  return Object.fromEntries(
    Object.entries(docs).map(([status, doc]) => [
      status,
      {
        description: doc.description,
        ...(doc.headers ? { headers: headerDocs(doc.headers) } : {}),
        ...(doc.json
          ? { content: { "application/json": { schema: jsonSchema(doc.json) } } }
          : doc.content
            ? { content: { [doc.content]: {} } }
            : {}),
      },
    ]),
  );
}

function errorResponses(codes: readonly ErrorCode[], runAnswers: RouteDoc["runAnswers"]): Record<string, JsonObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes))
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, group]) => {
        const headers = Object.assign({}, ...group.map((code) => ERROR_HEADERS[code] ?? {}));
        const error = jsonSchema(errorAnswer(group));
        const run = runAnswers && group.some((code) => runAnswers.codes.includes(code));
        return [
          String(status),
          {
            description: group.map((code) => `\`${code}\``).join(", "),
            ...(Object.keys(headers).length ? { headers: headerDocs(headers) } : {}),
            content: {
              "application/json": { schema: run ? { anyOf: [error, jsonSchema(runAnswers.json)] } : error },
            },
          },
        ];
      }),
  );
}

function headerDocs(headers: Readonly<Record<string, string>>): JsonObject {
  return Object.fromEntries(
    Object.entries(headers).map(([name, description]) => [name, { description, schema: { type: "string" } }]),
  );
}

/**
 * Effect's JSON Schema of a schema, as plain JSON says it. Effect describes its canonical JSON codec,
 * which also takes null for a field left out and "NaN"/"Infinity" strings for numbers; our routes
 * decode with the schemas themselves (no null for an absent field), and JSON never carries those
 * strings for a number, so both are taken back out. A request body refuses unknown fields, as
 * decodeOrFail does.
 */
export function jsonSchema(schema: Schema.Top, strict = false): JsonObject {
  const document = Schema.toJsonSchemaDocument(schema, strict ? { onExcessProperty: "error" } : {});
  if (Object.keys(document.definitions).length > 0) {
    throw new Error("schemas with identifiers (shared definitions) are not expected in the API's schemas");
  }
  return plain(document.schema) as JsonObject;
}

function plain(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(plain);
  if (node === null || typeof node !== "object") return node;
  let object = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, plain(value)])) as JsonObject;
  const anyOf = object.anyOf as JsonObject[] | undefined;
  if (anyOf?.some((branch) => branch.type === "number")) {
    const rest = anyOf.filter((branch) => !(branch.type === "string" && isNumberWords(branch.enum)));
    object = collapse(object, rest);
  }
  const properties = object.properties as Record<string, JsonObject> | undefined;
  if (properties) {
    const required = new Set((object.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries(properties)) {
      const branches = property.anyOf as JsonObject[] | undefined;
      if (required.has(name) || !branches) continue;
      const nullAt = branches.findIndex((branch) => branch.type === "null" && Object.keys(branch).length === 1);
      if (nullAt >= 0)
        properties[name] = collapse(
          property,
          branches.filter((_b, index) => index !== nullAt),
        );
    }
  }
  return object;
}

function collapse(object: JsonObject, branches: JsonObject[]): JsonObject {
  const { anyOf: _anyOf, ...rest } = object;
  return branches.length === 1 ? { ...branches[0], ...rest } : { ...rest, anyOf: branches };
}

function isNumberWords(values: unknown): boolean {
  return (
    Array.isArray(values) && values.every((value) => value === "NaN" || value === "Infinity" || value === "-Infinity")
  );
}
