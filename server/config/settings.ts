import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/** Every setting of the service, read once from the environment (and `.env`) and validated here. */

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
  VERIFY_MAX_FAILURES: int(5, 1),
  VERIFY_MAX_FAILURES_PER_KEY: int(50, 1),
  RESOLVE_MAX_FAILURES_PER_KEY: int(30, 1),
  IDENTITY_WINDOW_S: int(900, 1),
  ADMIN_API_KEYS: csv(apiKeyEntry).default([]),
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
  UPSTREAM_READ_BUDGET_MS: int(15_000, 100),
  UPSTREAM_BREAKER_THRESHOLD: int(5, 1),
  UPSTREAM_BREAKER_COOLDOWN_MS: int(15_000, 100),
  TICKET_RECONCILE_WINDOW_S: int(600, 10),
  // Covers upstream's own request timeouts (a Django app behind gunicorn, 30 s by default, and a
  // proxy, 60 s by default): a POST still running upstream can commit up to then. Callers never
  // wait for it (202 pending_confirmation); only a re-post waits. Must stay under the reconcile window.
  TICKET_SETTLE_MS: int(120_000, 0),
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
  TIMEZONE: validTimeZone.default('America/Bogota'),
  EXTRA_HOLIDAYS: csv(isoDate).default([]),
  IDEMPOTENCY_TTL_S: int(86_400, 60),
  ACCOUNT_OVERDUE_AFTER_DAYS: int(1, 1),
  ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS: int(30, 1),

  PING_POLL_INTERVAL_MS: int(2000, 10),
  PING_DEADLINE_MS: int(20_000, 100),

  SIM_PORT: int(0, 0, 65535),
  SIM_SEED: int(20260806),
  SIM_CLIENTS: int(7500, 0, 200_000),
  SIM_PLANS: int(55, 3, 500),
  SIM_TICKETS: int(2500, 0, 100_000),
  SIM_ZONES: int(20, 1, 500),
  SIM_LATENCY_MS: int(450, 0),
  SIM_JITTER_MS: int(150, 0),
  SIM_PING_DELAY_MS: int(3000, 0),
});

/** Every variable the service reads (documented one by one in .env.example). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

export interface ApiKey {
  name: string;
  key: string;
}

export type Config = Omit<z.output<typeof envSchema>, 'API_KEYS' | 'ADMIN_API_KEYS'> & {
  API_KEYS: ApiKey[];
  /** Keys for the operator endpoints (/admin/*), separate from the bots' keys. */
  ADMIN_API_KEYS: ApiKey[];
  /** True when no upstream host is configured: the embedded simulator is started. */
  useSimulator: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Key accepted when the embedded simulator runs and API_KEYS is empty (documented in the README). */
export const DEVELOPMENT_API_KEY = 'dev-local-key-not-for-production';

function parseApiKey(entry: string, index: number): ApiKey {
  const separator = entry.indexOf('=');
  if (separator === -1) return { name: `key${index + 1}`, key: entry };
  return { name: entry.slice(0, separator), key: entry.slice(separator + 1) };
}

/** Validates raw settings. Empty strings count as unset, so `PORT=` in `.env` means the default. */
/** Keys from API_KEYS_FILE: one `name=key` per line (or comma-separated); `#` starts a comment. */
function readKeysFile(path: string): { entries: string[]; problem: string | null } {
  try {
    const entries = readFileSync(path, 'utf8')
      .split(/[\n,]/)
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter((line) => line !== '');
    return { entries, problem: null };
  } catch (error) {
    return {
      entries: [],
      problem: `API_KEYS_FILE: cannot read ${path} (${error instanceof Error && 'code' in error ? String(error.code) : 'unknown error'})`,
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
  if (env.API_KEYS_FILE) {
    const file = readKeysFile(env.API_KEYS_FILE);
    if (file.problem) problems.push(file.problem);
    for (const entry of file.entries) {
      const checked = apiKeyEntry.safeParse(entry);
      if (checked.success) env.API_KEYS.push(entry);
      else problems.push(`API_KEYS_FILE: an entry is not name=key with a key of at least 16 characters`);
    }
  }
  if (env.ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS <= env.ACCOUNT_OVERDUE_AFTER_DAYS) {
    problems.push('ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS: must be greater than ACCOUNT_OVERDUE_AFTER_DAYS');
  }
  if (env.WISPHUB_NET_HOST && !env.WISPHUB_NET_KEY) {
    problems.push('WISPHUB_NET_KEY: required when WISPHUB_NET_HOST is set');
  }
  if (env.WISPHUB_NET_HOST && env.API_KEYS.length === 0) {
    problems.push('API_KEYS: required (or API_KEYS_FILE) when WISPHUB_NET_HOST is set (the development key only works with the simulator)');
  }
  const apiKeys = env.API_KEYS.map(parseApiKey);
  const names = new Set<string>();
  for (const { name } of apiKeys) {
    if (names.has(name)) problems.push(`API_KEYS: the name "${name}" is used twice`);
    names.add(name);
  }
  const adminKeys = env.ADMIN_API_KEYS.map(parseApiKey);
  const botKeys = new Set(apiKeys.map(({ key }) => key));
  if (adminKeys.some(({ key }) => botKeys.has(key))) problems.push('ADMIN_API_KEYS: an admin key must not also be a bot key (API_KEYS)');
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...env, API_KEYS: apiKeys, ADMIN_API_KEYS: adminKeys, useSimulator: !env.WISPHUB_NET_HOST };
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
