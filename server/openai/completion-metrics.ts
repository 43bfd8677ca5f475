/**
 * One chat completion counted in the metrics, and a started stream delivered, the same way
 * whichever transport (JSON, SSE, WebSocket) carried it.
 */

import { AppError } from '../errors';
import type { ChatChunk } from '../llm/chat';
import type { CompletionMeta, StreamedCompletion } from '../llm/completions';
import type { Logger } from '../observability/logger';
import type { ServiceMetrics } from '../observability/metrics';

/** A served model as a metric label: registry names as they are, anything else bounded to its provider. */
const modelLabel = (meta: CompletionMeta): string => (meta.listed ? `${meta.provider}/${meta.model}` : `${meta.provider}/unlisted`);

export function recordCompletion(
  metrics: ServiceMetrics,
  meta: CompletionMeta,
  key: string,
  outcome: 'ok' | 'stream_broken',
  usage: { prompt_tokens: number; completion_tokens: number } | null,
  costUsd: number,
): void {
  metrics.observeLlm({
    model: modelLabel(meta),
    tier: meta.tier,
    cache: meta.cache,
    outcome,
    key,
    promptTokens: meta.cache === 'hit' ? 0 : (usage?.prompt_tokens ?? 0),
    completionTokens: meta.cache === 'hit' ? 0 : (usage?.completion_tokens ?? 0),
    costUsd,
    attempts: meta.attempts,
  });
}

/** A request that failed after trying providers: its attempts still count. */
export function recordFailure(metrics: ServiceMetrics, error: unknown, key: string | null): void {
  const attempts =
    error instanceof Error && 'details' in error ? (error.details as { attempts?: unknown } | undefined)?.attempts : undefined;
  if (!Array.isArray(attempts) || key === null) return;
  metrics.observeLlm({
    model: 'none',
    tier: null,
    cache: 'bypass',
    outcome: 'error',
    key,
    promptTokens: 0,
    completionTokens: 0,
    costUsd: 0,
    attempts: attempts as { provider: string; outcome: string }[],
  });
}

/**
 * Hands a started stream's chunks to `send` until it ends or `stopped()` says the caller is gone,
 * and counts it once it has ended. Null when it ended whole; otherwise the error the transport
 * reports: after the first token there is no falling back, the stream ends with an error.
 */
export async function deliverStream(
  streamed: StreamedCompletion,
  send: (chunk: ChatChunk) => void,
  stopped: () => boolean,
  context: { metrics: ServiceMetrics; logger: Logger; key: string; requestId: string },
): Promise<AppError | null> {
  let broken = false;
  void streamed.finished.then(({ usage, costUsd }) =>
    recordCompletion(context.metrics, streamed.meta, context.key, broken ? 'stream_broken' : 'ok', usage, costUsd),
  );
  try {
    for await (const chunk of streamed.chunks) {
      if (stopped()) break;
      send(chunk);
    }
    return null;
  } catch (error) {
    broken = true;
    const { provider, model } = streamed.meta;
    context.logger.warn({ requestId: context.requestId, provider, model, err: error }, 'stream broke after its first token');
    return new AppError('provider_unavailable', { message: 'El proveedor interrumpió la respuesta.' });
  }
}
