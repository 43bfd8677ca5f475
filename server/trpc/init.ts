import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { toErrorPayload, type ErrorPayload } from '../errors';
import type { RestMeta } from '../rest/routes';
import type { RequestContext } from './context';

/** The one tRPC instance: context, meta (OpenAPI + our REST meta), superjson, and the error shape. */

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
