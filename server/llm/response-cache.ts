/**
 * The response cache: exact match on the normalised request, for deterministic requests only
 * (temperature 0, or a caller that asks), scoped to the caller's key unless shared on purpose.
 * In memory by default; in Redis with REDIS_URL (the store is handed in, so llm/ never imports
 * Redis). A cached completion is served again whole, or replayed as a stream.
 */

import { createHash } from 'node:crypto';
import { TTLCache } from '@isaacs/ttlcache';
import type { ChatCompletion, ChatRequest } from './chat';

/** Where cached answers live: this process, or a store every instance shares. */
export interface CacheStore {
  get(key: string): Promise<string | null> | string | null;
  set(key: string, value: string, ttlMs: number): Promise<void> | void;
}

export function memoryCacheStore(maxEntries: number): CacheStore {
  const entries = new TTLCache<string, string>({ max: maxEntries, ttl: 60_000 });
  return {
    get: (key) => entries.get(key) ?? null,
    set: (key, value, ttlMs) => {
      entries.set(key, value, { ttl: ttlMs });
    },
  };
}

export type CacheMode = 'auto' | 'force' | 'off';

export interface CachedAnswer {
  completion: ChatCompletion;
  /** Where it was served from the first time. */
  model: string;
  provider: string;
  tier: string | null;
}

/** The fields that decide the answer, in a fixed order; `stream`, `user` and stream options do not. */
export function normalisedRequest(request: ChatRequest): string {
  const { model, messages, temperature, top_p, max_tokens, max_completion_tokens, stop, tools, tool_choice, response_format, seed } =
    request;
  return JSON.stringify([
    model,
    messages,
    temperature ?? null,
    top_p ?? null,
    max_completion_tokens ?? max_tokens ?? null,
    stop ?? null,
    tools ?? null,
    tool_choice ?? null,
    response_format ?? null,
    seed ?? null,
  ]);
}

/** Deterministic enough to answer twice the same: temperature 0, or the caller asked. */
export function cacheable(request: ChatRequest, mode: CacheMode): boolean {
  if (mode === 'off') return false;
  if (mode === 'force') return true;
  return request.temperature === 0;
}

export class ResponseCache {
  constructor(
    private readonly store: CacheStore,
    private readonly options: { ttlMs: number; maxEntryBytes: number; shared: boolean },
  ) {}

  /** The key: a hash of the scope (the caller's key name unless shared) and the normalised request. */
  keyOf(request: ChatRequest, callerKey: string): string {
    const scope = this.options.shared ? '*' : callerKey;
    return createHash('sha256').update(scope).update('\0').update(normalisedRequest(request)).digest('base64url');
  }

  async get(key: string): Promise<CachedAnswer | null> {
    try {
      const text = await this.store.get(key);
      return text ? (JSON.parse(text) as CachedAnswer) : null;
    } catch {
      // A cache that fails is a miss, never an error.
      return null;
    }
  }

  async set(key: string, answer: CachedAnswer): Promise<boolean> {
    const text = JSON.stringify(answer);
    if (Buffer.byteLength(text) > this.options.maxEntryBytes) return false;
    try {
      await this.store.set(key, text, this.options.ttlMs);
      return true;
    } catch {
      return false;
    }
  }
}
