/**
 * The model registry: every model the gateway may route to, with its provider, context window,
 * prices (USD per million tokens, dated), quality and speed scores and capabilities. Shipped as
 * models.json; an operator overrides it with a file, or reloads it at run time from a file or URL
 * they trust (the seed scraped prices; here the operator says where the truth is).
 */

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import shipped from './models.json' with { type: 'json' };

export const TIERS = ['SIMPLE', 'MODERATE', 'COMPLEX', 'EXPERT'] as const;
export type Tier = (typeof TIERS)[number];

const modelSchema = z.object({
  id: z.string().min(1),
  provider: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'provider names are lower-case words' }),
  contextWindow: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive(),
  inputPerMTok: z.number().nonnegative(),
  outputPerMTok: z.number().nonnegative(),
  pricesAsOf: z.iso.date(),
  quality: z.number().min(0).max(1),
  speed: z.number().min(0).max(1),
  capabilities: z.object({ tools: z.boolean(), json: z.boolean(), vision: z.boolean() }),
});

const registrySchema = z.object({
  version: z.string().min(1),
  tiers: z.object(
    Object.fromEntries(TIERS.map((tier) => [tier, z.object({ minQuality: z.number().min(0).max(1) })])) as Record<
      Tier,
      z.ZodObject<{ minQuality: z.ZodNumber }>
    >,
  ),
  models: z.array(modelSchema).min(1),
});

export type ModelEntry = z.output<typeof modelSchema>;
export type RegistryData = z.output<typeof registrySchema>;

export class RegistryError extends Error {}

/** A registry document checked: schema, and one entry per provider/model. */
export function parseRegistry(raw: unknown, origin: string): RegistryData {
  const result = registrySchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new RegistryError(`${origin}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const model of result.data.models) {
    const key = `${model.provider}/${model.id}`;
    if (seen.has(key)) throw new RegistryError(`${origin}: ${key} listed twice`);
    seen.add(key);
  }
  return result.data;
}

export const SHIPPED_REGISTRY: RegistryData = parseRegistry(shipped, 'server/llm/models.json');

export function readRegistryFile(path: string): RegistryData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RegistryError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return parseRegistry(JSON.parse(text), path);
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw new RegistryError(`${path}: not JSON`);
  }
}

/** The registry in force: swapped whole on reload, so a request sees one version from start to end. */
export class ModelRegistry {
  private byQualifiedId = new Map<string, ModelEntry>();
  private byId = new Map<string, ModelEntry[]>();
  private current!: RegistryData;

  constructor(data: RegistryData) {
    this.replace(data);
  }

  replace(data: RegistryData): void {
    const qualified = new Map<string, ModelEntry>();
    const plain = new Map<string, ModelEntry[]>();
    for (const model of data.models) {
      qualified.set(`${model.provider}/${model.id}`, model);
      plain.set(model.id, [...(plain.get(model.id) ?? []), model]);
    }
    this.current = data;
    this.byQualifiedId = qualified;
    this.byId = plain;
  }

  get version(): string {
    return this.current.version;
  }

  get models(): readonly ModelEntry[] {
    return this.current.models;
  }

  minQuality(tier: Tier): number {
    return this.current.tiers[tier].minQuality;
  }

  /** `provider/model` or a bare model id (every provider that serves it). */
  lookup(name: string): ModelEntry[] {
    const qualified = this.byQualifiedId.get(name);
    if (qualified) return [qualified];
    return this.byId.get(name) ?? [];
  }
}

/** Dollars for a call's tokens at the entry's prices. */
export function costOf(model: ModelEntry, promptTokens: number, completionTokens: number): number {
  return (promptTokens * model.inputPerMTok + completionTokens * model.outputPerMTok) / 1_000_000;
}
