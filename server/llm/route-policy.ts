/**
 * The route policy (the seed's "routing engine"): which models may serve a request and in what
 * order. Filters by the tier's quality floor, context window, the capabilities the request needs,
 * provider health (breaker open, or cooling after a 429) and what the caller may use; scores the
 * rest on cost, quality and speed (40 / 35 / 25 by default); the best serves and the rest are
 * its fallbacks, in order. Pure: health and permissions arrive as functions.
 */

import { costOf, type ModelEntry, type ModelRegistry, type Tier } from './registry';

export interface RouteWeights {
  cost: number;
  quality: number;
  speed: number;
}

export const DEFAULT_WEIGHTS: RouteWeights = { cost: 0.4, quality: 0.35, speed: 0.25 };

/** What the request needs of a model. */
export interface Needs {
  /** Prompt tokens plus the completion it allows. */
  contextTokens: number;
  promptTokens: number;
  expectedOutputTokens: number;
  tools: boolean;
  json: boolean;
  vision: boolean;
}

export interface Candidate {
  model: ModelEntry;
  score: number;
}

export interface Exclusion {
  model: string;
  why: 'quality' | 'context_window' | 'capability' | 'provider_unavailable' | 'not_allowed' | 'not_configured';
}

export interface RoutePlan {
  /** Primary first, then the fallbacks. */
  candidates: Candidate[];
  excluded: Exclusion[];
}

export interface PolicyContext {
  registry: ModelRegistry;
  weights: RouteWeights;
  /** The provider has a configured adapter and key. */
  configured: (provider: string) => boolean;
  /** Breaker closed (or half-open) and not cooling after a 429. */
  healthy: (provider: string) => boolean;
  /** The caller may use this model (its key's allow list; everything by default). */
  allowed: (model: ModelEntry) => boolean;
}

export const qualifiedName = (model: ModelEntry): string => `${model.provider}/${model.id}`;

function capable(model: ModelEntry, needs: Needs): boolean {
  return (
    (!needs.tools || model.capabilities.tools) && (!needs.json || model.capabilities.json) && (!needs.vision || model.capabilities.vision)
  );
}

/**
 * Scores comparable models: cost as the cheapest's estimated price over this one's (1 for the
 * cheapest; free models all score 1), quality and speed as the registry states them.
 */
export function score(models: readonly ModelEntry[], needs: Needs, weights: RouteWeights): Candidate[] {
  const prices = models.map((model) => costOf(model, needs.promptTokens, needs.expectedOutputTokens));
  const cheapest = Math.min(...prices);
  return models.map((model, index) => {
    const price = prices[index]!;
    const cost = price === 0 ? 1 : cheapest === 0 ? 0 : cheapest / price;
    return { model, score: weights.cost * cost + weights.quality * model.quality + weights.speed * model.speed };
  });
}

/** Candidates that pass every filter but the tier's quality floor, with the reason each other model was left out. */
function eligible(context: PolicyContext, needs: Needs): { passing: ModelEntry[]; excluded: Exclusion[]; unhealthy: ModelEntry[] } {
  const excluded: Exclusion[] = [];
  const passing: ModelEntry[] = [];
  const unhealthy: ModelEntry[] = [];
  for (const model of context.registry.models) {
    const name = qualifiedName(model);
    if (!context.configured(model.provider)) excluded.push({ model: name, why: 'not_configured' });
    else if (!context.allowed(model)) excluded.push({ model: name, why: 'not_allowed' });
    else if (model.contextWindow < needs.contextTokens) excluded.push({ model: name, why: 'context_window' });
    else if (!capable(model, needs)) excluded.push({ model: name, why: 'capability' });
    else if (!context.healthy(model.provider)) {
      excluded.push({ model: name, why: 'provider_unavailable' });
      unhealthy.push(model);
    } else passing.push(model);
  }
  return { passing, excluded, unhealthy };
}

const byScore = (a: Candidate, b: Candidate) => b.score - a.score || a.model.id.localeCompare(b.model.id);

/**
 * For a tier: models at or above its quality floor, best score first. When none is at the floor,
 * the best quality available serves (a weaker answer beats none) and that is said in `excluded`.
 * Models of unhealthy providers come last: tried only when every healthy one failed.
 */
export function planForTier(tier: Tier, needs: Needs, context: PolicyContext): RoutePlan {
  const { passing, excluded, unhealthy } = eligible(context, needs);
  const floor = context.registry.minQuality(tier);
  const atFloor = passing.filter((model) => model.quality >= floor);
  for (const model of passing) if (model.quality < floor) excluded.push({ model: qualifiedName(model), why: 'quality' });
  const chosen =
    atFloor.length > 0
      ? score(atFloor, needs, context.weights).sort(byScore)
      : score(passing, needs, context.weights).sort((a, b) => b.model.quality - a.model.quality);
  // Below the floor, cheaper models still back the chosen ones up before an outage answers 503.
  const below =
    atFloor.length > 0
      ? score(
          passing.filter((model) => model.quality < floor),
          needs,
          context.weights,
        ).sort((a, b) => b.model.quality - a.model.quality)
      : [];
  const last = score(unhealthy, needs, context.weights).sort(byScore);
  return { candidates: [...chosen, ...below, ...last], excluded };
}

/**
 * For a model the caller named: that model (at every configured provider that serves it), then,
 * when fallbacks are on, the models that can stand in for it (quality within `tolerance` below
 * or anything above), best score first.
 */
export function planForModel(
  requested: readonly ModelEntry[],
  needs: Needs,
  context: PolicyContext,
  fallbacks: boolean,
  tolerance = 0.1,
): RoutePlan {
  const { passing, excluded, unhealthy } = eligible(context, needs);
  const named = new Set(requested.map(qualifiedName));
  const primary = requested.filter((model) => context.configured(model.provider) && context.allowed(model));
  if (!fallbacks) return { candidates: score(primary, needs, context.weights), excluded };
  const quality = Math.max(...requested.map((model) => model.quality));
  const standIns = passing.filter((model) => !named.has(qualifiedName(model)) && model.quality >= quality - tolerance);
  const last = unhealthy.filter((model) => !named.has(qualifiedName(model)));
  return {
    candidates: [
      ...score(primary, needs, context.weights),
      ...score(standIns, needs, context.weights).sort(byScore),
      ...score(last, needs, context.weights).sort(byScore),
    ],
    excluded,
  };
}
