import fc from 'fast-check';

/**
 * fast-check arbitraries from the JSON Schemas of our own /openapi.json (OpenAPI 3.1 = JSON
 * Schema 2020-12): values that conform, and values that break the schema in the ways hostile
 * callers do (wrong types, out of range, missing and extra keys, prototype keys). It covers the
 * keywords zod-openapi emits for this document; an unknown keyword falls back to any JSON value.
 */

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: unknown;
};

/** Replaces every local `$ref` by the schema it names (our document has no recursive schemas). */
export function inlineRefs(schema: unknown, root: unknown, depth = 0): unknown {
  if (depth > 40) throw new Error('schema nesting too deep (a recursive $ref?)');
  if (Array.isArray(schema)) return schema.map((item) => inlineRefs(item, root, depth + 1));
  if (typeof schema !== 'object' || schema === null) return schema;
  const ref = (schema as JsonSchema).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) target = (target as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return inlineRefs(target, root, depth + 1);
  }
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = inlineRefs(value, root, depth + 1);
  return copy;
}

const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Strings callers really send: text, unicode, control and bidi characters, digits with separators, escapes. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom('\u0000', '\u001b', '[', '3', '1', 'm', '\u202e', '\u2066', '%', '.', '-', ' ', 'é', '\ud800'),
    maxLength: 20,
  }),
  fc.constantFrom('', ' ', '__proto__', 'constructor', '1e3', '0x3E8', '+1000', '48.043.079.770', '+57 300 123 4567', 'NaN', 'Infinity'),
);

function numberArbitrary(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min =
    schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (integer ? 1 : Number.EPSILON) : undefined);
  const max =
    schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (integer ? 1 : Number.EPSILON) : undefined);
  if (integer) {
    const low = Math.max(min ?? -1_000_000, Number.MIN_SAFE_INTEGER);
    const high = Math.min(max ?? 1_000_000, Number.MAX_SAFE_INTEGER);
    // Small ids hit real records of the simulator; the whole range finds the edges.
    return fc.oneof(
      fc.integer({ min: Math.max(low, 0), max: Math.min(high, 5000) }).filter((n) => n >= low),
      fc.integer({ min: low, max: high }),
    );
  }
  return fc.double({ min: min ?? -1e9, max: max ?? 1e12, noNaN: true, noDefaultInfinity: true });
}

function stringArbitrary(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, 'u');
    return fc
      .stringMatching(pattern)
      .filter((value) => (schema.maxLength === undefined || value.length <= schema.maxLength) && value.length >= (schema.minLength ?? 0));
  }
  if (schema.format === 'email') return fc.emailAddress();
  if (schema.format === 'date')
    return fc
      .date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2040-01-01') })
      .map((d) => d.toISOString().slice(0, 10));
  if (schema.format === 'date-time')
    return fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2040-01-01') }).map((d) => d.toISOString());
  return fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 60, 60) });
}

/** Values that conform to the schema (as far as generation can tell). */
export function conforming(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map(conforming));
  if (schema.allOf?.length === 1) return conforming(schema.allOf[0]!);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'integer':
      return numberArbitrary(schema, true);
    case 'number':
      return numberArbitrary(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string':
      return stringArbitrary(schema);
    case 'array':
      return fc.array(schema.items ? conforming(schema.items) : anyJson, {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) record[name] = conforming(property);
      return fc.record(record, { requiredKeys: [...required].filter((name) => name in record) });
    }
    default:
      return anyJson;
  }
}

/** Values a hostile caller sends instead: usually near the schema, sometimes anything at all. */
export function hostile(schema: JsonSchema): fc.Arbitrary<unknown> {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const wrongType = fc.oneof(anyJson, hostileString, fc.constantFrom(true, [1000], { valueOf: 1 }, -1, 0, 1e308, 1.5, null));
  if (type === 'object') {
    const properties = schema.properties ?? {};
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, property] of Object.entries(properties))
      record[name] = fc.oneof({ weight: 3, arbitrary: conforming(property) }, { weight: 1, arbitrary: hostile(property) });
    const mangled = fc
      .tuple(
        fc.record(record, { requiredKeys: [] }),
        fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor')), anyJson, { maxKeys: 3 }),
      )
      .map(([known, extra]) => ({ ...extra, ...known }));
    return fc.oneof({ weight: 4, arbitrary: mangled }, { weight: 1, arbitrary: wrongType });
  }
  if (type === 'string') return fc.oneof(stringArbitrary(schema), hostileString, wrongType);
  return fc.oneof(conforming(schema), wrongType);
}
