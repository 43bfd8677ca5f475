/** Builds the LLM half's request path from settings: registry, classifier rules, provider pool, cache. */

import { readFileSync } from 'node:fs';
import type { Config } from '../config/settings';
import type { BreakerState } from '../upstream/circuit-breaker';
import { Classifier, type ClassifierRules, loadTokenCounter, SHIPPED_CLASSIFIER_RULES } from './classifier';
import { CompletionService, type RouteDecision } from './completions';
import { type ProviderConfig, ProviderPool } from './provider-pool';
import { ModelRegistry, type RegistryData, readRegistryFile, SHIPPED_REGISTRY } from './registry';
import { type CacheStore, memoryCacheStore, ResponseCache } from './response-cache';

export interface LlmSetup {
  completions: CompletionService;
  registry: ModelRegistry;
  pool: ProviderPool;
}

/** The registry and classifier rules the settings name, read (and checked) before anything starts. */
export interface LlmSources {
  registry: RegistryData;
  rules: ClassifierRules;
}

export function readLlmSources(config: Pick<Config, 'LLM_REGISTRY_FILE' | 'LLM_CLASSIFIER_RULES_FILE'>): LlmSources {
  return {
    registry: config.LLM_REGISTRY_FILE ? readRegistryFile(config.LLM_REGISTRY_FILE) : SHIPPED_REGISTRY,
    rules: config.LLM_CLASSIFIER_RULES_FILE
      ? Classifier.parseRules(JSON.parse(readFileSync(config.LLM_CLASSIFIER_RULES_FILE, 'utf8')))
      : SHIPPED_CLASSIFIER_RULES,
  };
}

/** The classifier, built once on first use with the tokenizer loaded then. */
function lazyClassifier(rules: ClassifierRules): () => Promise<Classifier> {
  let built: Promise<Classifier> | null = null;
  return () => {
    built ??= loadTokenCounter().then((count) => new Classifier(rules, count));
    return built;
  };
}

export interface LlmSetupOptions {
  sources: LlmSources;
  providers: readonly ProviderConfig[];
  /** Where cached answers live; this process's memory when absent. */
  cacheStore?: CacheStore;
  onRoute?: (decision: RouteDecision) => void;
  onBreakerChange?: (provider: string, state: BreakerState) => void;
}

export function createLlmSetup(config: Config, options: LlmSetupOptions): LlmSetup {
  const registry = new ModelRegistry(options.sources.registry);
  const rules = options.sources.rules;
  const pool = new ProviderPool(options.providers, {
    breakerThreshold: config.LLM_BREAKER_THRESHOLD,
    breakerCooldownMs: config.LLM_BREAKER_COOLDOWN_MS,
    ...(options.onBreakerChange ? { onBreakerChange: options.onBreakerChange } : {}),
  });
  const cache =
    config.LLM_CACHE === 'on'
      ? new ResponseCache(options.cacheStore ?? memoryCacheStore(config.LLM_CACHE_MAX_ENTRIES), {
          ttlMs: config.LLM_CACHE_TTL_S * 1000,
          maxEntryBytes: config.LLM_CACHE_MAX_ENTRY_BYTES,
          shared: config.LLM_CACHE_SHARED,
        })
      : null;
  const completions = new CompletionService({
    registry,
    classifier: lazyClassifier(rules),
    pool,
    cache,
    options: {
      attempts: {
        retries: config.LLM_RETRIES,
        retryBaseMs: config.LLM_RETRY_BASE_MS,
        maxRetryAfterMs: config.LLM_MAX_RETRY_AFTER_MS,
        firstTokenTimeoutMs: config.LLM_FIRST_TOKEN_TIMEOUT_MS,
        deadlineMs: config.LLM_DEADLINE_MS,
      },
      weights: config.LLM_ROUTE_WEIGHTS,
      fallbacks: config.LLM_FALLBACKS,
      streamIdleTimeoutMs: config.LLM_STREAM_IDLE_TIMEOUT_MS,
    },
    ...(options.onRoute ? { onRoute: options.onRoute } : {}),
  });
  return { completions, registry, pool };
}
