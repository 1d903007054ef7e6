/**
 * A small JSON Schema (2020-12) validator for the OpenAPI test: the keywords Effect's JSON Schema
 * output uses, and a failure for any other, so a schema it cannot check never passes silently.
 * Returns every problem as "path: what".
 */
type Schema = boolean | { readonly [keyword: string]: unknown };

const KNOWN = new Set([
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "patternProperties",
  "items",
  "anyOf",
  "oneOf",
  "allOf",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  // Annotations, which never fail a value.
  "description",
  "title",
  "examples",
  "default",
  "format",
]);

export function validate(schema: Schema, value: unknown, path = "$"): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  const unknown = Object.keys(schema).filter((keyword) => !KNOWN.has(keyword));
  if (unknown.length) throw new Error(`${path}: the validator does not know ${unknown.join(", ")}`);
  const problems: string[] = [];
  const fail = (what: string) => problems.push(`${path}: ${what}`);

  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((type) => hasType(value, type)))
      fail(`expected ${types.join(" or ")}, got ${JSON.stringify(value)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((item) => same(item, value))) {
    fail(`expected one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}`);
  }
  if ("const" in schema && !same(schema.const, value)) fail(`expected ${JSON.stringify(schema.const)}`);
  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof schema.minLength === "number" && length < schema.minLength) fail(`shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === "number" && length > schema.maxLength) fail(`longer than ${schema.maxLength}`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
      fail(`does not match ${schema.pattern}`);
    }
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) fail(`above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === "number" && value.length < schema.minItems)
      fail(`fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === "number" && value.length > schema.maxItems)
      fail(`more than ${schema.maxItems} items`);
    if (schema.items !== undefined) {
      value.forEach((item, index) => {
        problems.push(...validate(schema.items as Schema, item, `${path}[${index}]`));
      });
    }
  }
  if (isObject(value)) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    const patterns = Object.entries((schema.patternProperties ?? {}) as Record<string, Schema>);
    for (const name of (schema.required ?? []) as string[]) if (!(name in value)) fail(`${name} is required`);
    for (const [name, item] of Object.entries(value)) {
      const at = `${path}.${name}`;
      if (schema.propertyNames !== undefined)
        problems.push(...validate(schema.propertyNames as Schema, name, `${at} (name)`));
      const matched = patterns.filter(([pattern]) => new RegExp(pattern, "u").test(name));
      for (const [, sub] of matched) problems.push(...validate(sub, item, at));
      if (name in properties) problems.push(...validate(properties[name] as Schema, item, at));
      else if (matched.length === 0 && schema.additionalProperties !== undefined) {
        problems.push(...validate(schema.additionalProperties as Schema, item, at));
      }
    }
  }
  for (const sub of (schema.allOf ?? []) as Schema[]) problems.push(...validate(sub, value, path));
  if (Array.isArray(schema.anyOf)) {
    const results = (schema.anyOf as Schema[]).map((sub) => validate(sub, value, path));
    if (!results.some((r) => r.length === 0))
      fail(`matches none of anyOf: ${results.map((r) => r.join("; ")).join(" | ")}`);
  }
  if (Array.isArray(schema.oneOf)) {
    const passing = (schema.oneOf as Schema[]).filter((sub) => validate(sub, value, path).length === 0).length;
    if (passing !== 1) fail(`matches ${passing} of oneOf, not exactly one`);
  }
  return problems;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      throw new Error(`unknown JSON Schema type ${type}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
