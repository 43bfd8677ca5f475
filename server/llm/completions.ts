/**
 * The LLM half's request path, surface-free: cache check, classify, plan a route, run it with
 * retries and fallbacks, price the answer, fill the cache. The `/v1` surface (server/openai/)
 * and, later, the agent call this; it knows nothing of HTTP.
 */

import { AppError } from '../errors';
import type { Cancellation } from '../upstream/cancellation';
import {
  type Attempt,
  type AttemptOptions,
  AttemptsExhausted,
  completeThroughPlan,
  type StartedStream,
  streamThroughPlan,
} from './attempts';
import { type ChatChunk, type ChatCompletion, type ChatRequest, chunkOf, completionOf, maxOutputTokens, textOf } from './chat';
import type { Classification, Classifier } from './classifier';
import type { ProviderPool } from './provider-pool';
import { costOf, type ModelEntry, type ModelRegistry, TIERS, type Tier } from './registry';
import { type CachedAnswer, type CacheMode, cacheable, type ResponseCache } from './response-cache';
import { type Needs, planForModel, planForTier, qualifiedName, type RoutePlan, type RouteWeights } from './route-policy';
import { countedUsage, reported } from './token-usage';

/** `auto` lets the classifier pick the tier; `auto-<tier>` names one. */
export const AUTO_MODEL = 'auto';
export const TIER_MODELS: Readonly<Record<string, Tier>> = Object.fromEntries(TIERS.map((tier) => [`auto-${tier.toLowerCase()}`, tier]));

/** Completion tokens assumed for pricing a route when the caller sets no ceiling. */
const EXPECTED_OUTPUT_TOKENS = 512;

export interface CompletionOptions {
  attempts: AttemptOptions;
  weights: RouteWeights;
  /** A named model falls back to stand-ins when its providers fail. */
  fallbacks: boolean;
  /** A started stream that sends nothing for this long is ended with an error. */
  streamIdleTimeoutMs: number;
}

export interface CompletionDeps {
  registry: ModelRegistry;
  /** The classifier, built once its tokenizer has loaded (on the first `auto` request). */
  classifier: () => Promise<Classifier>;
  pool: ProviderPool;
  cache: ResponseCache | null;
  options: CompletionOptions;
  /** Called once a route is chosen (logs and metrics). */
  onRoute?: (decision: RouteDecision) => void;
}

export interface RouteDecision {
  requested: string;
  tier: Tier | null;
  classification: Classification | null;
  candidates: string[];
  excluded: RoutePlan['excluded'];
}

/** What happened to one request, for headers, logs, metrics and (next) the usage record. */
export interface CompletionMeta {
  tier: Tier | null;
  /** The model and provider that served (from the cache: those that first served it). */
  model: string;
  provider: string;
  /** Attempts before the one that served (empty when the first candidate served). */
  fallbacks: Attempt[];
  /** Every provider call made, the serving one last (none for a cache hit). */
  attempts: Attempt[];
  /** The served model is in the registry (an unlisted `provider/tag` passed through is not). */
  listed: boolean;
  cache: 'hit' | 'miss' | 'bypass';
  /** USD at registry prices; 0 for a cache hit (nothing was spent). */
  costUsd: number;
  /** The provider reported no usage: the tokens were counted here (token-usage.ts). */
  tokensCounted: boolean;
}

/** How a stream ended: its usage (reported, or counted when the provider sent none) and cost. */
export interface StreamOutcome {
  usage: ChatCompletion['usage'];
  costUsd: number;
  tokensCounted: boolean;
}

export interface CallerScope {
  keyName: string;
  /** This caller's route weights, when its key has its own (LLM_KEY_ROUTE_WEIGHTS). */
  weights?: RouteWeights | undefined;
  /** The caller may use this model (its key's allow list; all by default). */
  allowed?: (model: ModelEntry) => boolean;
}

export interface StreamedCompletion {
  meta: CompletionMeta;
  chunks: AsyncGenerator<ChatChunk>;
  /** Resolves once the stream ended: its usage (counted when the provider reported none) and cost. */
  finished: Promise<StreamOutcome>;
}

/**
 * Characters per token assumed when the tokenizer is not run: 3 overestimates Spanish and English
 * prose (about 4 per token with o200k), so a context-window check errs on the safe side.
 */
const CHARACTERS_PER_TOKEN = 3;

function needsOf(request: ChatRequest, classification: Classification | null): Needs {
  const ceiling = maxOutputTokens(request);
  const prompt = classification
    ? classification.features.promptTokens + classification.features.systemTokens
    : Math.ceil(request.messages.reduce((sum, message) => sum + textOf(message.content).length, 0) / CHARACTERS_PER_TOKEN);
  const images = classification
    ? classification.features.images
    : request.messages.some((message) => Array.isArray(message.content) && message.content.some((part) => part.type === 'image_url'));
  return {
    promptTokens: prompt,
    expectedOutputTokens: ceiling ?? EXPECTED_OUTPUT_TOKENS,
    contextTokens: prompt + (ceiling ?? 0),
    tools: (request.tools?.length ?? 0) > 0 && request.tool_choice !== 'none',
    json: request.response_format !== undefined && request.response_format.type !== 'text',
    vision: images,
  };
}

/** A completion replayed as the chunks a stream would have sent. */
export function* chunksOf(completion: ChatCompletion, includeUsage: boolean): Generator<ChatChunk> {
  const head = { id: completion.id, created: completion.created, model: completion.model };
  const { message, finish_reason } = completion.choices[0]!;
  yield chunkOf(head, { role: 'assistant', content: '' });
  if (message.content) yield chunkOf(head, { content: message.content });
  if (message.tool_calls?.length) yield chunkOf(head, { tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) });
  yield chunkOf(head, {}, finish_reason);
  if (includeUsage) yield { ...chunkOf(head, {}), choices: [], usage: completion.usage };
}

export class CompletionService {
  constructor(private readonly deps: CompletionDeps) {}

  /** The model names `/v1/models` lists: the routing names, then every model a configured provider serves. */
  modelNames(): { id: string; ownedBy: string }[] {
    const routed = [AUTO_MODEL, ...Object.keys(TIER_MODELS)].map((id) => ({ id, ownedBy: 'wisphub-gateway' }));
    const served = this.deps.registry.models
      .filter((model) => this.deps.pool.configured(model.provider))
      .map((model) => ({ id: qualifiedName(model), ownedBy: model.provider }));
    return [...routed, ...served];
  }

  /** The classification of an `auto` request; null for the others, which size the request from its characters. */
  async classify(request: ChatRequest): Promise<Classification | null> {
    return request.model === AUTO_MODEL ? (await this.deps.classifier()).classify(request) : null;
  }

  /** The route for a request: its tier (when the gateway picks) and its candidates in order. */
  plan(request: ChatRequest, caller: CallerScope, classification: Classification | null): { tier: Tier | null; candidates: ModelEntry[] } {
    const { registry, pool, options } = this.deps;
    const named = request.model;
    const needs = needsOf(request, classification);
    const context = {
      registry,
      weights: caller.weights ?? options.weights,
      configured: (provider: string) => pool.usable(provider, caller.keyName),
      healthy: (provider: string) => pool.healthy(provider),
      allowed: caller.allowed ?? (() => true),
    };
    let tier: Tier | null = null;
    let plan: RoutePlan;
    if (named === AUTO_MODEL || TIER_MODELS[named]) {
      tier = TIER_MODELS[named] ?? classification!.tier;
      plan = planForTier(tier, needs, context);
    } else {
      const entries = registry.lookup(named).filter((model) => pool.usable(model.provider, caller.keyName));
      const adHoc = entries.length === 0 ? this.unlistedModel(named, caller.keyName) : null;
      plan = planForModel(adHoc ? [adHoc] : entries, needs, context, options.fallbacks);
      if (entries.length === 0 && !adHoc) {
        throw new AppError('model_not_found', {
          message: `El modelo "${named}" no existe o ningún proveedor configurado lo sirve.`,
          details: { model: named },
        });
      }
    }
    this.deps.onRoute?.({
      requested: named,
      tier,
      classification,
      candidates: plan.candidates.map((candidate) => qualifiedName(candidate.model)),
      excluded: plan.excluded,
    });
    if (plan.candidates.length === 0) {
      throw new AppError('provider_unavailable', {
        message: 'Ningún modelo configurado puede atender esta solicitud (revise capacidades, ventana de contexto y permisos de la clave).',
        details: { excluded: plan.excluded },
      });
    }
    return { tier, candidates: plan.candidates.map((candidate) => candidate.model) };
  }

  /**
   * `provider/model` for a model the registry does not list but a configured provider may serve
   * (a new OpenAI model, an Ollama tag): passed through, priced at zero, capabilities assumed.
   */
  private unlistedModel(name: string, keyName: string): ModelEntry | null {
    const slash = name.indexOf('/');
    if (slash <= 0) return null;
    const provider = name.slice(0, slash);
    if (!this.deps.pool.usable(provider, keyName)) return null;
    return {
      id: name.slice(slash + 1),
      provider,
      contextWindow: Number.MAX_SAFE_INTEGER,
      maxOutputTokens: Number.MAX_SAFE_INTEGER,
      inputPerMTok: 0,
      outputPerMTok: 0,
      pricesAsOf: '1970-01-01',
      quality: 0,
      speed: 0,
      capabilities: { tools: true, json: true, vision: true },
    };
  }

  /** The cache key for a deterministic request (null when it is not cached), and the answer already kept under it. */
  private async lookUp(
    request: ChatRequest,
    caller: CallerScope,
    cacheMode: CacheMode,
  ): Promise<{ key: string | null; hit: CachedAnswer | null }> {
    const { cache } = this.deps;
    if (cache === null || !cacheable(request, cacheMode)) return { key: null, hit: null };
    const key = cache.keyOf(request, caller.keyName);
    return { key, hit: await cache.get(key) };
  }

  private hitMeta(hit: CachedAnswer): CompletionMeta {
    const { model, provider } = hit;
    return {
      tier: hit.tier as Tier | null,
      model,
      provider,
      fallbacks: [],
      attempts: [],
      listed: this.listed(provider, model),
      cache: 'hit',
      costUsd: 0,
      tokensCounted: false,
    };
  }

  private servedMeta(
    tier: Tier | null,
    served: ModelEntry,
    attempts: Attempt[],
    cached: boolean,
    costUsd: number,
    tokensCounted = false,
  ): CompletionMeta {
    return {
      tier,
      model: served.id,
      provider: served.provider,
      fallbacks: attempts.slice(0, -1),
      attempts,
      listed: this.listed(served.provider, served.id),
      cache: cached ? 'miss' : 'bypass',
      costUsd,
      tokensCounted,
    };
  }

  private listed(provider: string, model: string): boolean {
    return this.deps.registry.lookup(`${provider}/${model}`).length > 0;
  }

  private failure(error: unknown): never {
    if (error instanceof AttemptsExhausted) {
      const attempts = error.attempts.map(({ model, provider, outcome, status }) => ({ model, provider, outcome, status }));
      if (error.kind === 'rejected')
        throw new AppError('provider_rejected_request', { details: { providerMessage: error.message, attempts } });
      throw new AppError(error.kind === 'timeout' ? 'provider_timeout' : 'provider_unavailable', {
        details: { attempts },
        retryAfterSeconds: 5,
      });
    }
    throw error;
  }

  async complete(
    request: ChatRequest,
    caller: CallerScope,
    cacheMode: CacheMode = 'auto',
    cancel?: Cancellation,
  ): Promise<{ completion: ChatCompletion; meta: CompletionMeta }> {
    const { key, hit } = await this.lookUp(request, caller, cacheMode);
    if (hit) return { completion: hit.completion, meta: this.hitMeta(hit) };
    const { tier, candidates } = this.plan(request, caller, await this.classify(request));
    const {
      value: completion,
      served,
      attempts,
    } = await completeThroughPlan(request, candidates, this.deps.pool, this.deps.options.attempts, caller.keyName, cancel).catch(
      (error: unknown) => this.failure(error),
    );
    const tokensCounted = !reported(completion.usage);
    if (tokensCounted) completion.usage = await countedUsage(request, textOf(completion.choices[0]?.message.content ?? null));
    const cost = costOf(served, completion.usage.prompt_tokens, completion.usage.completion_tokens);
    const meta = this.servedMeta(tier, served, attempts, key !== null, cost, tokensCounted);
    if (key) await this.deps.cache!.set(key, { completion, model: served.id, provider: served.provider, tier });
    return { completion, meta };
  }

  async stream(
    request: ChatRequest,
    caller: CallerScope,
    cacheMode: CacheMode = 'auto',
    cancel?: Cancellation,
  ): Promise<StreamedCompletion> {
    const includeUsage = request.stream_options?.include_usage === true;
    const { key, hit } = await this.lookUp(request, caller, cacheMode);
    if (hit) {
      const replay = async function* () {
        yield* chunksOf(hit.completion, includeUsage);
      };
      return {
        meta: this.hitMeta(hit),
        chunks: replay(),
        finished: Promise.resolve({ usage: hit.completion.usage, costUsd: 0, tokensCounted: false }),
      };
    }
    const { tier, candidates } = this.plan(request, caller, await this.classify(request));
    const {
      value: started,
      served,
      attempts,
    } = await streamThroughPlan(request, candidates, this.deps.pool, this.deps.options.attempts, caller.keyName, cancel).catch(
      (error: unknown) => this.failure(error),
    );
    const meta = this.servedMeta(tier, served, attempts, key !== null, 0);
    const cache = this.deps.cache;
    let settle!: (outcome: StreamOutcome) => void;
    const finished = new Promise<StreamOutcome>((resolve) => {
      settle = resolve;
    });
    const idleMs = this.deps.options.streamIdleTimeoutMs;
    const onComplete = (completion: ChatCompletion) =>
      key && cache ? cache.set(key, { completion, model: served.id, provider: served.provider, tier }) : Promise.resolve(false);
    return { meta, chunks: relay(request, started, served, includeUsage, idleMs, settle, onComplete), finished };
  }
}

/**
 * Passes a started stream on: the usage chunk only when the caller asked for it; the answer
 * reassembled as it goes (for the cache and the price); a silence longer than `idleMs` ends it
 * with a timeout.
 */
async function* relay(
  request: ChatRequest,
  started: StartedStream,
  served: ModelEntry,
  includeUsage: boolean,
  idleMs: number,
  settle: (outcome: StreamOutcome) => void,
  onComplete: (completion: ChatCompletion) => Promise<unknown>,
): AsyncGenerator<ChatChunk> {
  const assembled = new StreamAssembly();
  let usage: ChatCompletion['usage'] | null = null;
  try {
    const emit = function* (chunk: ChatChunk): Generator<ChatChunk> {
      assembled.add(chunk);
      if (chunk.usage) usage = chunk.usage;
      if (chunk.choices.length === 0 && chunk.usage) {
        if (includeUsage) yield chunk;
        return;
      }
      yield includeUsage ? chunk : { ...chunk, usage: undefined };
    };
    for (const chunk of started.head) yield* emit(chunk);
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProviderTimeout(idleMs)), idleMs);
      });
      const next = await Promise.race([started.rest.next(), idle]).finally(() => clearTimeout(timer));
      if (next.done) break;
      yield* emit(next.value);
    }
    const completion = assembled.completion(usage);
    if (completion) await onComplete(completion);
  } finally {
    void started.rest.return?.();
    const spent = usage as ChatCompletion['usage'] | null;
    // A stream cut before its usage chunk was still billed for what it sent: counted here.
    const outcome = reported(spent)
      ? Promise.resolve({ usage: spent, tokensCounted: false })
      : countedUsage(request, assembled.text).then((counted) => ({ usage: counted, tokensCounted: true }));
    void outcome.then(({ usage: final, tokensCounted }) =>
      settle({ usage: final, costUsd: costOf(served, final.prompt_tokens, final.completion_tokens), tokensCounted }),
    );
  }
}

export class ProviderTimeout extends Error {
  constructor(ms: number) {
    super(`the provider sent nothing for ${ms} ms`);
    this.name = 'ProviderTimeout';
  }
}

/** Rebuilds a whole completion from stream chunks (text, tool calls by index, finish reason). */
export class StreamAssembly {
  private id = '';
  private created = 0;
  private model = '';
  /** The answer's text so far. */
  text = '';
  private finish: ChatCompletion['choices'][number]['finish_reason'] | null = null;
  private readonly calls: { id: string; name: string; arguments: string }[] = [];

  add(chunk: ChatChunk): void {
    this.id ||= chunk.id;
    this.created ||= chunk.created;
    this.model ||= chunk.model;
    for (const choice of chunk.choices) {
      if (choice.delta.content) this.text += choice.delta.content;
      for (const call of choice.delta.tool_calls ?? []) {
        const slot = (this.calls[call.index] ??= { id: '', name: '', arguments: '' });
        if (call.id) slot.id = call.id;
        if (call.function?.name) slot.name += call.function.name;
        if (call.function?.arguments) slot.arguments += call.function.arguments;
      }
      if (choice.finish_reason) this.finish = choice.finish_reason;
    }
  }

  /** The completion, or null when the stream ended without a finish reason or usage. */
  completion(usage: ChatCompletion['usage'] | null): ChatCompletion | null {
    if (this.finish === null || usage === null) return null;
    const calls = this.calls
      .filter(Boolean)
      .map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } }));
    return completionOf({ id: this.id, created: this.created, model: this.model }, this.text, calls, this.finish, usage);
  }
}
