/**
 * The schema, as migrations run at start (Kysely's migrator: each once, recorded in
 * `kysely_migration`; on Postgres under an advisory lock, so instances starting together run
 * them once). A later change is a new entry here, never an edit of an old one.
 */

import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { DatabaseKind } from './connect';
import { ROLLUP_COUNTERS, type Tables } from './tables';

function migrations(kind: DatabaseKind): Record<string, Migration> {
  const bigint = 'bigint';
  return {
    '2026-12-05-01-books': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('usage_requests')
          .ifNotExists()
          .addColumn('id', kind === 'postgres' ? 'bigserial' : 'integer', (column) => column.primaryKey())
          .addColumn('at_ms', bigint, (column) => column.notNull())
          .addColumn('day', 'text', (column) => column.notNull())
          .addColumn('request_id', 'text', (column) => column.notNull())
          .addColumn('key_name', 'text', (column) => column.notNull())
          .addColumn('end_user', 'text')
          .addColumn('model_requested', 'text', (column) => column.notNull())
          .addColumn('model_served', 'text')
          .addColumn('provider', 'text')
          .addColumn('tier', 'text', (column) => column.notNull())
          .addColumn('prompt_tokens', 'integer', (column) => column.notNull())
          .addColumn('completion_tokens', 'integer', (column) => column.notNull())
          .addColumn('tokens_counted', 'integer', (column) => column.notNull())
          .addColumn('cost_micros', bigint, (column) => column.notNull())
          .addColumn('latency_ms', 'integer', (column) => column.notNull())
          .addColumn('ttft_ms', 'integer')
          .addColumn('cache', 'text', (column) => column.notNull())
          .addColumn('stream', 'integer', (column) => column.notNull())
          .addColumn('fallbacks', 'text', (column) => column.notNull())
          .addColumn('outcome', 'text', (column) => column.notNull())
          .addColumn('error_reason', 'text')
          .execute();
        // A key's recent requests (the request list, tokens per minute); a time range over every key.
        await db.schema.createIndex('usage_requests_key_at').ifNotExists().on('usage_requests').columns(['key_name', 'at_ms']).execute();
        await db.schema.createIndex('usage_requests_at').ifNotExists().on('usage_requests').column('at_ms').execute();

        let daily = db.schema
          .createTable('usage_daily')
          .ifNotExists()
          .addColumn('day', 'text', (column) => column.notNull())
          .addColumn('key_name', 'text', (column) => column.notNull())
          .addColumn('model', 'text', (column) => column.notNull())
          .addColumn('tier', 'text', (column) => column.notNull());
        for (const name of ROLLUP_COUNTERS) {
          daily = daily.addColumn(name, bigint, (column) => column.notNull().defaultTo(0));
        }
        await daily.addPrimaryKeyConstraint('usage_daily_pk', ['day', 'key_name', 'model', 'tier']).execute();
        // A key's month (budgets) without reading other keys' rows.
        await db.schema.createIndex('usage_daily_key_day').ifNotExists().on('usage_daily').columns(['key_name', 'day']).execute();

        await db.schema
          .createTable('key_budgets')
          .ifNotExists()
          .addColumn('key_name', 'text', (column) => column.primaryKey())
          .addColumn('monthly_budget_micros', bigint)
          .addColumn('tokens_per_minute', 'integer')
          .addColumn('allowed_models', 'text')
          .addColumn('updated_at', bigint, (column) => column.notNull())
          .execute();

        await db.schema
          .createTable('provider_keys')
          .ifNotExists()
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('provider', 'text', (column) => column.notNull())
          .addColumn('owner', 'text', (column) => column.notNull())
          .addColumn('label', 'text', (column) => column.notNull())
          .addColumn('hint', 'text', (column) => column.notNull())
          .addColumn('sealed', 'text', (column) => column.notNull())
          .addColumn('created_at', bigint, (column) => column.notNull())
          .addColumn('updated_at', bigint, (column) => column.notNull())
          .addUniqueConstraint('provider_keys_provider_owner', ['provider', 'owner'])
          .execute();

        await db.schema
          .createTable('gateway_keys')
          .ifNotExists()
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('name', 'text', (column) => column.notNull().unique())
          .addColumn('role', 'text', (column) => column.notNull())
          .addColumn('digest', 'text', (column) => column.notNull().unique())
          .addColumn('prefix', 'text', (column) => column.notNull())
          .addColumn('created_at', bigint, (column) => column.notNull())
          .addColumn('updated_at', bigint, (column) => column.notNull())
          .addColumn('revoked_at', bigint)
          .execute();
        await db.schema.createIndex('gateway_keys_updated').ifNotExists().on('gateway_keys').column('updated_at').execute();
      },
    },
    '2026-12-05-02-agent-tool-calls': {
      async up(db: Kysely<unknown>) {
        // The agent's tool calls (`name:ok` or `name:reason`), comma-separated; empty for other requests.
        await db.schema
          .alterTable('usage_requests')
          .addColumn('tool_calls', 'text', (column) => column.notNull().defaultTo(''))
          .execute();
        // Why the agent handed the conversation to a person, when it did (staff's queue).
        await db.schema.alterTable('usage_requests').addColumn('handoff', 'text').execute();
      },
    },
  };
}

/** Runs every migration not yet applied; throws with the failing one's name. Returns the names applied now. */
export async function migrate(db: Kysely<Tables>, kind: DatabaseKind): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(kind) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/** Rows in a table, for tests and the benchmark. */
export async function countRows(db: Kysely<Tables>, table: keyof Tables): Promise<number> {
  const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}
