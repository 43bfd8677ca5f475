import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { docsAsset, DOCS_CSP } from './docs-page';
import { allowedMethodsOf, AppError, appErrorOf, methodNotAllowed, toErrorPayload } from '../errors';
import { sendJson } from './io';
import { logProcedureError, maskDigits } from '../observability/logger';
import { procedureLabel, type ServiceMetrics } from '../observability/metrics';
import { buildOpenApiDocument } from '../rest/openapi';
import { REST_BASE_PATH } from '../rest/base-path';
import { createAdminHandler } from './admin';
import { ApiKeyRegistry } from '../guards/api-keys';
import { createFastPath } from './fast-path';
import { createRestHandler, sendError } from '../rest/handler';
import { cacheableProcedures, compileRoutes } from '../rest/routes';
import { appRouter } from '../routers/_app';
import { createCallerFactory, tagRequestId, trpcErrorShape } from '../trpc/init';
import type { RequestContext } from '../trpc/context';
import type { Services } from '../services';

/** One request listener for every route: /trpc, /api/v1, /openapi.json, /docs, /health, /ready, /metrics. */

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const READ_METHODS = ['GET', 'HEAD'];
const TRPC_METHODS = ['GET', 'HEAD', 'POST'];
export const SERVICE_VERSION = '0.1.0';

const JSON_SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};
const CORS_ALLOW_HEADERS = 'content-type, x-api-key, authorization, idempotency-key, x-request-id, trpc-accept';
const CORS_EXPOSE_HEADERS = 'x-request-id, x-cache, retry-after';

export interface Readiness {
  ready: boolean;
  body: Record<string, unknown>;
}

export interface ListenerDeps {
  services: Services;
  metrics: ServiceMetrics;
  readiness: () => Readiness;
  /** Requests being served, for graceful shutdown. */
  activity: { inFlight: number };
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function presentedKey(req: IncomingMessage): string | null {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i);
  return bearer?.[1] ?? null;
}

/** Longest path written to a log line: junk paths of kilobytes stay out of the logs. */
const LOGGED_PATH_MAX = 200;

function decodeForLog(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // a malformed escape is logged as sent
  }
}

/**
 * Paths may carry documents and phone numbers, written with dots, dashes or spaces
 * ("48.043.079.770"): keep only their last digits in logs. Never throws.
 */
export function maskPath(path: string): string {
  const decoded = decodeForLog(path.length > LOGGED_PATH_MAX * 3 ? path.slice(0, LOGGED_PATH_MAX * 3) : path);
  const masked = decoded
    .replace(/(\/by-(?:document|phone)\/)([^/]+)/, (_, prefix: string, value: string) => `${prefix}${maskDigits(value)}`)
    .replace(/\d(?:[\s.-]*\d){5,}/g, (run) => maskDigits(run.replace(/\D/g, '')));
  return masked.length > LOGGED_PATH_MAX ? `${masked.slice(0, LOGGED_PATH_MAX)}…` : masked;
}

/** Metric and log label of a request: a procedure, a route, or one constant for anything unknown. */
const UNMATCHED = 'unmatched';
const SERVICE_ROUTES = new Set(['/health', '/ready', '/metrics', '/openapi.json']);

function serviceLabel(path: string): string {
  if (SERVICE_ROUTES.has(path)) return path;
  if (path === '/docs' || path.startsWith('/docs/')) return '/docs';
  if (path.startsWith('/admin/')) return 'admin';
  return UNMATCHED;
}

/** The headers every JSON answer carries, as a flat [name, value, ...] list for one writeHead call. */
function responseHeaders(requestId: string, corsOrigin: string | null): string[] {
  const headers = ['x-request-id', requestId];
  for (const name in JSON_SECURITY_HEADERS) headers.push(name, JSON_SECURITY_HEADERS[name]!);
  if (corsOrigin)
    headers.push('access-control-allow-origin', corsOrigin, 'vary', 'Origin', 'access-control-expose-headers', CORS_EXPOSE_HEADERS);
  return headers;
}

/** An error answered by the listener itself on /trpc, in tRPC's own error shape (superjson-wrapped). */
function sendTrpcError(res: ServerResponse, error: AppError, requestId: string): void {
  const payload = toErrorPayload(error, requestId);
  const allowed = allowedMethodsOf(error);
  sendJson(
    res,
    payload.status,
    { error: { json: trpcErrorShape(payload, error.code, null) } },
    allowed ? { allow: allowed.join(', ') } : {},
  );
}

export function createRequestListener({ services, metrics, readiness, activity }: ListenerDeps) {
  const createCaller = createCallerFactory(appRouter);
  const procedureNames = new Set(Object.keys(appRouter._def.procedures));
  /** One procedure's name, "batch" for several known ones, UNMATCHED when any is unknown. */
  const trpcLabel = (procedurePath: string): string => {
    const names = procedurePath.split(',');
    return names.every((name) => procedureNames.has(name)) ? procedureLabel(names) : UNMATCHED;
  };
  const rest = createRestHandler({
    router: appRouter,
    createCaller: (ctx) => createCaller(ctx) as unknown as Record<string, unknown>,
    bodyLimitBytes: services.config.BODY_LIMIT_BYTES,
  });
  const fastPath = createFastPath({ routes: compileRoutes(appRouter), cacheableProcedures: cacheableProcedures(appRouter) });
  // Operator keys: /admin/*, and /metrics (which a bot key may also scrape).
  const adminKeys = new ApiKeyRegistry(services.config.ADMIN_API_KEYS, false);
  const handleAdmin = createAdminHandler(services, adminKeys);
  const allowedOrigins = new Set(services.config.CORS_ORIGINS.map((origin) => new URL(origin).origin));
  let openApiJson: Promise<string> | null = null;
  const startedAt = Date.now();

  /**
   * Whatever a handler throws, before or after the response: logged once, answered with the
   * error contract while the response can still be written, the connection closed otherwise.
   * No request can stop the process.
   */
  const failSafely = (res: ServerResponse, requestId: string, error: unknown): void => {
    try {
      // Our own refusals (AppError) are answers, not faults: only the unexpected is logged.
      if (!appErrorOf(error)) services.logger.error({ requestId, err: error }, 'request handler failed');
      if (!res.headersSent) sendError(res, error instanceof URIError ? new AppError('invalid_input') : error, requestId);
      else if (!res.writableEnded) res.destroy();
    } catch {
      res.destroy();
    }
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    let requestId = '-';
    try {
      requestId = requestIdOf(req);
      handle(req, res, requestId);
    } catch (error) {
      failSafely(res, requestId, error);
    }
  };

  function handle(req: IncomingMessage, res: ServerResponse, requestId: string): void {
    const started = performance.now();
    // Split by hand: `new URL()` per request is measurable at these rates.
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const url = { searchParams: new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1)) };
    const method = req.method ?? 'GET';
    // HEAD is GET without a body (node:http drops the body of a HEAD answer): same headers, same status, on every route.
    if (method === 'HEAD') req.method = 'GET';
    const surface = path.startsWith('/trpc/')
      ? 'trpc'
      : path.startsWith(`${REST_BASE_PATH}/`) || path === REST_BASE_PATH
        ? 'rest'
        : 'service';
    const ctx: RequestContext = {
      services,
      requestId,
      surface: surface === 'trpc' ? 'trpc' : 'rest',
      presentedApiKey: presentedKey(req),
      report: { keyName: null, cacheState: null, procedure: null },
    };
    metrics.inFlight.inc();
    activity.inFlight++;
    res.once('close', () => {
      metrics.inFlight.dec();
      activity.inFlight--;
      try {
        const seconds = (performance.now() - started) / 1000;
        const procedure = ctx.report.procedure ?? (surface === 'service' ? serviceLabel(path) : UNMATCHED);
        metrics.observeRequest(surface, procedure, res.statusCode, seconds, ctx.report.keyName);
        services.logger.info(
          {
            requestId,
            method,
            surface,
            path: maskPath(path),
            procedure: ctx.report.procedure,
            status: res.statusCode,
            ms: Math.round(seconds * 10_000) / 10,
            key: ctx.report.keyName,
            cache: ctx.report.cacheState,
          },
          'request',
        );
      } catch (error) {
        services.logger.error({ requestId, err: error }, 'request accounting failed');
      }
    });

    const origin = req.headers.origin;
    const corsOrigin = origin && allowedOrigins.has(origin) ? origin : null;
    // Memoised answers to cacheable GETs: every header written at once with the body.
    const route = (): void => {
      res.setHeader('x-request-id', requestId);
      if (corsOrigin) {
        res.setHeader('access-control-allow-origin', corsOrigin);
        res.setHeader('vary', 'Origin');
        res.setHeader('access-control-expose-headers', CORS_EXPOSE_HEADERS);
      }
      if (method === 'OPTIONS') {
        if (corsOrigin) {
          res.setHeader('access-control-allow-methods', 'GET, POST, PATCH, OPTIONS');
          res.setHeader('access-control-allow-headers', CORS_ALLOW_HEADERS);
          res.setHeader('access-control-max-age', '600');
        }
        res.writeHead(204);
        res.end();
        return;
      }

      if (path === '/docs' || path.startsWith('/docs/')) {
        if (req.method !== 'GET') return sendError(res, methodNotAllowed(READ_METHODS), requestId);
        const asset = docsAsset(path);
        if (!asset) return sendError(res, new AppError('route_not_found'), requestId);
        res.writeHead(200, {
          'content-type': asset.contentType,
          'content-security-policy': DOCS_CSP,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cache-control': path.includes('/assets/') ? 'public, max-age=86400' : 'no-cache',
        });
        res.end(asset.body);
        return;
      }
      for (const [name, value] of Object.entries(JSON_SECURITY_HEADERS)) res.setHeader(name, value);

      const serviceRoute = (handler: () => void) => {
        if (req.method !== 'GET') return sendError(res, methodNotAllowed(READ_METHODS), requestId);
        handler();
      };
      if (path === '/health') {
        return serviceRoute(() => sendJson(res, 200, { status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }));
      }
      if (path === '/ready') {
        return serviceRoute(() => {
          const state = readiness();
          sendJson(res, state.ready ? 200 : 503, state.body, state.ready ? {} : { 'retry-after': '5' });
        });
      }
      if (path === '/openapi.json') {
        return serviceRoute(() => {
          openApiJson ??= buildOpenApiDocument(appRouter, SERVICE_VERSION).then((document) => JSON.stringify(document));
          void openApiJson.then(
            (json) => {
              res.setHeader('cache-control', 'no-cache');
              res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
              res.end(json);
            },
            (error: unknown) => {
              services.logger.error({ requestId, err: error }, 'OpenAPI generation failed');
              sendError(res, error, requestId);
            },
          );
        });
      }
      if (path === '/metrics') {
        return serviceRoute(() => {
          // Operators scrape with a key (Prometheus `authorization: { credentials: <key> }`).
          if (!ctx.presentedApiKey) return sendError(res, new AppError('api_key_missing'), requestId);
          const keyName =
            services.apiKeys.identify(ctx.presentedApiKey) ?? (adminKeys.identify(ctx.presentedApiKey) === null ? null : 'admin');
          if (!keyName) return sendError(res, new AppError('api_key_invalid'), requestId);
          ctx.report.keyName = keyName;
          metrics.registry.metrics().then(
            (text) => {
              res.writeHead(200, { 'content-type': metrics.registry.contentType });
              res.end(text);
            },
            (error: unknown) => failSafely(res, requestId, error),
          );
        });
      }
      if (path.startsWith('/admin/')) {
        ctx.report.procedure = 'admin';
        void handleAdmin(req, res, path, ctx).catch((error: unknown) => {
          if (!appErrorOf(error)) services.logger.error({ requestId, err: error }, 'admin endpoint failed');
          if (!res.headersSent) sendError(res, error, requestId);
        });
        return;
      }
      if (surface === 'trpc') {
        ctx.report.procedure = trpcLabel(path.slice('/trpc/'.length));
        // tRPC answers GET (queries, subscriptions) and POST (mutations); other methods never reach the adapter.
        if (req.method !== 'GET' && req.method !== 'POST') return sendTrpcError(res, methodNotAllowed(TRPC_METHODS), requestId);
        void nodeHTTPRequestHandler({
          router: appRouter,
          req,
          res,
          path: path.slice('/trpc/'.length),
          maxBodySize: services.config.BODY_LIMIT_BYTES,
          createContext: () => ctx,
          onError: ({ error, path: procedure }) => {
            // Errors raised before the context exists (415, a malformed batch) still carry this request's id.
            tagRequestId(error, requestId);
            logProcedureError(services.logger, requestId, procedure ?? null, error);
          },
        }).catch((error: unknown) => failSafely(res, requestId, error));
        return;
      }
      if (surface === 'rest') {
        void rest(req, res, path.slice(REST_BASE_PATH.length) || '/', url.searchParams, ctx).catch((error: unknown) =>
          failSafely(res, requestId, error),
        );
        return;
      }
      sendError(res, new AppError('route_not_found'), requestId);
    };
    const routeSafely = (): void => {
      try {
        route();
      } catch (error) {
        failSafely(res, requestId, error);
      }
    };
    if (req.method === 'GET' && surface !== 'service') {
      const headers = responseHeaders(requestId, corsOrigin);
      const served =
        surface === 'trpc'
          ? fastPath.trpc(res, ctx, path, url.searchParams, headers)
          : fastPath.rest(req, res, ctx, path, url.searchParams, headers);
      served.then(
        (done) => {
          if (!done) routeSafely();
        },
        (error: unknown) => failSafely(res, requestId, error),
      );
      return;
    }
    routeSafely();
  }
}

/**
 * Requests node:http cannot parse (bytes outside the request-line alphabet, oversized headers, a
 * header timeout) never reach the listener: answer them in the same error contract, then close.
 */
export function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Duplex): void {
  // As node's own default handler does: no second answer on a socket whose answer has started
  // (a body after a bodiless TRACE parses as a broken next request).
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
    socket.destroy();
    return;
  }
  const reason = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'invalid_input';
  const payload = toErrorPayload(
    new AppError(reason, reason === 'invalid_input' ? { message: 'La solicitud HTTP está mal formada.' } : {}),
    null,
  );
  const body = JSON.stringify({ error: payload });
  // A HEAD answer has no body; the request line is all we know of the method.
  const isHead = Buffer.isBuffer(error.rawPacket) && error.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.end(
    `HTTP/1.1 ${payload.status} ${payload.status === 408 ? 'Request Timeout' : 'Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${isHead ? '' : body}`,
  );
}
