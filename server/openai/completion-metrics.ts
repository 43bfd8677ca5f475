/** One chat completion counted in the metrics, the same way whichever transport (JSON, SSE, WebSocket) carried it. */

import type { CompletionMeta } from '../llm/completions';
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
