/** What the books keep of one `/v1` request, and how it becomes a row and a share of its day's rollup. */

import { createHash } from 'node:crypto';
import { HISTOGRAM_BUCKETS, type RollupSums, type UsageRequestsTable } from '../../database/tables';
import type { Tier } from '../registry';
import { bucketOf } from './histogram';

export type UsageOutcome = 'ok' | 'error' | 'stream_broken' | 'refused';

export interface UsageEntry {
  atMs: number;
  requestId: string;
  keyName: string;
  /** The caller's end user (X-End-User or the body's `user`), hashed before it is stored. */
  endUser: string | null;
  modelRequested: string;
  /** `provider/model` that served; null when nothing did. */
  modelServed: string | null;
  provider: string | null;
  tier: Tier | null;
  promptTokens: number;
  completionTokens: number;
  /** The tokens were counted here with a tokenizer: the provider reported none. */
  tokensCounted: boolean;
  costUsd: number;
  latencyMs: number;
  /** Streams: until the first chunk reached the caller. */
  ttftMs: number | null;
  cache: 'hit' | 'miss' | 'bypass';
  stream: boolean;
  /** `provider/model:outcome` of each attempt before the one that served. */
  fallbacks: string[];
  outcome: UsageOutcome;
  errorReason: string | null;
  /** The agent's tool calls this turn, `name:ok` or `name:<reason>`. */
  toolCalls?: string[] | undefined;
  /** The agent handed the conversation to a person, and why. */
  handoff?: string | null | undefined;
}

export const NO_TIER = '-';
export const toMicros = (usd: number): number => Math.round(usd * 1_000_000);

/** The stored form of an end user id: distinct per end user, not reversible to a phone or document. */
export function endUserDigest(endUser: string): string {
  return createHash('sha256').update(`wisphub-end-user:${endUser}`).digest('hex').slice(0, 24);
}

/** `YYYY-MM-DD` of an instant in a time zone (the ISP's), as the rollups and budgets count days. */
export function dayFormatter(timeZone: string): (atMs: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (atMs) => format.format(atMs);
}

export function rowOf(entry: UsageEntry, day: string): Omit<UsageRequestsTable, 'id'> {
  return {
    at_ms: entry.atMs,
    day,
    request_id: entry.requestId,
    key_name: entry.keyName,
    end_user: entry.endUser === null ? null : endUserDigest(entry.endUser),
    model_requested: entry.modelRequested,
    model_served: entry.modelServed,
    provider: entry.provider,
    tier: entry.tier ?? NO_TIER,
    prompt_tokens: entry.promptTokens,
    completion_tokens: entry.completionTokens,
    tokens_counted: entry.tokensCounted ? 1 : 0,
    cost_micros: toMicros(entry.costUsd),
    latency_ms: Math.round(entry.latencyMs),
    ttft_ms: entry.ttftMs === null ? null : Math.round(entry.ttftMs),
    cache: entry.cache,
    stream: entry.stream ? 1 : 0,
    fallbacks: entry.fallbacks.join(','),
    outcome: entry.outcome,
    error_reason: entry.errorReason,
    tool_calls: (entry.toolCalls ?? []).join(','),
    handoff: entry.handoff ?? null,
  };
}

/** One rollup row's additive figures: what a batch adds to (day, key, model, tier). */
export interface RollupDelta extends RollupSums {
  day: string;
  key_name: string;
  model: string;
  tier: string;
  latency: number[];
  ttft: number[];
}

/** The model a rollup files a request under: what served it, or what was asked when nothing did. */
export const rollupModel = (row: Pick<UsageRequestsTable, 'model_served' | 'model_requested'>): string =>
  row.model_served ?? row.model_requested;

/** A batch of rows folded into one delta per (day, key, model, tier). */
export function rollupsOf(rows: readonly Omit<UsageRequestsTable, 'id'>[]): RollupDelta[] {
  const groups = new Map<string, RollupDelta>();
  for (const row of rows) {
    const model = rollupModel(row);
    const id = `${row.day}\u0000${row.key_name}\u0000${model}\u0000${row.tier}`;
    let delta = groups.get(id);
    if (!delta) {
      delta = {
        day: row.day,
        key_name: row.key_name,
        model,
        tier: row.tier,
        requests: 0,
        errors: 0,
        cache_hits: 0,
        fallbacks: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        cost_micros: 0,
        latency_ms_sum: 0,
        ttft_count: 0,
        latency: new Array<number>(HISTOGRAM_BUCKETS).fill(0),
        ttft: new Array<number>(HISTOGRAM_BUCKETS).fill(0),
      };
      groups.set(id, delta);
    }
    delta.requests += 1;
    if (row.outcome !== 'ok') delta.errors += 1;
    if (row.cache === 'hit') delta.cache_hits += 1;
    if (row.fallbacks !== '') delta.fallbacks += 1;
    delta.prompt_tokens += row.prompt_tokens;
    delta.completion_tokens += row.completion_tokens;
    delta.cost_micros += row.cost_micros;
    delta.latency_ms_sum += row.latency_ms;
    delta.latency[bucketOf(row.latency_ms)]! += 1;
    if (row.ttft_ms !== null) {
      delta.ttft_count += 1;
      delta.ttft[bucketOf(row.ttft_ms)]! += 1;
    }
  }
  return [...groups.values()];
}
