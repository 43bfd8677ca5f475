import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { sendJson } from './http-io';
import { buildOpenApiDocument, REST_BASE_PATH } from './openapi';
import { createRestHandler, sendError } from './rest/handler';
import { appRouter } from './router';
import { AppError } from './errors';
import { createCallerFactory, type RequestContext, type Services } from './trpc';

/** One request listener for every route: /trpc, /api/v1, /openapi.json and /health. */

const REQUEST_ID = /^[\w.:-]{1,128}$/;
export const SERVICE_VERSION = '0.1.0';

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function presentedKey(req: IncomingMessage): string | null {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const authorization = req.headers.authorization;
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i);
  return bearer?.[1] ?? null;
}

export function createRequestListener(services: Services) {
  const createCaller = createCallerFactory(appRouter);
  const rest = createRestHandler({
    router: appRouter,
    createCaller: (ctx) => createCaller(ctx) as unknown as Record<string, unknown>,
    bodyLimitBytes: services.config.BODY_LIMIT_BYTES,
  });
  let openApiJson: string | null = null;
  const startedAt = Date.now();

  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const ctx: RequestContext = {
      services,
      requestId,
      surface: path.startsWith('/trpc') ? 'trpc' : 'rest',
      presentedApiKey: presentedKey(req),
      report: { keyName: null, cacheState: null },
    };
    res.once('finish', () => {
      services.logger.info(
        {
          requestId,
          method: req.method,
          path,
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 10) / 10,
          key: ctx.report.keyName,
          cache: ctx.report.cacheState,
        },
        'request',
      );
    });

    if (path === '/health') {
      sendJson(res, 200, { status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
      return;
    }
    if (path === '/openapi.json') {
      openApiJson ??= JSON.stringify(buildOpenApiDocument(appRouter, SERVICE_VERSION));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(openApiJson);
      return;
    }
    if (path.startsWith('/trpc/')) {
      void nodeHTTPRequestHandler({
        router: appRouter,
        req,
        res,
        path: path.slice('/trpc/'.length),
        maxBodySize: services.config.BODY_LIMIT_BYTES,
        createContext: () => ctx,
        onError: ({ error, path: procedure }) => {
          if (error.code === 'INTERNAL_SERVER_ERROR') services.logger.error({ requestId, procedure, err: error.cause ?? error }, 'procedure failed');
        },
      });
      return;
    }
    if (path === REST_BASE_PATH || path.startsWith(`${REST_BASE_PATH}/`)) {
      void rest(req, res, path.slice(REST_BASE_PATH.length) || '/', url.searchParams, ctx).catch((error: unknown) => {
        services.logger.error({ requestId, err: error }, 'REST handler failed');
        if (!res.headersSent) sendError(res, error, requestId);
      });
      return;
    }
    sendError(res, new AppError('route_not_found'), requestId);
  };
}
