import { AppError } from '../errors';
import type { Dependency } from '../http/response-memo';
import type { CacheResult } from '../wisphub/swr-cache';
import type { RequestContext, RequestReport } from './context';
import { publicProcedure } from './init';

/** The authenticated caller, as protected procedures see it. */
export interface CallerKey {
  /** The configured name of the API key (never the key itself). */
  name: string;
}

/** API key, then the key's rate limit (shared across instances with Redis); used by the middleware and the HTTP fast path. */
export async function authenticate(ctx: RequestContext, calls = 1): Promise<string> {
  if (!ctx.presentedApiKey) throw new AppError('api_key_missing');
  const keyName = ctx.services.apiKeys.identify(ctx.presentedApiKey);
  if (keyName === null) throw new AppError('api_key_invalid');
  ctx.report.keyName = keyName;
  const waitSeconds = await ctx.services.rateLimiter.take(keyName, calls);
  if (waitSeconds > 0) throw new AppError('rate_limited', { retryAfterSeconds: waitSeconds });
  return keyName;
}

/** The cache entries a cacheable query read, so its answer can be memoised against them. */
export interface MemoSources {
  deps: Dependency[];
  /** False once anything was served stale: such an answer is not memoised. */
  memoizable: boolean;
}

/** Records that an answer was computed from this cache read (the result names its own cache and key). */
export function readFrom<V>(ctx: { memo?: MemoSources; report: RequestReport }, result: CacheResult<V>): V {
  if (ctx.report.cacheState !== 'stale' && ctx.report.cacheState !== 'miss') ctx.report.cacheState = result.state;
  if (ctx.memo) {
    ctx.memo.deps.push({ cache: result.source.cache, key: result.source.key, version: result.version });
    if (result.state === 'stale') ctx.memo.memoizable = false;
  }
  return result.value;
}

/** Every business procedure: requires a configured API key. Cacheable queries are memoised. */
export const protectedProcedure = publicProcedure
  .use(async ({ ctx, next }) => {
    const keyName = await authenticate(ctx);
    // Narrowed: every procedure below knows who is calling, without a nullable report field.
    return next({ ctx: { key: { name: keyName } satisfies CallerKey } });
  })
  .use(async ({ ctx, meta, type, path, getRawInput, next }) => {
    if (meta?.cacheable !== true || type !== 'query') return next();
    const memo: MemoSources = { deps: [], memoizable: true };
    const result = await next({ ctx: { memo } });
    if (result.ok && memo.memoizable) ctx.services.memo.store(path, await getRawInput(), result.data, memo.deps);
    return result;
  });
