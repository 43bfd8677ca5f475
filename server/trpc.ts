import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { RestMeta } from './rest/routes';
import type { ApiKeyRegistry } from './auth';
import type { Config } from './config';
import type { SubjectCatalogue } from './domain/ticket-subjects';
import type { PendingStore } from './guards/pending-store';
import type { Idempotency } from './idempotency';
import type { PendingTicketRecord } from './routers/tickets.pending';
import type { IdentityGuard } from './identity-guard';
import type { RateLimiter } from './rate-limit';
import type { Mutex } from './redis/redis-lock';
import type { SharedState } from './redis/shared-state';
import { AppError, toErrorPayload, type ErrorPayload } from './errors';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { Logger } from './logger';
import type { WispHubGateway } from './wisphub/gateway';
import type { Dependency, ResponseMemo } from './response-memo';
import type { CacheResult, CacheState, SwrCache } from './wisphub/swr-cache';

/** What every procedure can reach: settings and the gateway, never raw HTTP. */
export interface Services {
  config: Config;
  gateway: WispHubGateway;
  apiKeys: ApiKeyRegistry;
  logger: Logger;
  now: () => Date;
  subjects: SubjectCatalogue;
  extraHolidays: ReadonlySet<string>;
  /** Technician for tickets when the caller names none (config, or the simulator's first). */
  defaultTechnicianId: number | null;
  idempotency: Idempotency;
  /** Ticket creates answered 202 while their upstream outcome is settled (routers/tickets.pending.ts). */
  pendingTickets: PendingStore<PendingTicketRecord>;
  zoneLocks: Mutex;
  rateLimiter: RateLimiter;
  identityGuard: IdentityGuard;
  memo: ResponseMemo;
  /** Redis-backed state shared by every instance; null without REDIS_URL. */
  shared: SharedState | null;
}

export interface RequestContext {
  services: Services;
  requestId: string;
  surface: 'trpc' | 'rest';
  /** The key as presented (X-API-Key), or null. */
  presentedApiKey: string | null;
  /** Filled in while the request runs, read by the HTTP layer for logs and headers. */
  report: RequestReport;
}

/** Shared by reference: tRPC middlewares copy the context object, not this one. */
export interface RequestReport {
  /** The configured name of the caller's key, once authenticated. */
  keyName: string | null;
  /** How a cached read was served, for logs and the REST `X-Cache` header. */
  cacheState: CacheState | null;
  /** The procedure(s) called, for logs and metrics. */
  procedure: string | null;
  /** A REST success status other than the route's own (a create answered 202 while pending). */
  successStatus?: number;
}

/** Request ids of errors raised before a context existed (tRPC formats those with `ctx` undefined). */
const requestIdsOfErrors = new WeakMap<object, string>();

export function tagRequestId(error: object, requestId: string): void {
  requestIdsOfErrors.set(error, requestId);
}

/** The error shape of the tRPC surface (`error.data` carries the one error payload); also used by the listener's own /trpc refusals. */
export function trpcErrorShape(payload: ErrorPayload, code: TRPC_ERROR_CODE_KEY, path: string | null) {
  return { message: payload.message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { ...payload, code, httpStatus: payload.status, path } };
}

const t = initTRPC
  .context<RequestContext>()
  .meta<OpenApiMeta<RestMeta>>()
  .create({
    transformer: superjson,
    isDev: false,
    errorFormatter({ error, ctx, shape }) {
      return trpcErrorShape(toErrorPayload(error, ctx?.requestId ?? requestIdsOfErrors.get(error) ?? null), error.code, shape.data.path ?? null);
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

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

/** Records that an answer was computed from this cache read. */
export function readFrom<V>(ctx: { memo?: MemoSources; report: RequestReport }, cache: SwrCache<V>, key: string, result: CacheResult<V>): V {
  if (ctx.report.cacheState !== 'stale' && ctx.report.cacheState !== 'miss') ctx.report.cacheState = result.state;
  if (ctx.memo) {
    ctx.memo.deps.push({ cache: cache as SwrCache<unknown>, key, version: result.version });
    if (result.state === 'stale') ctx.memo.memoizable = false;
  }
  return result.value;
}

/** Every business procedure: requires a configured API key. Cacheable queries are memoised. */
export const protectedProcedure = t.procedure
  .use(async ({ ctx, next }) => {
    await authenticate(ctx);
    return next();
  })
  .use(async ({ ctx, meta, type, path, getRawInput, next }) => {
    if (meta?.cacheable !== true || type !== 'query') return next();
    const memo: MemoSources = { deps: [], memoizable: true };
    const result = await next({ ctx: { memo } });
    if (result.ok && memo.memoizable) ctx.services.memo.store(path, await getRawInput(), result.data, memo.deps);
    return result;
  });
