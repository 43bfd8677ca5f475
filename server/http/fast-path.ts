/**
 * Answers GET requests for cacheable queries straight from the response memo, on both surfaces,
 * with the same bytes the full path would send. Authentication, rate limits, logs and metrics
 * still apply. Anything it cannot answer completely (a miss, an error, a stale source) returns
 * false and takes the full path, which then fills the memo.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import superjson from 'superjson';
import { AppError } from '../errors';
import { procedureLabel } from '../observability/metrics';
import { REST_BASE_PATH } from '../rest/base-path';
import { restInput, sendError } from '../rest/handler';
import { matchRoute, type RestRoute } from '../rest/routes';
import type { RequestContext } from '../trpc/context';
import { authenticate, memoAudience } from '../trpc/procedures';
import { rateLimitHeaderRecord, rateLimitHeaders, setHeaders } from './headers';
import type { MemoEntry } from './response-memo';

/** One call's input as tRPC's superjson transformer reads it; the value was just parsed, so in place. */
function deserializeInput(serialized: unknown): unknown {
  return serialized === undefined ? undefined : superjson.deserialize(serialized as never, { inPlace: true });
}

export interface FastPathOptions {
  routes: RestRoute[];
  cacheableProcedures: Set<string>;
}

export function createFastPath({ routes, cacheableProcedures }: FastPathOptions) {
  /**
   * Runs `answer` once the caller is admitted: at once when the limiter is in memory (no promise,
   * no microtask on the hot path), after it when the limiter is shared.
   */
  function whenAdmitted(
    ctx: RequestContext,
    calls: number,
    answer: () => boolean,
    refuse: (error: unknown) => boolean,
  ): boolean | Promise<boolean> {
    let admitted: unknown;
    try {
      admitted = authenticate(ctx, calls);
    } catch (error) {
      return refuse(error);
    }
    return admitted instanceof Promise ? admitted.then(answer, refuse) : answer();
  }

  /** The memo's procedure key for this caller's view; null when its answer must be computed. */
  function memoPath(ctx: RequestContext, procedure: string): string | null {
    const caller = ctx.caller ?? null;
    const audience = caller === null ? null : memoAudience(caller, ctx.presentedVerification);
    return audience === null ? null : `${audience}:${procedure}`;
  }

  function rest(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
    path: string,
    query: URLSearchParams,
    headers: string[],
  ): boolean | Promise<boolean> {
    let match: ReturnType<typeof matchRoute>;
    try {
      match = matchRoute(routes, 'GET', path.slice(REST_BASE_PATH.length) || '/');
    } catch {
      return false; // a malformed path: the full path answers it with the error contract
    }
    if (!match || !('route' in match) || !match.route.cacheable) return false;
    const key = memoPath(ctx, match.route.procedurePath);
    if (key === null) return false;
    const entry = ctx.services.memo.lookup(key, restInput(match.route, match.params, query, undefined));
    if (!entry) return false;
    ctx.report.procedure = match.route.procedurePath;
    const refuse = (error: unknown): boolean => {
      setHeaders(res, headers);
      sendError(
        res,
        error instanceof AppError ? error : new AppError('internal_error'),
        ctx.requestId,
        rateLimitHeaderRecord(ctx.report.rateLimit),
      );
      return true;
    };
    return whenAdmitted(
      ctx,
      1,
      () => {
        ctx.report.cacheState = 'hit';
        headers.push(...rateLimitHeaders(ctx.report.rateLimit));
        if (req.headers['if-none-match'] === entry.etag) {
          res.writeHead(304, [...headers, 'etag', entry.etag, 'x-cache', 'hit']);
          res.end();
          return true;
        }
        headers.push(
          'content-type',
          'application/json; charset=utf-8',
          'content-length',
          String(entry.jsonBytes),
          'etag',
          entry.etag,
          'x-cache',
          'hit',
        );
        res.writeHead(200, headers);
        res.end(entry.json);
        return true;
      },
      refuse,
    );
  }

  function trpc(
    res: ServerResponse,
    ctx: RequestContext,
    path: string,
    query: URLSearchParams,
    headers: string[],
  ): boolean | Promise<boolean> {
    const procedures = path.slice('/trpc/'.length).split(',');
    if (!procedures.every((procedure) => cacheableProcedures.has(procedure))) return false;
    const isBatch = query.get('batch') === '1';
    if (!isBatch && procedures.length !== 1) return false;
    const inputParam = query.get('input');
    let rawInputs: unknown[];
    try {
      // How tRPC derives each call's raw input, so memo keys match the full path's. tRPC's
      // deserialize copies the parsed value; this one is ours alone, so it is used in place.
      const parsed: unknown = inputParam ? JSON.parse(inputParam) : undefined;
      if (isBatch) {
        const byIndex = (parsed ?? {}) as Record<string, unknown>;
        rawInputs = procedures.map((_, index) => deserializeInput(byIndex[index]));
      } else {
        rawInputs = [deserializeInput(parsed)];
      }
    } catch {
      return false;
    }
    const entries: MemoEntry[] = [];
    for (const [index, procedure] of procedures.entries()) {
      const key = memoPath(ctx, procedure);
      const entry = key === null ? null : ctx.services.memo.lookup(key, rawInputs[index]);
      if (!entry) return false;
      entries.push(entry);
    }
    // A refusal takes the full path, which answers with tRPC's own error shape.
    return whenAdmitted(
      ctx,
      procedures.length,
      () => {
        ctx.report.procedure = procedureLabel(procedures);
        ctx.report.cacheState = 'hit';
        // A single call's body and byte length are kept with the answer; a batch is built.
        const single = isBatch ? null : entries[0]!;
        const body = single ? single.trpcBody : `[${entries.map((entry) => entry.trpcBody).join(',')}]`;
        const bytes = single ? single.trpcBodyBytes : Buffer.byteLength(body);
        headers.push('content-type', 'application/json', 'vary', 'trpc-accept, accept', 'content-length', String(bytes));
        headers.push(...rateLimitHeaders(ctx.report.rateLimit));
        res.writeHead(200, headers);
        res.end(body);
        return true;
      },
      () => false,
    );
  }

  return { rest, trpc };
}
