/**
 * The `/v1` surface: OpenAI's Chat Completions and Models endpoints over the LLM half.
 * Answers in OpenAI's wire format (JSON, or Server-Sent Events ending in `data: [DONE]`), errors
 * in its error shape, and says what happened in `x-wisphub-*` headers: tier, model, provider,
 * fallbacks tried, cache, cost.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AGENT_MODEL } from '../agent/turn';
import { AppError, methodNotAllowed, toFieldIssues } from '../errors';
import { readJsonBody, sendJson } from '../http/io';
import type { Books } from '../llm/books';
import type { CompletionMeta, CompletionService } from '../llm/completions';
import type { CacheMode } from '../llm/response-cache';
import type { RouteWeights } from '../llm/route-policy';
import type { Logger } from '../observability/logger';
import type { ServiceMetrics } from '../observability/metrics';
import type { RequestContext } from '../trpc/context';
import { authenticate } from '../trpc/procedures';
import { Cancellation } from '../upstream/cancellation';
import { type AgentSurface, serveAgentTurn } from './agent-turns';
import {
  type Accounting,
  admitRequest,
  deliverStream,
  factsOf,
  type RequestFacts,
  recordCompletion,
  recordFailure,
} from './completion-metrics';
import { sendOpenAiError, toOpenAiError } from './errors';
import { chatRequestSchema, toChatRequest } from './schemas';

export const V1_PREFIX = '/v1/';

export interface V1Deps {
  completions: CompletionService;
  /** `model: "wisphub-agent"`: the support agent's turns. */
  agent: AgentSurface;
  bodyLimitBytes: number;
  logger: Logger;
  metrics: ServiceMetrics;
  books: Books;
  /** Route weights by key name, for keys that have their own. */
  keyWeights: Readonly<Record<string, RouteWeights>>;
}

export function cacheModeOf(req: IncomingMessage): CacheMode {
  const asked = req.headers['x-wisphub-cache'];
  if (asked === 'force' || asked === 'off') return asked;
  if (asked !== undefined && asked !== 'auto') throw new AppError('invalid_input', { message: 'X-WispHub-Cache es auto, force u off.' });
  return 'auto';
}

/** The answer's story, as headers. */
export function metaHeaders(meta: CompletionMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'x-wisphub-model': meta.model,
    'x-wisphub-provider': meta.provider,
    'x-wisphub-cache': meta.cache,
    'x-wisphub-fallbacks': meta.fallbacks.map((attempt) => `${attempt.provider}/${attempt.model}:${attempt.outcome}`).join(', '),
  };
  if (meta.tokensCounted) headers['x-wisphub-tokens'] = 'counted';
  if (meta.tier) headers['x-wisphub-tier'] = meta.tier;
  return headers;
}

export function createV1Handler({ completions, agent, bodyLimitBytes, logger, metrics, books, keyWeights }: V1Deps) {
  const accounting: Accounting = { metrics, books, logger };

  async function chatCompletions(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, facts: { value: RequestFacts | null }) {
    const startedMs = Date.now();
    const caller = await authenticate(ctx);
    const cacheMode = cacheModeOf(req);
    const parsed = chatRequestSchema.safeParse(await readJsonBody(req, bodyLimitBytes));
    if (!parsed.success) throw new AppError('invalid_input', { details: { issues: toFieldIssues(parsed.error) } });
    const request = toChatRequest(parsed.data);
    ctx.report.procedure = request.stream ? 'v1.chat.completions.stream' : 'v1.chat.completions';
    const known = factsOf(request, caller, { requestId: ctx.requestId, endUser: ctx.endUser, startedMs });
    facts.value = known;
    const scope = await admitRequest(accounting, known, keyWeights[caller.name]);
    if (request.model === AGENT_MODEL) return serveAgentTurn(agent, request, scope, known, accounting, req, res, ctx);
    // The caller hanging up stops the provider call too.
    const cancel = new Cancellation();
    res.once('close', () => {
      if (!res.writableFinished) cancel.cancel();
    });
    if (!request.stream) {
      const { completion, meta } = await completions.complete(request, scope, cacheMode, cancel);
      ctx.report.cacheState = meta.cache === 'hit' ? 'hit' : null;
      recordCompletion(accounting, known, meta, 'ok', {
        usage: completion.usage,
        costUsd: meta.costUsd,
        tokensCounted: meta.tokensCounted,
      });
      return sendJson(res, 200, completion, { ...metaHeaders(meta), 'x-wisphub-cost-usd': meta.costUsd.toFixed(8) });
    }
    const streamed = await completions.stream(request, scope, cacheMode, cancel);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...metaHeaders(streamed.meta),
    });
    const failure = await deliverStream(
      streamed,
      (chunk) => res.write(`data: ${JSON.stringify(chunk)}\n\n`),
      () => res.destroyed,
      accounting,
      known,
    );
    if (res.destroyed) return;
    res.end(failure ? `data: ${JSON.stringify(toOpenAiError(failure, ctx.requestId).body)}\n\n` : 'data: [DONE]\n\n');
  }

  async function models(res: ServerResponse, ctx: RequestContext): Promise<void> {
    await authenticate(ctx);
    ctx.report.procedure = 'v1.models';
    sendJson(res, 200, {
      object: 'list',
      data: completions.modelNames().map(({ id, ownedBy }) => ({ id, object: 'model', created: 0, owned_by: ownedBy })),
    });
  }

  return async function serveV1(req: IncomingMessage, res: ServerResponse, path: string, ctx: RequestContext): Promise<void> {
    // Filled once the request's body is read: a failure after that is recorded in the books.
    const facts: { value: RequestFacts | null } = { value: null };
    try {
      if (path === '/v1/chat/completions') {
        if (req.method !== 'POST') throw methodNotAllowed(['POST']);
        return await chatCompletions(req, res, ctx, facts);
      }
      if (path === '/v1/models') {
        if (req.method !== 'GET') throw methodNotAllowed(['GET']);
        return await models(res, ctx);
      }
      throw new AppError('route_not_found');
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (!(error instanceof AppError)) logger.error({ requestId: ctx.requestId, err: error }, 'v1 request failed');
      recordFailure(accounting, facts.value, error);
      sendOpenAiError(res, error, ctx.requestId);
    }
  };
}
