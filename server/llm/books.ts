/**
 * The LLM half's books, opened at start: the database (migrated), the usage writer, each key's
 * budget, the provider key vault and the gateway keys admins create. Every instance reads keys,
 * budgets and vault again every BOOKS_REFRESH_MS, so a change made on one is in force on all.
 */

import type { Config } from '../config/settings';
import { type Database, openDatabase } from '../database/connect';
import { migrate } from '../database/migrations';
import { StoredKeys } from '../guards/stored-keys';
import { Budgets } from './usage/budgets';
import { UsageStore, type UsageStoreOptions } from './usage/store';
import { ProviderKeyVault } from './vault/provider-keys';
import { KeyRing } from './vault/sealing';

export interface Books {
  database: Database;
  usage: UsageStore;
  budgets: Budgets;
  vault: ProviderKeyVault;
  keys: StoredKeys;
  /** Migrations applied at this start (empty when the schema was current). */
  migrated: string[];
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
  const usage = new UsageStore({
    db: database.db,
    kind: database.kind,
    timeZone: config.TIMEZONE,
    flushMs: config.USAGE_FLUSH_MS,
    ...(options.onFlush ? { onFlush: options.onFlush } : {}),
    ...(options.onDropped ? { onDropped: options.onDropped } : {}),
  });
  const budgets = new Budgets(usage, {
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
    database,
    usage,
    budgets,
    vault,
    keys,
    migrated,
    refresh,
    async stop() {
      clearInterval(timer);
      await usage.stop();
      await database.close();
    },
  };
}
