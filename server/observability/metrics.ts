/** Prometheus metrics of one service instance (its own registry, so tests can run several). */

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SharedStatus } from '../redis/shared-state';
import type { BreakerState } from '../upstream/circuit-breaker';
import type { SwrCache } from '../upstream/swr-cache';
import type { UpstreamCall } from '../wisphub/transport';
import { HourlyTally } from './hourly-tally';
import { RequestTally } from './request-tally';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

export interface MetricsSources {
  caches: () => SwrCache<unknown>[];
  breakerState: () => BreakerState;
  skippedItems: () => number;
  /** Redis-backed shared state, when REDIS_URL is set. */
  shared: () => SharedStatus | null;
  /** Requests being served right now (the listener counts them for a graceful shutdown too). */
  inFlight: () => number;
}

/** The metric label of a tRPC call: the procedure's name, or "batch" for several (names combine without bound). */
export function procedureLabel(procedures: readonly string[]): string {
  return procedures.length === 1 ? procedures[0]! : 'batch';
}

export class ServiceMetrics {
  readonly registry = new Registry();
  /** Upstream calls per endpoint per hour, for the console's WispHub view. */
  readonly upstreamHours = new HourlyTally();
  /** ...and those of them that failed (timeouts, 5xx, unexpected 4xx). */
  readonly upstreamErrorHours = new HourlyTally();
  private readonly requests: RequestTally;
  private readonly upstreamCalls: Counter<'endpoint' | 'method' | 'status'>;
  private readonly upstreamErrors: Counter<'endpoint' | 'kind'>;
  private readonly upstreamDuration: Histogram<'endpoint'>;
  private readonly llmRoutes: Counter<'tier' | 'model'>;
  private readonly llmRequests: Counter<'model' | 'tier' | 'cache' | 'outcome' | 'key'>;
  private readonly llmTokens: Counter<'model' | 'tier' | 'direction' | 'key'>;
  private readonly llmCost: Counter<'model' | 'tier' | 'key'>;
  private readonly llmAttempts: Counter<'provider' | 'outcome'>;
  private readonly llmRefusals: Counter<'key' | 'reason'>;
  private readonly usageRows: Counter<'result'>;
  private readonly channelMessages: Counter<'channel' | 'event'>;
  private readonly usageFlush: Histogram<never>;
  /** Rows waiting to be written to the usage database (set by the books). */
  usageBuffered: () => number = () => 0;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new RequestTally(this.registry);
    new Gauge({
      name: 'wisphub_http_requests_in_flight',
      help: 'Requests being served.',
      registers,
      collect() {
        this.set(sources.inFlight());
      },
    });
    this.llmRoutes = new Counter({
      name: 'wisphub_llm_route_decisions_total',
      help: 'Routing decisions: the tier (none for a named model) and the first candidate chosen.',
      labelNames: ['tier', 'model'],
      registers,
    });
    this.llmRequests = new Counter({
      name: 'wisphub_llm_requests_total',
      help: 'Chat completions by served model, tier, cache result, outcome and key.',
      labelNames: ['model', 'tier', 'cache', 'outcome', 'key'],
      registers,
    });
    this.llmTokens = new Counter({
      name: 'wisphub_llm_tokens_total',
      help: 'Tokens by served model, tier (named for a model asked by name), direction (prompt, completion) and key.',
      labelNames: ['model', 'tier', 'direction', 'key'],
      registers,
    });
    this.llmCost = new Counter({
      name: 'wisphub_llm_cost_usd_total',
      help: 'Spend in USD at registry prices by served model, tier and key.',
      labelNames: ['model', 'tier', 'key'],
      registers,
    });
    this.llmAttempts = new Counter({
      name: 'wisphub_llm_attempts_total',
      help: 'Provider calls by provider and outcome (ok, rate_limited, server_error, timeout, ...).',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.llmRefusals = new Counter({
      name: 'wisphub_llm_budget_refusals_total',
      help: 'Requests refused before any provider call by key and reason (budget_exceeded, rate_limited: tokens per minute).',
      labelNames: ['key', 'reason'],
      registers,
    });
    this.channelMessages = new Counter({
      name: 'wisphub_channel_messages_total',
      help: 'WhatsApp channel events: received, duplicate (a retried webhook), replied_inline, replied_later, reply_failed, status_<delivery status>.',
      labelNames: ['channel', 'event'],
      registers,
    });
    this.usageRows = new Counter({
      name: 'wisphub_usage_rows_total',
      help: 'Usage rows by result: written to the database, failed (kept and retried), dropped (buffer full).',
      labelNames: ['result'],
      registers,
    });
    this.usageFlush = new Histogram({
      name: 'wisphub_usage_flush_duration_seconds',
      help: 'Time to write one batch of usage rows and their rollups.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    });
    const metrics = this;
    new Gauge({
      name: 'wisphub_usage_buffered_rows',
      help: 'Usage rows recorded but not yet written to the database.',
      registers,
      collect() {
        this.set(metrics.usageBuffered());
      },
    });
    this.upstreamCalls = new Counter({
      name: 'wisphub_upstream_calls_total',
      help: 'Calls to WispHub Net by endpoint, method and status.',
      labelNames: ['endpoint', 'method', 'status'],
      registers,
    });
    this.upstreamErrors = new Counter({
      name: 'wisphub_upstream_errors_total',
      help: 'Failed calls to WispHub Net by endpoint and kind.',
      labelNames: ['endpoint', 'kind'],
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: 'wisphub_upstream_call_duration_seconds',
      help: 'WispHub Net call latency by endpoint.',
      labelNames: ['endpoint'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16],
      registers,
    });
    const seen = new Map<string, number>();
    new Counter({
      name: 'wisphub_cache_requests_total',
      help: 'Cache lookups by resource and result (hit, miss, stale: served past its TTL).',
      labelNames: ['resource', 'result'],
      registers,
      collect() {
        for (const cache of sources.caches()) {
          for (const [result, value] of [
            ['hit', cache.stats.hits],
            ['miss', cache.stats.misses],
            ['stale', cache.stats.stale],
          ] as const) {
            const id = `${cache.name}|${result}`;
            const delta = value - (seen.get(id) ?? 0);
            if (delta > 0) this.inc({ resource: cache.name, result }, delta);
            seen.set(id, value);
          }
        }
      },
    });
    new Gauge({
      name: 'wisphub_cache_entries',
      help: 'Entries held per cached resource.',
      labelNames: ['resource'],
      registers,
      collect() {
        for (const cache of sources.caches()) this.set({ resource: cache.name }, cache.size);
      },
    });
    new Gauge({
      name: 'wisphub_upstream_breaker_state',
      help: 'Circuit breaker of the upstream host: 0 closed, 1 half-open, 2 open.',
      registers,
      collect() {
        this.set(BREAKER_VALUE[sources.breakerState()]);
      },
    });
    let skippedSeen = 0;
    new Counter({
      name: 'wisphub_upstream_skipped_items_total',
      help: 'Malformed upstream items skipped while loading lists.',
      registers,
      collect() {
        const now = sources.skippedItems();
        if (now > skippedSeen) this.inc(now - skippedSeen);
        skippedSeen = now;
      },
    });
    new Gauge({
      name: 'wisphub_redis_up',
      help: '1 while Redis (shared state across instances) is reachable, 0 while this instance runs on its own memory; absent without REDIS_URL.',
      registers,
      collect() {
        const status = sources.shared();
        if (status) this.set(status.redis === 'up' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'wisphub_redis_fallbacks',
      help: 'Operations answered from this instance’s memory because Redis was down or failed (since start).',
      registers,
      collect() {
        const status = sources.shared();
        if (status) this.set(status.fallbacks);
      },
    });
  }

  observeRequest(surface: string, procedure: string, status: number, seconds: number, keyName: string | null): void {
    this.requests.observe(surface, procedure, status, seconds, keyName);
  }

  observeUpstream(call: UpstreamCall): void {
    const hourLabel = `${call.method} ${call.endpoint}`;
    this.upstreamHours.add(hourLabel);
    this.upstreamCalls.inc({ endpoint: call.endpoint, method: call.method, status: String(call.status) });
    this.upstreamDuration.observe({ endpoint: call.endpoint }, call.durationMs / 1000);
    const kind =
      typeof call.status === 'number'
        ? call.status >= 500
          ? '5xx'
          : call.status >= 400 && call.status !== 404
            ? '4xx'
            : null
        : call.status;
    if (kind) {
      this.upstreamErrors.inc({ endpoint: call.endpoint, kind });
      this.upstreamErrorHours.add(hourLabel);
    }
  }

  observeChannel(channel: string, event: string): void {
    this.channelMessages.inc({ channel, event });
  }

  observeRefusal(key: string, reason: string): void {
    this.llmRefusals.inc({ key, reason });
  }

  observeUsageFlush({ rows, ms, failed }: { rows: number; ms: number; failed: boolean }): void {
    this.usageRows.inc({ result: failed ? 'failed' : 'written' }, rows);
    if (!failed) this.usageFlush.observe(ms / 1000);
  }

  observeUsageDropped(rows: number): void {
    this.usageRows.inc({ result: 'dropped' }, rows);
  }

  observeRoute(decision: { tier: string | null; candidates: readonly string[] }): void {
    this.llmRoutes.inc({ tier: decision.tier ?? 'named', model: decision.candidates[0] ?? 'none' });
  }

  /**
   * One chat completion. `model` must be bounded (a registry name, or "<provider>/unlisted");
   * `key` is a configured key's name, never free text.
   */
  observeLlm(record: LlmRecord): void {
    const { model, key } = record;
    const tier = record.tier ?? 'named';
    this.llmRequests.inc({ model, tier, cache: record.cache, outcome: record.outcome, key });
    if (record.promptTokens > 0) this.llmTokens.inc({ model, tier, direction: 'prompt', key }, record.promptTokens);
    if (record.completionTokens > 0) this.llmTokens.inc({ model, tier, direction: 'completion', key }, record.completionTokens);
    if (record.costUsd > 0) this.llmCost.inc({ model, tier, key }, record.costUsd);
    for (const attempt of record.attempts) this.llmAttempts.inc({ provider: attempt.provider, outcome: attempt.outcome });
  }
}

export interface LlmRecord {
  model: string;
  tier: string | null;
  cache: string;
  outcome: 'ok' | 'error' | 'stream_broken';
  key: string;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** Every provider call the request made (failed ones and the one that served). */
  attempts: readonly { provider: string; outcome: string }[];
}
