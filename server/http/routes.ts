/**
 * The route table: which handler answers a path, on which surface, under which label. The
 * listener finds a route here and runs it; nothing else decides where a request goes.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { Conversations } from '../agent/conversations';
import { readProfile, SHIPPED_PROFILE } from '../agent/profile';
import { AgentTurnRunner, type TurnHands } from '../agent/turn';
import { META_WEBHOOK_PATH } from '../channels/meta/webhook';
import { TWILIO_STATUS_PATH, TWILIO_WEBHOOK_PATH } from '../channels/twilio/webhook';
import { AppError, allowedMethodsOf, methodNotAllowed, toErrorPayload } from '../errors';
import { ApiKeyRegistry } from '../guards/api-keys';
import { endUserDigest } from '../llm/usage/entry';
import { createMcpHttpHandler } from '../mcp/http';
import { logProcedureError } from '../observability/logger';
import { procedureLabel, type ServiceMetrics } from '../observability/metrics';
import type { AgentSurface } from '../openai/agent-turns';
import { sendOpenAiError } from '../openai/errors';
import { createV1Handler, V1_PREFIX } from '../openai/handler';
import { REST_BASE_PATH } from '../rest/base-path';
import { createRestHandler, sendError } from '../rest/handler';
import { buildOpenApiDocument } from '../rest/openapi';
import { cacheableProcedures, compileRoutes } from '../rest/routes';
import { appRouter } from '../routers/_app';
import type { Services } from '../services';
import { toolDefinitions } from '../tools/definitions';
import type { RequestContext } from '../trpc/context';
import { createCallerFactory, tagRequestId, trpcErrorShape } from '../trpc/init';
import { atProcedurePath } from '../trpc/procedure-path';
import { createAdminHandler } from './admin';
import { createChannelRoutes } from './channels';
import { CONSOLE_PREFIX, createConsole } from './console/handler';
import { DOCS_CSP, docsAsset } from './docs-page';
import { createFastPath } from './fast-path';
import { rateLimitEntries, TRPC_VARY } from './headers';
import { sendJson } from './io';
import type { Readiness } from './readiness';
import { SERVICE_VERSION } from './version';

export type Surface = 'trpc' | 'rest' | 'service' | 'v1';

/** Metric and log label of a request no route or procedure claims. */
export const UNMATCHED = 'unmatched';

export interface RoutedRequest {
  req: IncomingMessage;
  res: ServerResponse;
  ctx: RequestContext;
  path: string;
  query: URLSearchParams;
  /** The common headers (see headers.ts), already set on `res` for `serve`. */
  headers: string[];
}

export interface Route {
  surface: Surface;
  /** Metric and log label until a procedure is known. */
  label: string;
  /** Read-only service routes: any method but GET (and HEAD, served as GET) is a 405. */
  readOnly: boolean;
  /** Every request needs a valid key, checked from the headers before any body is read (key-gate.ts). */
  keyed?: boolean;
  /** Answers a refusal at the door in this surface's error shape (the REST one when absent). */
  refuse?: (res: ServerResponse, error: AppError, requestId: string) => void;
  /** Answers a GET from the response memo, writing `headers` itself; false to take `serve`. */
  fast?: (request: RoutedRequest) => boolean | Promise<boolean>;
  serve(request: RoutedRequest): void | Promise<void>;
}

export type { Readiness };

export interface RouteDeps {
  services: Services;
  metrics: ServiceMetrics;
  readiness: () => Readiness;
}

const TRPC_PREFIX = '/trpc/';
const TRPC_METHODS = ['GET', 'HEAD', 'POST'];

/** An error answered on /trpc before the adapter runs, in tRPC's own error shape (superjson-wrapped). */
function sendTrpcError(res: ServerResponse, error: AppError, requestId: string): void {
  const payload = toErrorPayload(error, requestId);
  const allowed = allowedMethodsOf(error);
  const headers: Record<string, string> = allowed ? { allow: allowed.join(', ') } : {};
  sendJson(res, payload.status, { error: { json: trpcErrorShape(payload, error.code, null) } }, headers);
}

export function createRouteTable({ services, metrics, readiness }: RouteDeps) {
  const startedAt = Date.now();
  // A receipt travels in base64 (4 bytes per 3) beside a few small fields.
  const largestFile = Math.max(services.config.RECEIPT_MAX_BYTES, services.config.ATTACHMENT_MAX_BYTES);
  const uploadLimitBytes = Math.ceil((largestFile * 4) / 3) + 64 * 1024;
  const restRoutes = compileRoutes(appRouter);
  const uploadProcedures = new Set(restRoutes.filter((route) => route.multipartFile).map((route) => route.procedurePath));
  const createCaller = createCallerFactory(appRouter);
  // The one list of tools: MCP serves it, the agent offers its bot-role part.
  const tools = toolDefinitions(appRouter);
  const procedureNames = new Set(Object.keys(appRouter._def.procedures));
  const fastPath = createFastPath({
    routes: restRoutes,
    cacheableProcedures: cacheableProcedures(appRouter),
  });
  const rest = createRestHandler({
    routes: restRoutes,
    createCaller: (ctx) => createCaller(ctx) as unknown as Record<string, unknown>,
    bodyLimitBytes: services.config.BODY_LIMIT_BYTES,
    uploadLimitBytes,
  });
  // Admin keys: /admin/* and /metrics; metrics keys: /metrics only.
  const adminKeys = ApiKeyRegistry.forAdmins(services.config, services.apiKeys.usesDevelopmentKey);
  const metricsKeys = new ApiKeyRegistry(services.config.METRICS_API_KEYS, false);
  const handleAdmin = createAdminHandler(services, adminKeys);
  const handleConsole = createConsole({ services, metrics, admins: adminKeys, readiness });
  let openApiJson: Promise<string> | null = null;

  /** One procedure's name, "batch" for several known ones, UNMATCHED when any is unknown. */
  const trpcLabel = (procedurePath: string): string => {
    const names = procedurePath.split(',');
    return names.every((name) => procedureNames.has(name)) ? procedureLabel(names) : UNMATCHED;
  };

  const trpc: Route = {
    surface: 'trpc',
    label: UNMATCHED,
    readOnly: false,
    keyed: true,
    refuse: sendTrpcError,
    fast: ({ res, ctx, path, query, headers }) => fastPath.trpc(res, ctx, path, query, headers),
    serve: async ({ req, res, ctx, path }) => {
      const procedurePath = path.slice(TRPC_PREFIX.length);
      ctx.report.procedure = trpcLabel(procedurePath);
      // tRPC answers GET (queries, subscriptions) and POST (mutations); other methods never reach the adapter.
      if (req.method !== 'GET' && req.method !== 'POST') {
        return sendTrpcError(res, methodNotAllowed(TRPC_METHODS), ctx.requestId);
      }
      await nodeHTTPRequestHandler({
        router: appRouter,
        req,
        res,
        path: procedurePath,
        // Only a call to a procedure that takes a file may send one.
        maxBodySize: procedurePath.split(',').some((name) => uploadProcedures.has(name))
          ? uploadLimitBytes
          : services.config.BODY_LIMIT_BYTES,
        createContext: () => ctx,
        responseMeta: () => ({
          headers: ctx.report.rateLimit ? new Headers([['vary', 'Origin'], ...rateLimitEntries(ctx.report.rateLimit)]) : TRPC_VARY,
        }),
        onError: ({ error, path: procedure }) => {
          // Errors raised before the context exists (415, a malformed batch) still carry this request's id.
          tagRequestId(error, ctx.requestId);
          logProcedureError(services.logger, ctx.requestId, procedure ?? null, error);
        },
      });
    },
  };

  const restApi: Route = {
    surface: 'rest',
    label: UNMATCHED,
    readOnly: false,
    keyed: true,
    fast: ({ req, res, ctx, path, query, headers }) => fastPath.rest(req, res, ctx, path, query, headers),
    serve: ({ req, res, ctx, path, query }) => rest(req, res, path.slice(REST_BASE_PATH.length) || '/', query, ctx),
  };

  const docs: Route = {
    surface: 'service',
    label: '/docs',
    readOnly: true,
    serve: ({ res, ctx, path }) => {
      const asset = docsAsset(path);
      if (!asset) return sendError(res, new AppError('route_not_found'), ctx.requestId);
      res.writeHead(200, {
        'content-type': asset.contentType,
        'content-security-policy': DOCS_CSP,
        'cache-control': path.includes('/assets/') ? 'public, max-age=86400' : 'no-cache',
      });
      res.end(asset.body);
    },
  };

  const admin: Route = {
    surface: 'service',
    label: 'admin',
    readOnly: false,
    serve: ({ req, res, ctx, path, query }) => {
      ctx.report.procedure = 'admin';
      return handleAdmin(req, res, path, ctx, query);
    },
  };

  // Not keyed: the page signs in with an admin key once, then a session cookie (console/sessions.ts).
  const consoleRoute: Route = {
    surface: 'service',
    label: '/console',
    readOnly: false,
    serve: ({ req, res, ctx, path }) => handleConsole(req, res, path, ctx),
  };

  const serviceRoute = (path: string, serve: Route['serve']): [string, Route] => [
    path,
    { surface: 'service', label: path, readOnly: true, serve },
  ];

  const handleMcp = createMcpHttpHandler({
    router: appRouter,
    tools,
    createCaller: (ctx) => createCaller(ctx) as unknown as Record<string, unknown>,
    bodyLimitBytes: uploadLimitBytes,
  });
  const mcp: Route = {
    surface: 'service',
    label: 'mcp',
    readOnly: false,
    keyed: true,
    serve: ({ req, res, ctx }) => handleMcp(req, res, ctx),
  };

  const exact = new Map<string, Route>([
    ['/mcp', mcp],
    serviceRoute('/health', ({ res }) => sendJson(res, 200, { status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) })),
    serviceRoute('/ready', ({ res }) => {
      const state = readiness();
      sendJson(res, state.ready ? 200 : 503, state.body, state.ready ? {} : { 'retry-after': '5' });
    }),
    serviceRoute('/openapi.json', async ({ res, ctx }) => {
      openApiJson ??= buildOpenApiDocument(appRouter, SERVICE_VERSION).then((document) => JSON.stringify(document));
      let json: string;
      try {
        json = await openApiJson;
      } catch (error) {
        openApiJson = null; // the next request tries again
        services.logger.error({ requestId: ctx.requestId, err: error }, 'OpenAPI generation failed');
        return sendError(res, error, ctx.requestId);
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(json);
    }),
    serviceRoute('/metrics', async ({ res, ctx }) => {
      // Admin or metrics keys only (Prometheus `authorization: { credentials: <key> }`): the
      // series name every key and its traffic, which no bot or operator key may read.
      const presented = ctx.presentedApiKey;
      if (!presented) return sendError(res, new AppError('api_key_missing'), ctx.requestId);
      const admin = adminKeys.identify(presented);
      const scraper = admin === null ? metricsKeys.identify(presented) : null;
      if (admin === null && scraper === null) {
        const business = services.apiKeys.identify(presented);
        return sendError(
          res,
          business === null
            ? new AppError('api_key_invalid')
            : new AppError('forbidden_for_key', {
                message: 'Las métricas solo se leen con una clave de administración o de métricas.',
                details: { requiredRole: 'admin', keyRole: business.role },
              }),
          ctx.requestId,
        );
      }
      ctx.report.keyName = admin ? `admin:${admin.name}` : `metrics:${scraper!.name}`;
      const text = await metrics.registry.metrics();
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(text);
    }),
  ]);

  const conversations = new Conversations(services.shelf, services.config.AGENT_CONVERSATION_IDLE_S * 1000);
  const agentProfile = services.config.AGENT_PROFILE_FILE ? readProfile(services.config.AGENT_PROFILE_FILE) : SHIPPED_PROFILE;
  const agent: AgentSurface = {
    runner: new AgentTurnRunner({
      completions: services.llm.completions,
      tools,
      conversations,
      profile: agentProfile,
      limits: {
        maxToolCalls: services.config.AGENT_MAX_TOOL_CALLS,
        maxModelCalls: services.config.AGENT_MAX_MODEL_CALLS,
        deadlineMs: services.config.AGENT_TURN_DEADLINE_MS,
        maxTokensPerConversation: services.config.AGENT_MAX_TOKENS_PER_CONVERSATION,
        maxTokensPerDay: services.config.AGENT_MAX_TOKENS_PER_DAY,
      },
      today: () => services.books.usage.day(),
    }),
    handsFor: (ctx, endUser) => {
      let calls = 0;
      const runProcedure: TurnHands['runProcedure'] = (tool, input, verificationToken) => {
        calls += 1;
        // The agent's tool calls run as any bot's would: the caller's key, its end user, the procedures' rules.
        const toolCtx: RequestContext = {
          ...ctx,
          endUser,
          surface: 'agent',
          requestId: `${ctx.requestId}:agent:${calls}`,
          presentedVerification: verificationToken,
          report: { keyName: null, cacheState: null, procedure: tool.procedurePath },
        };
        return atProcedurePath<(input: unknown) => Promise<unknown>>(createCaller(toolCtx) as never, tool.procedurePath)(input);
      };
      const recordConsent = async (version: string) => {
        const caller = ctx.caller!;
        const id = await services.audit.record({
          action: 'consent.accept',
          keyName: caller.name,
          role: caller.role,
          requestId: ctx.requestId,
          serviceId: null,
          invoiceId: null,
          amount: null,
          reference: version,
          endUser: endUserDigest(endUser),
        });
        await services.audit.settle(id, 'confirmed');
      };
      return { runProcedure, recordConsent };
    },
  };
  const serveV1 = createV1Handler({
    completions: services.llm.completions,
    agent,
    bodyLimitBytes: services.config.LLM_BODY_LIMIT_BYTES,
    logger: services.logger,
    metrics,
    books: services.books,
    keyWeights: services.config.LLM_KEY_ROUTE_WEIGHTS,
  });
  const channels = createChannelRoutes({
    services,
    metrics,
    agent,
    accounting: { metrics, books: services.books, logger: services.logger },
  });
  // Not keyed: Twilio signs its requests (X-Twilio-Signature), checked before anything runs.
  const channelRoute = (label: string, serve: Route['serve']): Route => ({ surface: 'service', label, readOnly: false, serve });
  const twilioWebhook = channelRoute(TWILIO_WEBHOOK_PATH, ({ req, res, ctx }) => channels.twilioWebhook(req, res, ctx));
  const twilioStatus = channelRoute(TWILIO_STATUS_PATH, ({ req, res }) => channels.twilioStatus(req, res));
  const metaWebhook = channelRoute(META_WEBHOOK_PATH, ({ req, res, ctx }) => channels.metaWebhook(req, res, ctx));

  const v1: Route = {
    surface: 'v1',
    label: UNMATCHED,
    readOnly: false,
    keyed: true,
    refuse: sendOpenAiError,
    serve: ({ req, res, ctx, path }) => serveV1(req, res, path, ctx),
  };

  /** Prefix routes, in the order they are tried. */
  const mounted: [matches: (path: string) => boolean, route: Route][] = [
    [(path) => path.startsWith(TRPC_PREFIX), trpc],
    [(path) => path === REST_BASE_PATH || path.startsWith(`${REST_BASE_PATH}/`), restApi],
    [(path) => path === '/docs' || path.startsWith('/docs/'), docs],
    [(path) => path.startsWith('/admin/'), admin],
    [(path) => path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`), consoleRoute],
    [(path) => path.startsWith(V1_PREFIX), v1],
  ];

  exact.set(TWILIO_WEBHOOK_PATH, twilioWebhook);
  exact.set(TWILIO_STATUS_PATH, twilioStatus);
  exact.set(META_WEBHOOK_PATH, metaWebhook);

  return {
    find(path: string): Route | null {
      const route = exact.get(path);
      if (route) return route;
      for (const [matches, candidate] of mounted) if (matches(path)) return candidate;
      return null;
    },
  };
}
