/**
 * The questions the console and the admin API ask of the books. Summaries read only the daily
 * rollups (one row per day, key, model and tier), so a month costs the same at fifty thousand
 * requests as at five million; the request list reads the request rows through their indexes.
 */

import { type Kysely, sql } from 'kysely';
import { latencyColumns, ROLLUP_COUNTERS, type Tables, ttftColumns } from '../../database/tables';
import { NO_TIER, rollupModel } from './entry';
import { BUCKET_UPPER_MS, quantileOf } from './histogram';
import { upsertRollups } from './store';

export const GROUPINGS = ['day', 'key', 'model', 'tier'] as const;
export type Grouping = (typeof GROUPINGS)[number];

const COLUMN_OF: Record<Grouping, 'day' | 'key_name' | 'model' | 'tier'> = { day: 'day', key: 'key_name', model: 'model', tier: 'tier' };

export interface SummaryQuery {
  /** First and last day, `YYYY-MM-DD`, both included. */
  from: string;
  to: string;
  groupBy: readonly Grouping[];
  key?: string | undefined;
  model?: string | undefined;
}

export interface SummaryRow {
  day?: string;
  key?: string;
  model?: string;
  tier?: string | null;
  requests: number;
  errors: number;
  errorRate: number;
  cacheHits: number;
  cacheHitRate: number;
  fallbacks: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencyMeanMs: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
}

export async function summary(db: Kysely<Tables>, query: SummaryQuery): Promise<SummaryRow[]> {
  const groups = GROUPINGS.filter((grouping) => query.groupBy.includes(grouping));
  const columns = groups.map((grouping) => COLUMN_OF[grouping]);
  let select = db
    .selectFrom('usage_daily')
    .where('day', '>=', query.from)
    .where('day', '<=', query.to)
    .select(columns)
    .select(ROLLUP_COUNTERS.map((column) => sql<number>`sum(${sql.ref(column)})`.as(column)));
  if (query.key !== undefined) select = select.where('key_name', '=', query.key);
  if (query.model !== undefined) select = select.where('model', '=', query.model);
  if (columns.length > 0) select = select.groupBy(columns);
  for (const column of columns) select = select.orderBy(column);
  const rows = (await select.execute()) as Record<string, string | number | null>[];
  return rows
    .filter((row) => Number(row.requests ?? 0) > 0)
    .map((row) => {
      const number = (column: string) => Number(row[column] ?? 0);
      const latency = latencyColumns.map(number);
      const ttft = ttftColumns.map(number);
      const requests = number('requests');
      const result: SummaryRow = {
        requests,
        errors: number('errors'),
        errorRate: requests === 0 ? 0 : number('errors') / requests,
        cacheHits: number('cache_hits'),
        cacheHitRate: requests === 0 ? 0 : number('cache_hits') / requests,
        fallbacks: number('fallbacks'),
        promptTokens: number('prompt_tokens'),
        completionTokens: number('completion_tokens'),
        costUsd: number('cost_micros') / 1_000_000,
        latencyMeanMs: requests === 0 ? null : Math.round(number('latency_ms_sum') / requests),
        latencyP50Ms: quantileOf(latency, 0.5),
        latencyP95Ms: quantileOf(latency, 0.95),
        ttftP50Ms: quantileOf(ttft, 0.5),
        ttftP95Ms: quantileOf(ttft, 0.95),
      };
      if (groups.includes('day')) result.day = String(row.day);
      if (groups.includes('key')) result.key = String(row.key_name);
      if (groups.includes('model')) result.model = String(row.model);
      if (groups.includes('tier')) result.tier = row.tier === NO_TIER ? null : String(row.tier);
      return result;
    });
}

export interface RequestQuery {
  key?: string | undefined;
  /** Epoch milliseconds: requests at or after. */
  sinceMs: number;
  /** Epoch milliseconds: requests before (paging backwards). */
  beforeMs?: number | undefined;
  outcome?: string | undefined;
  /** Only the agent's turns that handed the conversation to a person. */
  handoffs?: boolean | undefined;
  limit: number;
}

export interface RequestRow {
  at: string;
  requestId: string;
  key: string;
  endUser: string | null;
  modelRequested: string;
  model: string | null;
  provider: string | null;
  tier: string | null;
  promptTokens: number;
  completionTokens: number;
  tokensCounted: boolean;
  costUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  cache: string;
  stream: boolean;
  fallbacks: string[];
  outcome: string;
  errorReason: string | null;
  toolCalls: string[];
  handoff: string | null;
}

export async function requests(db: Kysely<Tables>, query: RequestQuery): Promise<RequestRow[]> {
  let select = db.selectFrom('usage_requests').selectAll().where('at_ms', '>=', query.sinceMs);
  if (query.beforeMs !== undefined) select = select.where('at_ms', '<', query.beforeMs);
  if (query.key !== undefined) select = select.where('key_name', '=', query.key);
  if (query.outcome !== undefined) select = select.where('outcome', '=', query.outcome);
  if (query.handoffs) select = select.where('handoff', 'is not', null);
  const rows = await select.orderBy('at_ms', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map((row) => ({
    at: new Date(Number(row.at_ms)).toISOString(),
    requestId: row.request_id,
    key: row.key_name,
    endUser: row.end_user,
    modelRequested: row.model_requested,
    model: row.model_served,
    provider: row.provider,
    tier: row.tier === NO_TIER ? null : row.tier,
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    tokensCounted: Number(row.tokens_counted) === 1,
    costUsd: Number(row.cost_micros) / 1_000_000,
    latencyMs: Number(row.latency_ms),
    ttftMs: row.ttft_ms === null ? null : Number(row.ttft_ms),
    cache: row.cache,
    stream: Number(row.stream) === 1,
    fallbacks: row.fallbacks === '' ? [] : row.fallbacks.split(','),
    outcome: row.outcome,
    errorReason: row.error_reason,
    toolCalls: row.tool_calls === '' ? [] : row.tool_calls.split(','),
    handoff: row.handoff,
  }));
}

export interface HourRow {
  /** The hour's start, ISO 8601 (UTC). */
  hour: string;
  requests: number;
  errors: number;
  costUsd: number;
  /** Agent turns handed to a person. */
  handoffs: number;
  /** Distinct end users who wrote that hour (requests that named one): conversations under way. */
  conversations: number;
}

/** Requests per hour since an instant (the request rows through their time index: a day is a few thousand rows). */
export async function hourly(db: Kysely<Tables>, sinceMs: number): Promise<HourRow[]> {
  const hour = sql<number>`(at_ms / 3600000)`;
  const rows = await db
    .selectFrom('usage_requests')
    .where('at_ms', '>=', sinceMs)
    .select(hour.as('hour'))
    .select([
      sql<number>`count(*)`.as('requests'),
      sql<number>`sum(case when outcome <> 'ok' then 1 else 0 end)`.as('errors'),
      sql<number>`sum(cost_micros)`.as('cost'),
      sql<number>`sum(case when handoff is not null then 1 else 0 end)`.as('handoffs'),
      sql<number>`count(distinct end_user)`.as('conversations'),
    ])
    .groupBy(hour)
    .orderBy(hour)
    .execute();
  return rows.map((row) => ({
    hour: new Date(Math.floor(Number(row.hour)) * 3_600_000).toISOString(),
    requests: Number(row.requests),
    errors: Number(row.errors),
    costUsd: Number(row.cost) / 1_000_000,
    handoffs: Number(row.handoffs),
    conversations: Number(row.conversations),
  }));
}

/** One cause of fallback: an attempt (`provider/model`) that failed in a way (`outcome`), how often. */
export interface FallbackCause {
  attempt: string;
  outcome: string;
  count: number;
}

/**
 * Why requests fell back since an instant: each failed attempt before the one that served, counted
 * by model and failure. Reads the latest `limit` requests that fell back (the rollups keep counts,
 * not causes).
 */
export async function fallbackCauses(db: Kysely<Tables>, sinceMs: number, limit = 20_000): Promise<FallbackCause[]> {
  const rows = await db
    .selectFrom('usage_requests')
    .where('at_ms', '>=', sinceMs)
    .where('fallbacks', '<>', '')
    .select('fallbacks')
    .orderBy('at_ms', 'desc')
    .limit(limit)
    .execute();
  const counts = new Map<string, number>();
  for (const row of rows) for (const attempt of row.fallbacks.split(',')) counts.set(attempt, (counts.get(attempt) ?? 0) + 1);
  return [...counts]
    .map(([text, count]) => {
      const colon = text.lastIndexOf(':');
      return { attempt: colon < 0 ? text : text.slice(0, colon), outcome: colon < 0 ? 'unknown' : text.slice(colon + 1), count };
    })
    .sort((a, b) => b.count - a.count || a.attempt.localeCompare(b.attempt));
}

/** SQL that puts a millisecond column into histogram bucket `index` (1 or 0). */
function inBucket(column: 'latency_ms' | 'ttft_ms', index: number) {
  const upper = BUCKET_UPPER_MS[index]!;
  const lower = index === 0 ? null : BUCKET_UPPER_MS[index - 1]!;
  const last = index === BUCKET_UPPER_MS.length - 1;
  const ref = sql.ref(column);
  if (last) return sql<number>`sum(case when ${ref} > ${sql.lit(lower)} then 1 else 0 end)`;
  if (lower === null) return sql<number>`sum(case when ${ref} <= ${sql.lit(upper)} then 1 else 0 end)`;
  return sql<number>`sum(case when ${ref} > ${sql.lit(lower)} and ${ref} <= ${sql.lit(upper)} then 1 else 0 end)`;
}

/**
 * Builds the rollups of a range of days again from the request rows (a repair, and how the
 * benchmark fills them after generating rows in bulk). Runs in one transaction.
 */
export async function rebuildRollups(db: Kysely<Tables>, from: string, to: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('usage_daily').where('day', '>=', from).where('day', '<=', to).execute();
    const model = sql<string>`coalesce(model_served, model_requested)`;
    const rows = await trx
      .selectFrom('usage_requests')
      .where('day', '>=', from)
      .where('day', '<=', to)
      .select(['day', 'key_name', 'tier'])
      .select(model.as('model'))
      .select([
        sql<number>`count(*)`.as('requests'),
        sql<number>`sum(case when outcome <> 'ok' then 1 else 0 end)`.as('errors'),
        sql<number>`sum(case when cache = 'hit' then 1 else 0 end)`.as('cache_hits'),
        sql<number>`sum(case when fallbacks <> '' then 1 else 0 end)`.as('fallbacks'),
        sql<number>`sum(prompt_tokens)`.as('prompt_tokens'),
        sql<number>`sum(completion_tokens)`.as('completion_tokens'),
        sql<number>`sum(cost_micros)`.as('cost_micros'),
        sql<number>`sum(latency_ms)`.as('latency_ms_sum'),
        sql<number>`count(ttft_ms)`.as('ttft_count'),
        ...latencyColumns.map((column, index) => inBucket('latency_ms', index).as(column)),
        ...ttftColumns.map((column, index) => inBucket('ttft_ms', index).as(column)),
      ])
      .groupBy(['day', 'key_name', 'tier', model])
      .execute();
    const deltas = (rows as unknown as Record<string, string | number>[]).map((row) => ({
      day: String(row.day),
      key_name: String(row.key_name),
      model: rollupModel({ model_served: String(row.model), model_requested: String(row.model) }),
      tier: String(row.tier),
      requests: Number(row.requests),
      errors: Number(row.errors),
      cache_hits: Number(row.cache_hits),
      fallbacks: Number(row.fallbacks),
      prompt_tokens: Number(row.prompt_tokens),
      completion_tokens: Number(row.completion_tokens),
      cost_micros: Number(row.cost_micros),
      latency_ms_sum: Number(row.latency_ms_sum),
      ttft_count: Number(row.ttft_count),
      latency: latencyColumns.map((column) => Number(row[column] ?? 0)),
      ttft: ttftColumns.map((column) => Number(row[column] ?? 0)),
    }));
    await upsertRollups(trx, deltas);
    return deltas.length;
  });
}
