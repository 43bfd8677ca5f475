/**
 * What breaks a caller of an existing procedure, read from two JSON Schemas of it: on input, a
 * newly required field, a field's type changed or an accepted value no longer accepted; on
 * output, a field gone (or no longer always there) or its type changed. Anything added is fine.
 */

type JsonSchema = Record<string, unknown>;

export interface Contract {
  version: string;
  procedures: Record<string, { type: string; input: JsonSchema | null; output: JsonSchema | null }>;
}

const asSchema = (value: unknown): JsonSchema | null => (typeof value === 'object' && value !== null ? (value as JsonSchema) : null);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function typesOf(schema: JsonSchema): string[] {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type as string[];
  const variants = [...list(schema.anyOf), ...list(schema.oneOf)]
    .map(asSchema)
    .filter((variant): variant is JsonSchema => variant !== null);
  return variants.flatMap(typesOf);
}

function compare(where: string, before: JsonSchema, after: JsonSchema, side: 'input' | 'output', problems: string[]): void {
  const [was, now] = [typesOf(before), typesOf(after)];
  if (side === 'input' && was.some((type) => !now.includes(type)))
    problems.push(`${where}: no longer accepts ${was.filter((type) => !now.includes(type)).join(', ')}`);
  if (side === 'output' && now.some((type) => !was.includes(type)))
    problems.push(`${where}: may now be ${now.filter((type) => !was.includes(type)).join(', ')}`);
  if (side === 'input' && Array.isArray(before.enum) && Array.isArray(after.enum)) {
    const dropped = before.enum.filter((value) => !(after.enum as unknown[]).includes(value));
    if (dropped.length > 0) problems.push(`${where}: no longer accepts ${dropped.map(String).join(', ')}`);
  }
  const beforeProperties = (asSchema(before.properties) ?? {}) as Record<string, unknown>;
  const afterProperties = (asSchema(after.properties) ?? {}) as Record<string, unknown>;
  const beforeRequired = list(before.required) as string[];
  const afterRequired = list(after.required) as string[];
  if (side === 'input') {
    for (const field of afterRequired) if (!beforeRequired.includes(field)) problems.push(`${where}.${field}: newly required`);
  } else {
    for (const field of beforeRequired) {
      if (!(field in afterProperties)) problems.push(`${where}.${field}: removed`);
      else if (!afterRequired.includes(field)) problems.push(`${where}.${field}: no longer always present`);
    }
  }
  for (const [field, schema] of Object.entries(beforeProperties)) {
    const next = asSchema(afterProperties[field]);
    const previous = asSchema(schema);
    if (next && previous) compare(`${where}.${field}`, previous, next, side, problems);
  }
  const [beforeItems, afterItems] = [asSchema(before.items), asSchema(after.items)];
  if (beforeItems && afterItems) compare(`${where}[]`, beforeItems, afterItems, side, problems);
}

/** The breaking changes from `baseline` to `current`, one line each; empty when compatible. */
export function breakingChanges(baseline: Contract, current: Contract): string[] {
  const problems: string[] = [];
  for (const [path, before] of Object.entries(baseline.procedures)) {
    const after = current.procedures[path];
    if (!after) {
      problems.push(`${path}: removed`);
      continue;
    }
    if (after.type !== before.type) problems.push(`${path}: was a ${before.type}, now a ${after.type}`);
    if (before.input && after.input) compare(`${path} input`, before.input, after.input, 'input', problems);
    if (!before.input && after.input && list(after.input.required).length > 0) problems.push(`${path} input: now required`);
    if (before.output && after.output) compare(`${path} output`, before.output, after.output, 'output', problems);
  }
  return problems;
}

export function majorOf(version: string): number {
  return Number(version.split('.')[0]);
}
