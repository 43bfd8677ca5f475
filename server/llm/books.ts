/**
 * The LLM half's books, opened at start: the database (migrated), the usage writer, each key's
 * budget, the provider key vault and the gateway keys admins create. Every instance reads keys,
 * budgets and vault again every BOOKS_REFRESH_MS, so a change made on one is in force on all.
 */

import type { Config } from '../config/settings';
import { type DatabaseKind, openDatabase } from '../database/connect';
import { migrate } from '../database/migrations';
import type { KeySource } from '../guards/api-keys';
import { StoredKeys, type StoredKeyView } from '../guards/stored-keys';
import type { ModelEntry } from './registry';
import {
  type FallbackCause,
  fallbackCauses,
  type HourRow,
  hourly,
  type RequestQuery,
  type RequestRow,
  requests,
  type SummaryQuery,
  type SummaryRow,
  summary,
} from './usage/analytics';
import { Budgets, type KeyBudget } from './usage/budgets';
import type { UsageEntry } from './usage/entry';
import { type UsageRow, UsageStore, type UsageStoreOptions } from './usage/store';
import { usageWriterFor } from './usage/threaded-writer';
import { type NewProviderKey, ProviderKeyVault, type ProviderKeyView } from './vault/provider-keys';
import { KeyRing } from './vault/sealing';

// What the service uses of each part, as interfaces of their own: the classes' constructors take
// the query layer, whose types must not reach the typed client's declarations.
export interface UsageRecorder {
  record(entry: UsageEntry): void;
  flush(): Promise<void>;
  day(atMs?: number): string;
  readonly buffered: number;
}

export interface KeyBudgets {
  admit(keyName: string): Promise<void>;
  allows(keyName: string): ((model: ModelEntry) => boolean) | undefined;
  of(keyName: string): KeyBudget | null;
  list(): KeyBudget[];
  set(budget: Omit<KeyBudget, 'updatedAt'>): Promise<KeyBudget>;
  remove(keyName: string): Promise<boolean>;
  standing(keyName: string): Promise<{ monthSpendUsd: number | null; tokensLastMinute: number | null }>;
}

export interface ProviderKeys {
  readonly enabled: boolean;
  readonly sealingKeyId: string | null;
  readonly unreadable: string[];
  keyFor(provider: string, keyName: string): string | null;
  list(): ProviderKeyView[];
  add(key: NewProviderKey): Promise<ProviderKeyView>;
  rotate(id: string, key: string): Promise<ProviderKeyView | null>;
  remove(id: string): Promise<boolean>;
  reseal(): Promise<{ resealed: number; current: number; unreadable: string[] }>;
}

export interface GatewayKeys extends KeySource {
  list(): StoredKeyView[];
  create(name: string, role: StoredKeyView['role']): Promise<{ key: string; view: StoredKeyView }>;
  rotate(id: string): Promise<{ key: string; view: StoredKeyView } | null>;
  revoke(id: string): Promise<StoredKeyView | null>;
  knows(name: string): boolean;
}

/**
 * The books as the rest of the service sees them: the query layer stays inside (its types are not
 * part of the procedures' context, which the typed client's declarations carry).
 */
export interface Books {
  database: { kind: DatabaseKind; where: string };
  /** Where usage batches are written: a thread of their own (a SQLite file), or this event loop (Postgres, `:memory:`). */
  usageWriter: 'thread' | 'event loop';
  usage: UsageRecorder;
  budgets: KeyBudgets;
  vault: ProviderKeys;
  keys: GatewayKeys;
  /** Migrations applied at this start (empty when the schema was current). */
  migrated: string[];
  /** Runs the migrations again (none is applied twice): the names applied now. */
  migrate(): Promise<string[]>;
  /** Usage summed by day, key, model and tier (written rows first). */
  summary(query: SummaryQuery): Promise<SummaryRow[]>;
  /** The latest request rows (written rows first). */
  requests(query: RequestQuery): Promise<RequestRow[]>;
  /** Requests, errors, cost and handoffs per hour since an instant (written rows first). */
  hourly(sinceMs: number): Promise<HourRow[]>;
  /** Failed attempts before the one that served, by model and failure, since an instant. */
  fallbackCauses(sinceMs: number): Promise<FallbackCause[]>;
  /** Reads keys, budgets and vault again now. */
  refresh(): Promise<void>;
  /** Writes what is buffered and closes the database. */
  stop(): Promise<void>;
}

export interface BooksOptions {
  /** Names of the environment's keys: a stored key may not take one. */
  reservedKeyNames: ReadonlySet<string>;
  onFlush?: UsageStoreOptions['onFlush'];
  onDropped?: UsageStoreOptions['onDropped'];
  onRefusal?: (keyName: string, reason: 'budget_exceeded' | 'rate_limited') => void;
  onRefreshError?: (error: unknown) => void;
}

type BooksSettings = Pick<
  Config,
  'DATABASE_URL' | 'DATABASE_FILE' | 'ENCRYPTION_KEY' | 'USAGE_FLUSH_MS' | 'BOOKS_REFRESH_MS' | 'BUDGET_TOTALS_MAX_AGE_MS' | 'TIMEZONE'
>;

export async function openBooks(config: BooksSettings, options: BooksOptions): Promise<Books> {
  const database = await openDatabase(config);
  let migrated: string[];
  try {
    migrated = await migrate(database.db, database.kind);
  } catch (error) {
    await database.close();
    throw error;
  }
  const writer = usageWriterFor(database);
  const usage = new UsageStore({
    db: database.db,
    ...(writer ? { writeBatch: (rows: UsageRow[]) => writer.write(rows) } : {}),
    kind: database.kind,
    timeZone: config.TIMEZONE,
    flushMs: config.USAGE_FLUSH_MS,
    ...(options.onFlush ? { onFlush: options.onFlush } : {}),
    ...(options.onDropped ? { onDropped: options.onDropped } : {}),
  });
  const budgets = new Budgets(database.db, usage, {
    totalsMaxAgeMs: config.BUDGET_TOTALS_MAX_AGE_MS,
    ...(options.onRefusal ? { onRefusal: options.onRefusal } : {}),
  });
  const vault = new ProviderKeyVault(database.db, config.ENCRYPTION_KEY ? KeyRing.fromSetting(config.ENCRYPTION_KEY) : null);
  const keys = new StoredKeys(database.db, options.reservedKeyNames);
  const refresh = async () => {
    await Promise.all([keys.refresh(), budgets.refresh(), vault.refresh()]);
  };
  await refresh();
  usage.start();
  const timer = setInterval(() => {
    refresh().catch((error: unknown) => options.onRefreshError?.(error));
  }, config.BOOKS_REFRESH_MS);
  timer.unref();
  return {
    database: { kind: database.kind, where: database.where },
    usageWriter: writer ? 'thread' : 'event loop',
    async migrate() {
      return migrate(database.db, database.kind);
    },
    async summary(query) {
      await usage.flush();
      return summary(database.db, query);
    },
    async requests(query) {
      await usage.flush();
      return requests(database.db, query);
    },
    async hourly(sinceMs) {
      await usage.flush();
      return hourly(database.db, sinceMs);
    },
    async fallbackCauses(sinceMs) {
      await usage.flush();
      return fallbackCauses(database.db, sinceMs);
    },
    usage,
    budgets,
    vault,
    keys,
    migrated,
    refresh,
    async stop() {
      clearInterval(timer);
      await usage.stop();
      await writer?.close();
      await database.close();
    },
  };
}
