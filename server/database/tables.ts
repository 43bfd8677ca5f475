/**
 * The tables of the service's own database (usage, rollups, budgets, provider keys, gateway keys),
 * as Kysely sees them. Amounts of money are integer micro-dollars (no float drift when summed);
 * instants are epoch milliseconds; days are `YYYY-MM-DD` in UTC.
 */

import type { Generated } from 'kysely';

export interface UsageRequestsTable {
  id: Generated<number>;
  at_ms: number;
  day: string;
  request_id: string;
  key_name: string;
  /** SHA-256 prefix of the end user's id: distinct per end user, never the id itself. */
  end_user: string | null;
  model_requested: string;
  model_served: string | null;
  provider: string | null;
  tier: string;
  prompt_tokens: number;
  completion_tokens: number;
  /** 1 when the tokens were counted here (the provider reported none), 0 when reported. */
  tokens_counted: number;
  cost_micros: number;
  latency_ms: number;
  ttft_ms: number | null;
  cache: string;
  stream: number;
  /** `provider/model:outcome` of each attempt before the one that served, comma-separated. */
  fallbacks: string;
  outcome: string;
  error_reason: string | null;
  /** The agent's tool calls (`name:ok` or `name:<reason>`), comma-separated. */
  tool_calls: string;
  /** Why the agent handed the conversation to a person, when it did. */
  handoff: string | null;
}

/** The additive figures of a rollup row (beside its histogram buckets): a batch's are added to what the row holds. */
export const ROLLUP_SUMS = [
  'requests',
  'errors',
  'cache_hits',
  'fallbacks',
  'prompt_tokens',
  'completion_tokens',
  'cost_micros',
  'latency_ms_sum',
  'ttft_count',
] as const;
export type RollupSums = Record<(typeof ROLLUP_SUMS)[number], number>;

/** One row per day, key, model and tier: what the analytics and budgets read, kept as requests land. */
export interface UsageDailyTable extends RollupSums {
  day: string;
  key_name: string;
  model: string;
  tier: string;
  /** Latency and time-to-first-token histograms, one column per bucket (usage/histogram.ts). */
  [bucket: `l${number}` | `t${number}`]: number;
}

export interface KeyBudgetsTable {
  key_name: string;
  monthly_budget_micros: number | null;
  tokens_per_minute: number | null;
  /** JSON array of model names the key may use; null for all. */
  allowed_models: string | null;
  updated_at: number;
}

export interface ProviderKeysTable {
  id: string;
  provider: string;
  /** `*` for every caller, or the gateway key name that brought its own. */
  owner: string;
  label: string;
  /** The last four characters, to tell keys apart in a masked list. */
  hint: string;
  /** `v1.<keyId>.<iv>.<tag>.<ciphertext>` (vault/sealing.ts). */
  sealed: string;
  created_at: number;
  updated_at: number;
}

export interface GatewayKeysTable {
  id: string;
  name: string;
  role: string;
  /** SHA-256 of the key, hex: the key itself is shown once, at creation or rotation. */
  digest: string;
  /** The key's first characters, for a masked list. */
  prefix: string;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
}

export interface Tables {
  usage_requests: UsageRequestsTable;
  usage_daily: UsageDailyTable;
  key_budgets: KeyBudgetsTable;
  provider_keys: ProviderKeysTable;
  gateway_keys: GatewayKeysTable;
}

/** Buckets of each histogram in usage_daily (`l0`…, `t0`…): upper bounds in usage/histogram.ts. */
export const HISTOGRAM_BUCKETS = 20;
export const latencyColumns = Array.from({ length: HISTOGRAM_BUCKETS }, (_, index) => `l${index}` as const);
export const ttftColumns = Array.from({ length: HISTOGRAM_BUCKETS }, (_, index) => `t${index}` as const);
/** Every column of a rollup row that a batch adds to. */
export const ROLLUP_COUNTERS = [...ROLLUP_SUMS, ...latencyColumns, ...ttftColumns] as const;
