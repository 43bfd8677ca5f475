/**
 * The books of one chat completion, whichever transport (JSON, SSE, WebSocket) carried it: the
 * key's limits checked before any provider is called, then the request counted in the metrics and
 * recorded in the usage database (tokens as the provider reported them, or counted; its cost,
 * latency, time to first token, cache, fallbacks and outcome), failures and refusals included.
 */

import { AppError, appErrorOf } from '../errors';
import type { CallerKey } from '../guards/api-keys';
import type { Books } from '../llm/books';
import type { ChatChunk, ChatRequest } from '../llm/chat';
import { AUTO_MODEL, type CallerScope, type CompletionMeta, type StreamedCompletion, TIER_MODELS } from '../llm/completions';
import type { RouteWeights } from '../llm/route-policy';
import type { UsageEntry, UsageOutcome } from '../llm/usage/entry';
import type { Logger } from '../observability/logger';
import type { ServiceMetrics } from '../observability/metrics';

export interface Accounting {
  metrics: ServiceMetrics;
  books: Books;
  logger: Logger;
}

/** What is known of a request once its body is read: who asked, for whom, for which model, when. */
export interface RequestFacts {
  requestId: string;
  keyName: string;
  endUser: string | null;
  modelRequested: string;
  stream: boolean;
  startedMs: number;
}

export function factsOf(
  request: ChatRequest,
  caller: CallerKey,
  context: { requestId: string; endUser: string | null; startedMs: number },
): RequestFacts {
  return {
    requestId: context.requestId,
    keyName: caller.name,
    endUser: context.endUser ?? request.user ?? null,
    modelRequested: request.model,
    stream: request.stream === true,
    startedMs: context.startedMs,
  };
}

/** A usage row: what the request's facts say, and what its outcome adds. */
export function recordRow(
  accounting: Accounting,
  facts: RequestFacts,
  outcome: Omit<UsageEntry, 'atMs' | 'requestId' | 'keyName' | 'endUser' | 'modelRequested' | 'latencyMs' | 'stream'>,
): void {
  accounting.books.usage.record({
    atMs: facts.startedMs,
    requestId: facts.requestId,
    keyName: facts.keyName,
    endUser: facts.endUser,
    modelRequested: facts.modelRequested,
    latencyMs: Date.now() - facts.startedMs,
    stream: facts.stream,
    ...outcome,
  });
}

/** A served model as a metric label: registry names as they are, anything else bounded to its provider. */
const modelLabel = (meta: CompletionMeta): string => (meta.listed ? `${meta.provider}/${meta.model}` : `${meta.provider}/unlisted`);

/**
 * The caller's scope for the route policy, once its key is within its limits: 429 when it spent
 * its month or its minute; 403 for a model its allow list does not name (the caller records the refusal).
 */
export async function admitRequest(accounting: Accounting, facts: RequestFacts, weights: RouteWeights | undefined): Promise<CallerScope> {
  const { budgets } = accounting.books;
  await budgets.admit(facts.keyName);
  const allowedModels = budgets.of(facts.keyName)?.allowedModels ?? null;
  const named = facts.modelRequested;
  if (allowedModels !== null && named !== AUTO_MODEL && !TIER_MODELS[named]) {
    const bare = named.slice(named.indexOf('/') + 1);
    if (!allowedModels.some((allowed) => allowed === named || allowed === bare || allowed.endsWith(`/${named}`)))
      throw new AppError('forbidden_for_key', {
        message: 'Esta clave no puede usar ese modelo.',
        details: { model: named, allowedModels },
      });
  }
  const allowed = budgets.allows(facts.keyName);
  return { keyName: facts.keyName, weights, ...(allowed ? { allowed } : {}) };
}

export function recordCompletion(
  accounting: Accounting,
  facts: RequestFacts,
  meta: CompletionMeta,
  outcome: 'ok' | 'stream_broken',
  spent: { usage: { prompt_tokens: number; completion_tokens: number }; costUsd: number; tokensCounted: boolean },
  ttftMs: number | null = null,
): void {
  const hit = meta.cache === 'hit';
  const promptTokens = hit ? 0 : spent.usage.prompt_tokens;
  const completionTokens = hit ? 0 : spent.usage.completion_tokens;
  accounting.metrics.observeLlm({
    model: modelLabel(meta),
    tier: meta.tier,
    cache: meta.cache,
    outcome,
    key: facts.keyName,
    promptTokens,
    completionTokens,
    costUsd: spent.costUsd,
    attempts: meta.attempts,
  });
  recordRow(accounting, facts, {
    modelServed: `${meta.provider}/${meta.model}`,
    provider: meta.provider,
    tier: meta.tier,
    promptTokens,
    completionTokens,
    tokensCounted: !hit && spent.tokensCounted,
    costUsd: hit ? 0 : spent.costUsd,
    ttftMs,
    cache: meta.cache,
    fallbacks: meta.fallbacks.map((attempt) => `${attempt.provider}/${attempt.model}:${attempt.outcome}`),
    outcome,
    errorReason: outcome === 'stream_broken' ? 'provider_unavailable' : null,
  });
}

/** A request that failed or was refused: its attempts still count, and it is recorded when its facts are known. */
export function recordFailure(accounting: Accounting, facts: RequestFacts | null, error: unknown): void {
  const known = appErrorOf(error);
  const raw = known?.details?.attempts;
  const attempts = Array.isArray(raw) ? (raw as { provider: string; model: string; outcome: string }[]) : [];
  if (attempts.length > 0 && facts) {
    accounting.metrics.observeLlm({
      model: 'none',
      tier: null,
      cache: 'bypass',
      outcome: 'error',
      key: facts.keyName,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
      attempts,
    });
  }
  if (!facts) return;
  const refused: UsageOutcome = known?.status === 429 || known?.reason === 'forbidden_for_key' ? 'refused' : 'error';
  recordRow(accounting, facts, {
    modelServed: null,
    provider: null,
    tier: null,
    promptTokens: 0,
    completionTokens: 0,
    tokensCounted: false,
    costUsd: 0,
    ttftMs: null,
    cache: 'bypass',
    fallbacks: attempts.map((attempt) => `${attempt.provider}/${attempt.model}:${attempt.outcome}`),
    outcome: refused,
    errorReason: known?.reason ?? 'internal_error',
  });
}

/**
 * Hands a started stream's chunks to `send` until it ends or `stopped()` says the caller is gone,
 * and records it once it has ended. Null when it ended whole; otherwise the error the transport
 * reports: after the first token there is no falling back, the stream ends with an error.
 */
export async function deliverStream(
  streamed: StreamedCompletion,
  send: (chunk: ChatChunk) => void,
  stopped: () => boolean,
  accounting: Accounting,
  facts: RequestFacts,
): Promise<AppError | null> {
  let broken = false;
  let ttftMs: number | null = null;
  void streamed.finished.then((spent) =>
    recordCompletion(accounting, facts, streamed.meta, broken ? 'stream_broken' : 'ok', spent, ttftMs),
  );
  try {
    for await (const chunk of streamed.chunks) {
      if (stopped()) break;
      ttftMs ??= Date.now() - facts.startedMs;
      send(chunk);
    }
    return null;
  } catch (error) {
    broken = true;
    const { provider, model } = streamed.meta;
    accounting.logger.warn({ requestId: facts.requestId, provider, model, err: error }, 'stream broke after its first token');
    return new AppError('provider_unavailable', { message: 'El proveedor interrumpió la respuesta.' });
  }
}
