/** The one tRPC instance: context, meta (OpenAPI + our REST meta), superjson, and the error shape. */

import { initTRPC, TRPCError } from '@trpc/server';
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { appErrorOf, type ErrorPayload, toErrorPayload } from '../errors';
import type { RestMeta } from '../rest/routes';
import type { RequestContext } from './context';

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
      return trpcErrorShape(
        toErrorPayload(error, ctx?.requestId ?? requestIdsOfErrors.get(error) ?? null),
        error.code,
        shape.data.path ?? null,
      );
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * The tRPC edge of the error catalogue: an AppError thrown below (procedures, guards, the gateway)
 * leaves as the TRPCError of its reason's code, so tRPC answers its HTTP status, not a 500.
 */
const appErrorsAsTrpc = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const app = appErrorOf(result.error);
  if (!app || result.error.code === app.code) return result;
  return { ...result, error: new TRPCError({ code: app.code, message: app.message, cause: app }) };
});

export const publicProcedure = t.procedure.use(appErrorsAsTrpc);
