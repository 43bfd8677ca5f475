/** The LLM response cache in Redis, so every instance answers a repeated deterministic request from one entry. */

import type { CacheStore } from '../llm/response-cache';
import type { RedisLink } from './redis-link';

export function sharedLlmCache(link: RedisLink): CacheStore {
  return {
    get: (key) =>
      link.attempt(
        'llm cache read',
        (redis) => redis.get(link.key(`llm:cache:${key}`)),
        () => null,
      ),
    set: (key, value, ttlMs) =>
      link.attempt(
        'llm cache write',
        async (redis) => {
          await redis.set(link.key(`llm:cache:${key}`), value, 'PX', ttlMs);
        },
        () => undefined,
      ),
  };
}
