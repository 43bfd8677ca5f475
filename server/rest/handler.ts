/**
 * The REST surface: routes from procedure meta, input from path + query + JSON body, the
 * procedure called through a tRPC caller (same validation and middlewares as /trpc), and
 * every error in the one error contract.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError, allowedMethodsOf, appErrorOf, methodNotAllowed, toErrorPayload } from '../errors';
import { rateLimitHeaderRecord } from '../http/headers';
import { mediaTypeOf, readJsonBody, readMultipartBody, sendJson } from '../http/io';
import { logProcedureError } from '../observability/logger';
import type { RequestContext } from '../trpc/context';
import { atProcedurePath } from '../trpc/procedure-path';
import { matchRoute, numberFromText, type RestRoute } from './routes';

type Caller = Record<string, unknown>;

export interface RestHandlerOptions {
  /** The compiled route table (compileRoutes), shared with the fast path so it is built once. */
  routes: RestRoute[];
  createCaller: (ctx: RequestContext) => Caller;
  bodyLimitBytes: number;
  /** Body limit of routes that take a file (meta `multipartFile`). */
  uploadLimitBytes: number;
}

/** A multipart upload as the procedure's input: text fields (digits as numbers where the input wants numbers), the file in base64. */
async function multipartInput(req: IncomingMessage, route: RestRoute, limit: number): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of await readMultipartBody(req, limit)) {
    if (PROTOTYPE_KEYS.has(name)) continue;
    if (typeof value === 'string') {
      body[name] =
        route.booleanFields.has(name) && (value === 'true' || value === 'false')
          ? value === 'true'
          : numberFromText(name, value, route.numericFields);
    } else if (name === route.multipartFile)
      body[name] = { contentBase64: Buffer.from(value.bytes).toString('base64'), fileName: value.fileName };
    else throw new AppError('invalid_input', { message: `Solo se acepta un archivo, en el campo ${route.multipartFile}.` });
  }
  return body;
}

export function sendError(res: ServerResponse, error: unknown, requestId: string, extraHeaders: Record<string, string> = {}): void {
  const payload = toErrorPayload(error, requestId);
  const headers: Record<string, string> = { ...extraHeaders };
  const retryAfter = appErrorOf(error)?.retryAfterSeconds;
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  const allowed = allowedMethodsOf(error);
  if (allowed) headers.allow = allowed.join(', ');
  sendJson(res, payload.status, { error: payload }, headers);
}

/** Keys that would reach an object's prototype if assigned: never input. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A procedure's raw input from a REST request: query (GET) or JSON body, then path parameters.
 * Numbers on a path or in a query come from plain digits only; JSON bodies keep their own types.
 */
export function restInput(
  route: RestRoute,
  params: Record<string, string>,
  query: URLSearchParams,
  body: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (!PROTOTYPE_KEYS.has(key)) input[key] = value;
  };
  if (route.method === 'GET') for (const [key, value] of query) put(key, numberFromText(key, value, route.numericFields));
  else if (body) for (const key of Object.keys(body)) put(key, body[key]);
  for (const key of Object.keys(params)) put(key, numberFromText(key, params[key]!, route.numericFields));
  return input;
}

export function createRestHandler(options: RestHandlerOptions) {
  const { routes } = options;

  return async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, ctx: RequestContext): Promise<void> => {
    try {
      const match = matchRoute(routes, req.method ?? 'GET', path);
      if (match === null) throw new AppError('route_not_found');
      if ('allowed' in match) throw methodNotAllowed(match.allowed.includes('GET') ? [...match.allowed, 'HEAD'] : match.allowed);
      const { route, params } = match;
      ctx.report.procedure = route.procedurePath;
      let body: Record<string, unknown> | undefined;
      if (route.method !== 'GET' && route.multipartFile && mediaTypeOf(req) === 'multipart/form-data') {
        body = await multipartInput(req, route, options.uploadLimitBytes);
      } else if (route.method !== 'GET') {
        const parsed = await readJsonBody(req, route.multipartFile ? options.uploadLimitBytes : options.bodyLimitBytes).catch(
          (error: unknown) => {
            if (route.multipartFile && appErrorOf(error)?.reason === 'unsupported_media_type') {
              throw new AppError('unsupported_media_type', {
                message: 'El cuerpo debe enviarse como multipart/form-data o application/json.',
              });
            }
            throw error;
          },
        );
        if (parsed !== undefined && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) {
          throw new AppError('invalid_input', { message: 'El cuerpo debe ser un objeto JSON.' });
        }
        body = { ...(parsed as Record<string, unknown> | undefined) };
      }
      if (body !== undefined) {
        const idempotencyKey = req.headers['idempotency-key'];
        if (route.idempotencyKeyHeader && typeof idempotencyKey === 'string') body.idempotencyKey = idempotencyKey;
      }
      const input = restInput(route, params, query, body);
      const data = await atProcedurePath<(input: unknown) => Promise<unknown>>(options.createCaller(ctx), route.procedurePath)(input);
      const headers: Record<string, string> = { ...ctx.report.responseHeaders, ...rateLimitHeaderRecord(ctx.report.rateLimit) };
      if (ctx.report.cacheState) headers['x-cache'] = ctx.report.cacheState;
      sendJson(res, ctx.report.successStatus ?? route.successStatus, data, headers);
    } catch (error) {
      logProcedureError(ctx.services.logger, ctx.requestId, ctx.report.procedure, error);
      sendError(res, error, ctx.requestId, rateLimitHeaderRecord(ctx.report.rateLimit));
    }
  };
}
