/** Every setting of the service, read once from the environment (and `.env`) and validated here. */

import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(fallback);

const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0),
    )
    .pipe(z.array(item));

/** Route weights from three percentages (cost, quality, speed), made to sum to 1. */
function routeWeights(parts: readonly string[]): { cost: number; quality: number; speed: number } {
  const [cost, quality, speed] = parts.map(Number) as [number, number, number];
  const total = cost + quality + speed || 1;
  return { cost: cost / total, quality: quality / total, speed: speed / total };
}

const isoDate = z.iso.date({ error: 'must be a date as YYYY-MM-DD' });

const apiKeyEntry = z.string().regex(/^([a-z0-9_.:-]+=)?[A-Za-z0-9_\-.]{16,}$/i, {
  error: 'each entry is name=key (or a bare key) with a key of at least 16 characters from A-Z a-z 0-9 _ - .',
});

const upstreamKey = z.string().regex(/^[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}$/, {
  error: 'must look like <8 chars>.<32 chars> (WispHub Net "Api-Key")',
});

const validTimeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone such as America/Bogota' },
);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  // NODE_ENV=production refuses the embedded simulator and the development keys unless this says so.
  ALLOW_SIMULATOR_IN_PRODUCTION: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: int(100_000, 1024),

  WISPHUB_NET_HOST: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.wisphub.net' }).optional(),
  WISPHUB_NET_KEY: upstreamKey.optional(),
  API_KEYS: csv(apiKeyEntry).default([]),
  API_KEYS_FILE: z.string().min(1).optional(),
  RATE_LIMIT_PER_S: z.coerce.number().positive().default(20),
  RATE_LIMIT_BURST: int(40, 1),
  // Requests of one end user (X-End-User) of a key, on top of the key's own limit.
  END_USER_RATE_LIMIT_PER_S: z.coerce.number().positive().default(5),
  END_USER_RATE_LIMIT_BURST: int(30, 1),
  // Failed verifications of one service id from one end user (one conversation), within the window.
  VERIFY_MAX_FAILURES: int(5, 1),
  // Failed verifications of one service id from every end user together: the customer's own lockout.
  VERIFY_MAX_FAILURES_PER_SERVICE: int(60, 1),
  // Failed verifications (any service id) from one key and end user.
  VERIFY_MAX_FAILURES_PER_KEY: int(50, 1),
  RESOLVE_MAX_FAILURES_PER_KEY: int(30, 1),
  // Requests without a valid key, per client address (they are refused before any body is read).
  UNAUTHENTICATED_RATE_LIMIT_PER_S: z.coerce.number().positive().default(2),
  UNAUTHENTICATED_RATE_LIMIT_BURST: int(20, 1),
  // Proxies in front of the service that append to X-Forwarded-For; 0 ignores the header.
  TRUST_PROXY_HOPS: int(0, 0, 10),
  IDENTITY_WINDOW_S: int(900, 1),
  ADMIN_API_KEYS: csv(apiKeyEntry).default([]),
  // Keys that may only scrape /metrics (a Prometheus server); admin keys may too.
  METRICS_API_KEYS: csv(apiKeyEntry).default([]),
  OPERATOR_API_KEYS: csv(apiKeyEntry).default([]),
  OPERATOR_API_KEYS_FILE: z.string().min(1).optional(),
  VERIFICATION_TTL_S: int(900, 30, 86_400),
  // Signs verification tokens; every instance must share it. Required with a real WispHub host;
  // unset with the simulator: a random secret kept in Redis (REDIS_URL) or in VERIFICATION_SECRET_FILE.
  VERIFICATION_SECRET: z.string().min(32, { error: 'at least 32 characters' }).optional(),
  VERIFICATION_SECRET_FILE: z.string().min(1).default('.verification-secret'),
  VERIFICATION_REQUIRED_FOR_READS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  RECEIPT_MAX_BYTES: int(5_000_000, 1024, 20_000_000),
  PAYMENTS_ALLOW_PARTIAL: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  PROMISE_MAX_DAYS: int(7, 1, 90),
  PROMISE_COOLDOWN_DAYS: int(30, 0, 365),
  // Whether a promise of payment on a suspended service asks WispHub to reconnect it (the ISP's policy).
  PROMISE_RECONNECTS_SUSPENDED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  AUDIT_LOG_PATH: z.string().min(1).default('audit.jsonl'),
  CORS_ORIGINS: csv(z.url({ error: 'each origin is a URL such as https://bot.example.com' })).default([]),
  REQUEST_TIMEOUT_MS: int(30_000, 1000),
  SHUTDOWN_GRACE_MS: int(10_000, 0),

  CACHE_TTL_CLIENTS_S: int(300, 1),
  CACHE_TTL_PLANS_S: int(900, 1),
  CACHE_TTL_PAYMENT_METHODS_S: int(900, 1),
  CACHE_TTL_ZONE_COUNTS_S: int(60, 1),
  CACHE_TTL_BALANCE_S: int(60, 1),
  CACHE_TTL_CLIENT_TICKETS_S: int(60, 1),
  CACHE_TTL_TICKETS_S: int(120, 1),
  CACHE_STALE_MAX_AGE_S: int(3600, 0),

  UPSTREAM_TIMEOUT_MS: int(5000, 50),
  UPSTREAM_RETRIES: int(2, 0, 10),
  UPSTREAM_RETRY_BASE_MS: int(250, 0),
  UPSTREAM_PAGE_SIZE: int(1000, 1, 2000),
  UPSTREAM_CONCURRENCY: int(10, 1, 64),
  // The read-only probe run from the console: at most once per this many seconds (each run spends
  // up to 60 GETs of the tenant's rate limit).
  PROBE_MIN_INTERVAL_S: int(300, 1),
  // Pages the client collection's first load asks for at once, before upstream has said its size
  // (at most UPSTREAM_CONCURRENCY are in flight): a tenant within them loads in one round trip, a
  // smaller one costs a few empty pages once a start. 1 asks the first page alone.
  UPSTREAM_FIRST_LOAD_PAGES: int(10, 1, 64),
  UPSTREAM_READ_BUDGET_MS: int(15_000, 100),
  UPSTREAM_BREAKER_THRESHOLD: int(5, 1),
  UPSTREAM_BREAKER_COOLDOWN_MS: int(15_000, 100),
  TICKET_RECONCILE_WINDOW_S: int(600, 10),
  // Covers upstream's own request timeouts (a Django app behind gunicorn, 30 s by default, and a
  // proxy, 60 s by default): a POST still running upstream can commit up to then. Callers never
  // wait for it (202 pending_confirmation); only a re-post waits. Must stay under the reconcile window.
  WRITE_SETTLE_MS: z.coerce.number().int().min(0).optional(),
  /** The old name of WRITE_SETTLE_MS, read for one more release. */
  TICKET_SETTLE_MS: z.coerce.number().int().min(0).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0' }).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w.:-]{1,50}$/, { error: 'letters, digits, _ . : - (up to 50)' })
    .default('wisphub:'),
  REDIS_COMMAND_TIMEOUT_MS: int(500, 10),
  REDIS_LOCK_TTL_MS: int(30_000, 100),
  WARMUP: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),

  MAX_ACTIVE_TICKETS_PER_ZONE: int(3, 1),
  ACTIVE_TICKET_STATES: csv(
    z
      .string()
      .regex(/^[1-4]$/, { error: 'states are numbers 1-4' })
      .transform(Number),
  ).default([1]),
  DEFAULT_TICKET_STATUS: int(1, 1, 4),
  DEFAULT_TECHNICIAN_ID: z.coerce.number().int().positive().optional(),
  MAX_TICKET_RESOLUTION_DAYS: int(3, 0, 60),
  TICKET_SUBJECTS_FILE: z.string().min(1).optional(),
  /** The ISP's phrases for its own subjects, for tickets.suggestSubject (JSON: subject → phrases). */
  TICKET_SUBJECT_SYNONYMS_FILE: z.string().min(1).optional(),
  /** Priority (1-4) of an ISP subject our priority rules do not know. */
  DEFAULT_SUBJECT_PRIORITY: int(2, 1, 4),
  /** Ticket attachments (comment photos, PDFs): largest accepted, bytes. */
  ATTACHMENT_MAX_BYTES: int(5_000_000, 1024, 20_000_000),
  TIMEZONE: validTimeZone.default('America/Bogota'),
  EXTRA_HOLIDAYS: csv(isoDate).default([]),
  IDEMPOTENCY_TTL_S: int(86_400, 60),
  ACCOUNT_OVERDUE_AFTER_DAYS: int(1, 1),
  ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS: int(30, 1),

  PING_POLL_INTERVAL_MS: int(2000, 10),
  PING_DEADLINE_MS: int(20_000, 100),

  // --- The LLM half (/v1) ---
  // Provider keys; LLM_PROVIDER_KEYS_FILE holds `provider=key` lines instead. With none (and no
  // OpenAI-compatible URL), /v1 runs on the embedded provider simulator (LLM_SIMULATOR=auto).
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.openai.com/v1'),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.anthropic.com'),
  GEMINI_API_KEY: z.string().min(1).optional(),
  GEMINI_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://generativelanguage.googleapis.com'),
  // Any server speaking OpenAI's Chat Completions (Ollama, vLLM, llama.cpp, Groq, OpenRouter), under a registry provider name.
  OPENAI_COMPATIBLE_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  OPENAI_COMPATIBLE_API_KEY: z.string().min(1).optional(),
  OPENAI_COMPATIBLE_NAME: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'a lower-case provider name such as ollama' })
    .default('ollama'),
  LLM_PROVIDER_KEYS_FILE: z.string().min(1).optional(),
  LLM_SIMULATOR: z.enum(['auto', 'on', 'off']).default('auto'),
  LLM_SIM_PORT: int(0, 0, 65535),
  LLM_TIMEOUT_MS: int(60_000, 100),
  // Per provider, overriding LLM_TIMEOUT_MS: `anthropic=90000,ollama=120000`.
  LLM_PROVIDER_TIMEOUTS_MS: csv(z.string().regex(/^[a-z0-9][a-z0-9._-]*=\d{3,7}$/, { error: 'each entry is provider=milliseconds' }))
    .transform((entries) => Object.fromEntries(entries.map((entry) => entry.split('=')).map(([name, ms]) => [name!, Number(ms)])))
    .default({}),
  LLM_FIRST_TOKEN_TIMEOUT_MS: int(20_000, 100),
  LLM_STREAM_IDLE_TIMEOUT_MS: int(30_000, 100),
  LLM_DEADLINE_MS: int(120_000, 100),
  LLM_RETRIES: int(1, 0, 5),
  LLM_RETRY_BASE_MS: int(250, 0),
  LLM_MAX_RETRY_AFTER_MS: int(2000, 0),
  LLM_BREAKER_THRESHOLD: int(5, 1),
  LLM_BREAKER_COOLDOWN_MS: int(30_000, 100),
  // Route scoring weights, percent: cost, quality, speed.
  LLM_ROUTE_WEIGHTS: z
    .string()
    .regex(/^\d{1,3},\d{1,3},\d{1,3}$/, { error: 'three percentages: cost,quality,speed such as 40,35,25' })
    .default('40,35,25')
    .transform((raw) => routeWeights(raw.split(','))),
  // Per key name, overriding LLM_ROUTE_WEIGHTS: `bot-premium=10:70:20,bot-cheap=70:20:10` (cost:quality:speed).
  LLM_KEY_ROUTE_WEIGHTS: csv(
    z.string().regex(/^[a-z0-9_.:-]+=\d{1,3}:\d{1,3}:\d{1,3}$/i, { error: 'each entry is keyname=cost:quality:speed' }),
  )
    .transform((entries) =>
      Object.fromEntries(
        entries.map((entry) => {
          const separator = entry.lastIndexOf('=');
          return [entry.slice(0, separator), routeWeights(entry.slice(separator + 1).split(':'))];
        }),
      ),
    )
    .default({}),
  // A named model falls back to comparable models when its providers fail.
  LLM_FALLBACKS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  LLM_CACHE: z.enum(['on', 'off']).default('on'),
  LLM_CACHE_TTL_S: int(3600, 1),
  LLM_CACHE_MAX_ENTRIES: int(10_000, 1),
  LLM_CACHE_MAX_ENTRY_BYTES: int(262_144, 1024),
  // One cache for every key (answers to the same request shared across bots); per key by default.
  LLM_CACHE_SHARED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  LLM_REGISTRY_FILE: z.string().min(1).optional(),
  LLM_REGISTRY_URL: z.url({ protocol: /^https?$/ }).optional(),
  LLM_CLASSIFIER_RULES_FILE: z.string().min(1).optional(),
  // Chat requests may carry images (base64).
  LLM_BODY_LIMIT_BYTES: int(10_000_000, 1024),

  // --- The agent (`model: "wisphub-agent"`) ---
  // The ISP's voice, policies and data-treatment notice (JSON; server/agent/profile.json is the default).
  AGENT_PROFILE_FILE: z.string().min(1).optional(),
  AGENT_MAX_TOOL_CALLS: int(8, 1, 50),
  AGENT_MAX_MODEL_CALLS: int(6, 1, 20),
  AGENT_TURN_DEADLINE_MS: int(60_000, 1000),
  AGENT_MAX_TOKENS_PER_CONVERSATION: int(100_000, 1000),
  AGENT_MAX_TOKENS_PER_DAY: int(300_000, 1000),
  // A conversation (its verification tokens, consent, spend) is forgotten after this long without a turn.
  AGENT_CONVERSATION_IDLE_S: int(86_400, 60),

  // --- WhatsApp channels ---
  // The key the channels act with (a bot key of API_KEYS): their turns count against its limits and budget.
  CHANNEL_API_KEY: z.string().min(1).optional(),
  // Twilio: the account and its auth token (webhook signatures, the Messages API). Without them, and
  // outside production, the channel runs on the embedded Twilio simulator (TWILIO_SIMULATOR=auto).
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, { error: 'an account SID: AC and 32 hex digits' })
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().min(16).optional(),
  TWILIO_WHATSAPP_FROM: z
    .string()
    .regex(/^whatsapp:\+\d{6,15}$/, { error: 'whatsapp:+<number>' })
    .default('whatsapp:+14155238886'),
  // The webhook URL exactly as set in Twilio's console (the signature covers it; proxies rewrite what we see).
  TWILIO_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  TWILIO_API_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.twilio.com'),
  TWILIO_SIMULATOR: z.enum(['auto', 'on', 'off']).default('auto'),
  // A turn that ends within this answers in the webhook's TwiML; a longer one through the Messages API (Twilio waits 15 s).
  TWILIO_REPLY_WITHIN_MS: int(10_000, 0, 14_000),

  // Meta's WhatsApp Cloud API: the app secret (webhook signatures), the verify token of the GET handshake,
  // the access token and phone number id for sending. Without them, outside production, the embedded simulator.
  META_APP_SECRET: z.string().min(16).optional(),
  META_VERIFY_TOKEN: z.string().min(8).optional(),
  META_ACCESS_TOKEN: z.string().min(16).optional(),
  META_PHONE_NUMBER_ID: z
    .string()
    .regex(/^\d{6,20}$/, { error: 'the phone number id Meta shows (digits)' })
    .optional(),
  META_GRAPH_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com'),
  META_GRAPH_VERSION: z
    .string()
    .regex(/^v\d{1,2}\.\d$/, { error: 'a Graph API version such as v23.0' })
    .default('v23.0'),
  META_SIMULATOR: z.enum(['auto', 'on', 'off']).default('auto'),

  // --- The books: usage, budgets, provider key vault, gateway keys created at run time ---
  // Postgres (postgres://user:password@host:5432/db) for several instances; else SQLite in DATABASE_FILE.
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, { error: 'a postgres:// or postgresql:// URL' })
    .optional(),
  DATABASE_FILE: z.string().min(1).default('wisphub.db'),
  // 32-byte keys (openssl rand -base64 32), comma-separated: the first seals provider keys, every one opens.
  ENCRYPTION_KEY: z
    .string()
    .regex(/^\s*([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)\s*(,\s*([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)\s*)*$/, {
      error: 'comma-separated 32-byte keys: 64 hex digits or 44 base64 characters each (openssl rand -base64 32)',
    })
    .optional(),
  // Usage rows are written in batches this often (and at shutdown).
  USAGE_FLUSH_MS: int(250, 10, 60_000),
  // Every instance reads gateway keys, budgets and vault keys again this often: a revoked key stops working within it.
  BOOKS_REFRESH_MS: int(2000, 100, 300_000),
  // How old a key's month spend and last-minute tokens may be when a request is checked against its budget.
  BUDGET_TOTALS_MAX_AGE_MS: int(1000, 0, 60_000),

  SIM_PORT: int(0, 0, 65535),
  SIM_SEED: int(20260806),
  SIM_CLIENTS: int(7500, 0, 200_000),
  SIM_PLANS: int(55, 3, 500),
  SIM_TICKETS: int(2500, 0, 100_000),
  SIM_ZONES: int(20, 1, 500),
  SIM_LATENCY_MS: int(450, 0),
  SIM_JITTER_MS: int(150, 0),
  SIM_PING_DELAY_MS: int(3000, 0),
  // With both simulators embedded (no WispHub host, no model provider): play a small ISP's morning
  // through this service's own endpoints once at start, so the console shows every view filled.
  SIM_DEMO_ACTIVITY: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
});

/** Every variable the service reads (documented one by one in .env.example). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

/** What a key may do: `bot` (read, verify, open tickets, report payments and promises) or `operator` (also register payments, suspend and reconnect). */
export type KeyRole = 'bot' | 'operator';
export const KEY_ROLES: readonly KeyRole[] = ['bot', 'operator'];

export interface ApiKey {
  name: string;
  key: string;
  role: KeyRole;
}

export type Config = Omit<
  z.output<typeof envSchema>,
  'API_KEYS' | 'ADMIN_API_KEYS' | 'OPERATOR_API_KEYS' | 'METRICS_API_KEYS' | 'WRITE_SETTLE_MS' | 'TICKET_SETTLE_MS'
> & {
  /**
   * How long a write upstream may still commit after we stopped waiting (tickets, payments,
   * promises): WRITE_SETTLE_MS, or the old TICKET_SETTLE_MS, or 120 s.
   */
  WRITE_SETTLE_MS: number;
  /** Every business key, bot and operator, each with its role. */
  API_KEYS: ApiKey[];
  /** Keys for the operator endpoints (/admin/*), separate from the bots' keys. */
  ADMIN_API_KEYS: ApiKey[];
  /** Keys that may scrape /metrics and nothing else. */
  METRICS_API_KEYS: ApiKey[];
  /** True when no upstream host is configured: the embedded simulator is started. */
  useSimulator: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Bot key accepted when the embedded simulator runs and no key is configured (documented in the README). */
export const DEVELOPMENT_API_KEY = 'dev-local-key-not-for-production';
/** Operator key accepted in the same case, so a developer can play the ISP's staff against the simulator. */
export const DEVELOPMENT_OPERATOR_KEY = 'dev-local-operator-key-not-for-production';
/** Admin key accepted in the same case (and only when ADMIN_API_KEYS is empty), so a developer can open the console and /admin. */
export const DEVELOPMENT_ADMIN_KEY = 'dev-local-admin-key-not-for-production';

function parseApiKey(entry: string, index: number, role: KeyRole, unnamedPrefix = 'key'): ApiKey {
  const separator = entry.indexOf('=');
  if (separator === -1) return { name: `${unnamedPrefix}${index + 1}`, key: entry, role };
  return { name: entry.slice(0, separator), key: entry.slice(separator + 1), role };
}

/** Validates raw settings. Empty strings count as unset, so `PORT=` in `.env` means the default. */
/** Keys from API_KEYS_FILE: one `name=key` per line (or comma-separated); `#` starts a comment. */
function readKeysFile(path: string, variable: string): { entries: string[]; problem: string | null } {
  try {
    const entries = readFileSync(path, 'utf8')
      .split(/[\n,]/)
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter((line) => line !== '');
    return { entries, problem: null };
  } catch (error) {
    return {
      entries: [],
      problem: `${variable}: cannot read ${path} (${error instanceof Error && 'code' in error ? String(error.code) : 'unknown error'})`,
    };
  }
}

export function parseConfig(raw: Record<string, string | undefined>): Config {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = raw[key]?.trim();
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      return `${variable}: ${issue.message}${variable in cleaned ? ` (got "${maskValue(variable, cleaned[variable] ?? '')}")` : ''}`;
    });
    throw new ConfigError(problems);
  }
  const env = result.data;
  const problems: string[] = [];
  const addFromFile = (variable: 'API_KEYS_FILE' | 'OPERATOR_API_KEYS_FILE', into: string[]) => {
    const path = env[variable];
    if (!path) return;
    const file = readKeysFile(path, variable);
    if (file.problem) problems.push(file.problem);
    for (const entry of file.entries) {
      const checked = apiKeyEntry.safeParse(entry);
      if (checked.success) into.push(entry);
      else problems.push(`${variable}: an entry is not name=key with a key of at least 16 characters`);
    }
  };
  addFromFile('API_KEYS_FILE', env.API_KEYS);
  addFromFile('OPERATOR_API_KEYS_FILE', env.OPERATOR_API_KEYS);
  if (env.ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS <= env.ACCOUNT_OVERDUE_AFTER_DAYS) {
    problems.push('ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS: must be greater than ACCOUNT_OVERDUE_AFTER_DAYS');
  }
  if (env.WISPHUB_NET_HOST && !env.WISPHUB_NET_KEY) {
    problems.push('WISPHUB_NET_KEY: required when WISPHUB_NET_HOST is set');
  }
  if (env.NODE_ENV === 'production' && !env.WISPHUB_NET_HOST && !env.ALLOW_SIMULATOR_IN_PRODUCTION) {
    problems.push(
      'WISPHUB_NET_HOST: required with NODE_ENV=production (the embedded simulator and the development keys are for development; ALLOW_SIMULATOR_IN_PRODUCTION=true to serve them anyway)',
    );
  }
  if (env.WISPHUB_NET_HOST && !env.VERIFICATION_SECRET) {
    problems.push('VERIFICATION_SECRET: required when WISPHUB_NET_HOST is set (32+ random characters, the same on every instance)');
  }
  if (env.WISPHUB_NET_HOST && env.API_KEYS.length + env.OPERATOR_API_KEYS.length === 0) {
    problems.push('API_KEYS: required (or API_KEYS_FILE) when WISPHUB_NET_HOST is set (the development key only works with the simulator)');
  }
  const apiKeys = [
    ...env.API_KEYS.map((entry, index) => parseApiKey(entry, index, 'bot')),
    ...env.OPERATOR_API_KEYS.map((entry, index) => parseApiKey(entry, index, 'operator', 'operator')),
  ];
  const names = new Set<string>();
  const secrets = new Set<string>();
  for (const { name, key, role } of apiKeys) {
    const variable = role === 'bot' ? 'API_KEYS' : 'OPERATOR_API_KEYS';
    if (names.has(name)) problems.push(`${variable}: the name "${name}" is used twice (names are unique across bot and operator keys)`);
    if (secrets.has(key)) problems.push(`${variable}: the key named "${name}" is configured twice (one key has one role)`);
    names.add(name);
    secrets.add(key);
  }
  const { OPERATOR_API_KEYS: _operators, METRICS_API_KEYS: _metrics, WRITE_SETTLE_MS, TICKET_SETTLE_MS, ...settings } = env;
  const adminKeys = env.ADMIN_API_KEYS.map((entry, index) => parseApiKey(entry, index, 'operator'));
  if (adminKeys.some(({ key }) => secrets.has(key))) {
    problems.push('ADMIN_API_KEYS: an admin key must not also be a bot or operator key (API_KEYS, OPERATOR_API_KEYS)');
  }
  const metricsKeys = env.METRICS_API_KEYS.map((entry, index) => parseApiKey(entry, index, 'operator', 'metrics'));
  if (metricsKeys.some(({ key }) => secrets.has(key))) {
    problems.push('METRICS_API_KEYS: a metrics key must not also be a bot or operator key (API_KEYS, OPERATOR_API_KEYS)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    ...settings,
    API_KEYS: apiKeys,
    ADMIN_API_KEYS: adminKeys,
    METRICS_API_KEYS: metricsKeys,
    WRITE_SETTLE_MS: WRITE_SETTLE_MS ?? TICKET_SETTLE_MS ?? 120_000,
    useSimulator: !env.WISPHUB_NET_HOST,
  };
}

function maskValue(variable: string, value: string): string {
  if (/KEY/.test(variable)) return '***';
  // A Redis URL may carry a password.
  return variable === 'REDIS_URL' ? value.replace(/(\/\/[^:@/]*:)[^@]*@/, '$1***@') : value;
}

/** Reads `.env` (when present) into process.env without overriding real environment variables. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (env === process.env && existsSync('.env') && typeof process.loadEnvFile === 'function') {
    process.loadEnvFile('.env');
  }
  return parseConfig(env);
}
