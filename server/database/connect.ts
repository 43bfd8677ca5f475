/**
 * The service's own database: SQLite in a file (embedded, nothing to install) unless DATABASE_URL
 * names a Postgres server, which several instances then share. One query layer (Kysely) over both;
 * the drivers are loaded only for the database in use.
 */

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Tables } from './tables';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Database {
  db: Kysely<Tables>;
  kind: DatabaseKind;
  /** Where it lives, for logs: the file, or the Postgres host and database (never the password). */
  where: string;
  close(): Promise<void>;
}

/** Postgres type ids whose text pg would hand over as strings: int8 (counts, sums of integers) and numeric. */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

function redacted(url: URL): string {
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

export async function openPostgres(connectionString: string, poolSize = 10): Promise<Database> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    // Amounts are micro-dollars and counts: well inside a double, so numbers, not strings.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server emits on the pool; the next query reports it instead.
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', where: redacted(new URL(connectionString)), close: () => db.destroy() };
}

type SqliteDatabase = ConstructorParameters<typeof SqliteDialect>[0]['database'];

/** Bun's own SQLite (`bun:sqlite`), shaped as Kysely's SQLite dialect expects (better-sqlite3's API). */
interface BunStatement {
  columnNames: string[];
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
interface BunSqlite {
  prepare(sql: string): BunStatement;
  exec(sql: string): void;
  close(): void;
}

async function bunSqlite(file: string): Promise<{ database: SqliteDatabase; exec: (sql: string) => void }> {
  // A specifier TypeScript does not resolve (Bun's types are not installed) and esbuild leaves alone.
  const specifier = 'bun:sqlite';
  const { Database } = (await import(specifier)) as { Database: new (file: string) => BunSqlite };
  const sqlite = new Database(file);
  const database = {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const statement = sqlite.prepare(sql);
      return {
        reader: statement.columnNames.length > 0,
        all: (parameters: ReadonlyArray<unknown>) => statement.all(...parameters),
        run: (parameters: ReadonlyArray<unknown>) => {
          const { changes, lastInsertRowid } = statement.run(...parameters);
          return { changes, lastInsertRowid };
        },
        iterate: (parameters: ReadonlyArray<unknown>) => statement.iterate(...parameters),
      };
    },
  } as unknown as SqliteDatabase;
  return { database, exec: (sql) => sqlite.exec(sql) };
}

async function libsqlDatabase(file: string): Promise<{ database: SqliteDatabase; exec: (sql: string) => void }> {
  const { default: Libsql } = await import('libsql');
  const sqlite = new Libsql(file);
  return { database: sqlite as unknown as SqliteDatabase, exec: (sql) => sqlite.exec(sql) };
}

/**
 * SQLite through libsql on Node (prebuilt N-API binaries: Node 20 and 24 alike), through Bun's
 * built-in `bun:sqlite` on Bun (a native addon crashed Bun's full test run: a segfault, not ours to fix).
 */
export async function openSqlite(file: string): Promise<Database> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const { database, exec } = 'Bun' in globalThis ? await bunSqlite(file) : await libsqlDatabase(file);
  // WAL: readers (analytics) never wait for the writer (usage flushes); NORMAL is durable across a process crash.
  exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database }) });
  return { db, kind: 'sqlite', where: file, close: () => db.destroy() };
}

/** DATABASE_URL (postgres:// or postgresql://) when set, else the SQLite file. */
export function openDatabase(settings: { DATABASE_URL?: string | undefined; DATABASE_FILE: string }): Promise<Database> {
  return settings.DATABASE_URL ? openPostgres(settings.DATABASE_URL) : openSqlite(settings.DATABASE_FILE);
}
