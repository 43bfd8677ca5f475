/**
 * One request listener for every route: it gives each request an id, a context, CORS and the
 * common headers, its log line and metrics; the route table (routes.ts) decides who answers.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, appErrorOf, methodNotAllowed, toErrorPayload } from '../errors';
import { createRequestLog, maskPath } from '../observability/request-log';
import { sendError } from '../rest/handler';
import type { RequestContext } from '../trpc/context';
import { commonHeaders, preflightHeaders, setHeaders } from './headers';
import { admitKey, clientAddressOf, endUserOf, hasBody, presentedKey } from './key-gate';
import { createRouteTable, type RouteDeps, type RoutedRequest, UNMATCHED } from './routes';

export type { Readiness } from './routes';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const READ_METHODS = ['GET', 'HEAD'];

export interface ListenerDeps extends RouteDeps {
  /** Requests being served, for graceful shutdown. */
  activity: { inFlight: number };
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function headerText(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

export function createRequestListener({ services, metrics, readiness, activity }: ListenerDeps) {
  const routes = createRouteTable({ services, metrics, readiness });
  const allowedOrigins = new Set(services.config.CORS_ORIGINS.map((origin) => new URL(origin).origin));
  const logRequest = createRequestLog(services.logger);

  /**
   * Whatever a handler throws, before or after the response: logged once, answered with the
   * error contract while the response can still be written, the connection closed otherwise.
   * No request can stop the process.
   */
  const failSafely = (res: ServerResponse, requestId: string, error: unknown): void => {
    try {
      // Our own refusals (AppError) are answers, not faults: only the unexpected is logged.
      const app = appErrorOf(error);
      if (!app) services.logger.error({ requestId, err: error }, 'request handler failed');
      else if (app.reason === 'request_aborted') services.logger.info({ requestId }, 'the caller aborted the request body');
      if (!res.headersSent) sendError(res, error instanceof URIError ? new AppError('invalid_input') : error, requestId);
      else if (!res.writableEnded) res.destroy();
    } catch {
      res.destroy();
    }
  };

  /** Runs a handler that may throw or reject; either way the request is answered. */
  const runSafely = (res: ServerResponse, requestId: string, handler: () => void | Promise<void>): void => {
    try {
      const pending = handler();
      if (pending) pending.catch((error: unknown) => failSafely(res, requestId, error));
    } catch (error) {
      failSafely(res, requestId, error);
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
    const query = new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1));
    const method = req.method ?? 'GET';
    // HEAD is GET without a body (node:http drops the body of a HEAD answer): same headers, same status, on every route.
    if (method === 'HEAD') req.method = 'GET';
    const route = routes.find(path);
    const surface = route?.surface ?? 'service';
    let endUser: string | null = null;
    let headerProblem: unknown = null;
    try {
      endUser = endUserOf(req);
    } catch (error) {
      headerProblem = error;
    }
    const ctx: RequestContext = {
      services,
      requestId,
      surface: surface === 'trpc' ? 'trpc' : 'rest',
      presentedApiKey: presentedKey(req),
      connection: req.socket,
      presentedVerification: headerText(req, 'x-verification-token'),
      endUser,
      report: { keyName: null, cacheState: null, procedure: null },
    };
    activity.inFlight++;
    res.once('close', () => {
      activity.inFlight--;
      try {
        const seconds = (performance.now() - started) / 1000;
        const procedure = ctx.report.procedure ?? route?.label ?? UNMATCHED;
        metrics.observeRequest(surface, procedure, res.statusCode, seconds, ctx.report.keyName);
        logRequest({
          requestId,
          method,
          surface,
          path: maskPath(path),
          procedure: ctx.report.procedure,
          status: res.statusCode,
          ms: Math.round(seconds * 10_000) / 10,
          key: ctx.report.keyName,
          cache: ctx.report.cacheState,
        });
      } catch (error) {
        services.logger.error({ requestId, err: error }, 'request accounting failed');
      }
    });

    const origin = req.headers.origin;
    const corsOrigin = origin && allowedOrigins.has(origin) ? origin : null;
    const headers = commonHeaders(requestId, corsOrigin);
    const routed: RoutedRequest = { req, res, ctx, path, query, headers };

    const serve = (): void =>
      runSafely(res, requestId, () => {
        setHeaders(res, headers);
        if (method === 'OPTIONS') {
          if (corsOrigin) setHeaders(res, preflightHeaders());
          res.writeHead(204);
          res.end();
          return;
        }
        if (!route) return sendError(res, new AppError('route_not_found'), requestId);
        if (route.readOnly && req.method !== 'GET') return sendError(res, methodNotAllowed(READ_METHODS), requestId);
        return route.serve(routed);
      });

    // The key before any body: a refusal here has read nothing, and closes a connection whose body is unread.
    if (route?.keyed && method !== 'OPTIONS') {
      const refuseAtDoor = (error: unknown): void =>
        runSafely(res, requestId, () => {
          setHeaders(res, headers);
          if (hasBody(req)) res.setHeader('connection', 'close');
          const refusal = error instanceof AppError ? error : new AppError('internal_error');
          if (route.refuse) route.refuse(res, refusal, requestId);
          else sendError(res, refusal, requestId);
        });
      let admitted: unknown;
      try {
        if (headerProblem) throw headerProblem;
        admitted = admitKey(ctx, () => clientAddressOf(req, services.config.TRUST_PROXY_HOPS));
      } catch (error) {
        refuseAtDoor(error);
        return;
      }
      if (admitted instanceof Promise) {
        admitted.catch(refuseAtDoor);
        return;
      }
    }

    // Memoised answers to cacheable GETs: every header written at once with the body.
    if (req.method === 'GET' && route?.fast) {
      let answered: boolean | Promise<boolean>;
      try {
        answered = route.fast({ ...routed, headers: [...headers] });
      } catch (error) {
        failSafely(res, requestId, error);
        return;
      }
      if (answered === true) return;
      if (answered === false) return serve();
      answered.then(
        (done) => {
          if (!done) serve();
        },
        (error: unknown) => failSafely(res, requestId, error),
      );
      return;
    }
    serve();
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
