import type { CacheResult } from '../upstream/swr-cache';
import type { MemoSources, RequestReport } from './context';

export type { MemoSources };

/**
 * How a cacheable query records what it read, so its answer can be memoised against those cache
 * entries (http/response-memo.ts). Imports no tRPC: the areas below the routers use it too.
 */

/** Records that an answer was computed from this cache read (the result names its own cache and key). */
export function readFrom<V>(ctx: { memo?: MemoSources; report: RequestReport }, result: CacheResult<V>): V {
  if (ctx.report.cacheState !== 'stale' && ctx.report.cacheState !== 'miss') ctx.report.cacheState = result.state;
  if (ctx.memo) {
    ctx.memo.deps.push({ cache: result.source.cache, key: result.source.key, version: result.version });
    if (result.state === 'stale') ctx.memo.memoizable = false;
  }
  return result.value;
}
