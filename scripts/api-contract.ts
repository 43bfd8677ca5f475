/**
 * The client's contract: every procedure's input and output as JSON Schema (from the zod schemas
 * the router validates with). `npm run api:baseline` records it in client/api-baseline.json at a
 * release; the compatibility test (test/house/api-compat.test.ts) fails on a breaking change to an
 * existing procedure unless the major version went up. Additions are fine.
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { SERVICE_VERSION } from '../server/http/version';
import { appRouter } from '../server/routers/_app';

type JsonSchema = Record<string, unknown>;

export interface ApiContract {
  version: string;
  procedures: Record<string, { type: string; input: JsonSchema | null; output: JsonSchema | null }>;
}

interface ProcedureLike {
  _def: { type: string; inputs?: unknown[]; output?: unknown };
}

function schemaOf(schema: unknown, io: 'input' | 'output'): JsonSchema | null {
  if (!schema) return null;
  const json = z.toJSONSchema(schema as z.ZodType, { io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

export function currentContract(): ApiContract {
  const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureLike>;
  return {
    version: SERVICE_VERSION,
    procedures: Object.fromEntries(
      Object.entries(procedures)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([path, { _def }]) => [
          path,
          { type: _def.type, input: schemaOf(_def.inputs?.[0], 'input'), output: schemaOf(_def.output, 'output') },
        ]),
    ),
  };
}

export const BASELINE_FILE = 'client/api-baseline.json';

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(BASELINE_FILE, `${JSON.stringify(currentContract(), null, 1)}\n`);
  console.log(`wrote ${BASELINE_FILE} (version ${SERVICE_VERSION})`);
}
