/**
 * The books' writer and its running totals. A request's entry is kept in memory and written with
 * its neighbours every `flushMs` (one transaction: the rows, then their day's rollups), so the
 * request path never waits for a disk or a network round trip. Until written, an entry still
 * counts in this instance's spend and token totals; other instances see it once it is written.
 * A failed write keeps the batch (bounded) and tries again.
 */

import { type Kysely, sql } from 'kysely';
import type { DatabaseKind } from '../../database/connect';
import { latencyColumns, ROLLUP_COUNTERS, ROLLUP_SUMS, type Tables, ttftColumns } from '../../database/tables';
import { dayFormatter, type RollupDelta, rollupsOf, rowOf, type UsageEntry } from './entry';

export interface UsageStoreOptions {
  db: Kysely<Tables>;
  kind: DatabaseKind;
  /** The ISP's time zone: days and months are counted in it. */
  timeZone: string;
  flushMs: number;
  /** Entries kept while the database cannot be written; the oldest go first past this. */
  maxBuffered?: number;
  now?: () => number;
  onFlush?: (outcome: { rows: number; ms: number; failed: boolean }) => void;
  /**
   * Writes a batch (rows and their rollups, one transaction); by default on `db`, in this thread.
   * A SQLite file is written from a worker thread instead (threaded-writer.ts): its driver is
   * synchronous, and a flush on the event loop stopped every request for its 4-10 ms.
   */
  writeBatch?: (batch: UsageRow[]) => Promise<void>;
  onDropped?: (rows: number) => void;
}

const ROWS_PER_INSERT = 400;
const ROLLUPS_PER_UPSERT = 100;
const TOKEN_WINDOW_MS = 60_000;

function rollupRow(delta: RollupDelta): Record<string, string | number> {
  const row: Record<string, string | number> = { day: delta.day, key_name: delta.key_name, model: delta.model, tier: delta.tier };
  for (const column of ROLLUP_SUMS) row[column] = delta[column];
  delta.latency.forEach((count, index) => {
    row[latencyColumns[index]!] = count;
  });
  delta.ttft.forEach((count, index) => {
    row[ttftColumns[index]!] = count;
  });
  return row;
}

/** Adds a batch's rollups to what the table holds (insert, or add on conflict). */
export async function upsertRollups(db: Kysely<Tables>, deltas: readonly RollupDelta[]): Promise<void> {
  const additions = Object.fromEntries(
    ROLLUP_COUNTERS.map((column) => [column, sql`${sql.ref(`usage_daily.${column}`)} + ${sql.ref(`excluded.${column}`)}`]),
  );
  for (let start = 0; start < deltas.length; start += ROLLUPS_PER_UPSERT) {
    const rows = deltas.slice(start, start + ROLLUPS_PER_UPSERT).map(rollupRow);
    await db
      .insertInto('usage_daily')
      .values(rows as never)
      .onConflict((conflict) => conflict.columns(['day', 'key_name', 'model', 'tier']).doUpdateSet(additions as never))
      .execute();
  }
}

export type UsageRow = ReturnType<typeof rowOf>;

/** A batch of request rows and the day rollups they add to, in one transaction. */
export async function writeUsageBatch(db: Kysely<Tables>, batch: readonly UsageRow[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < batch.length; start += ROWS_PER_INSERT) {
      await trx
        .insertInto('usage_requests')
        .values(batch.slice(start, start + ROWS_PER_INSERT))
        .execute();
    }
    await upsertRollups(trx, rollupsOf(batch));
  });
}

export class UsageStore {
  private buffer: UsageRow[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly dayOf: (atMs: number) => string;
  private readonly now: () => number;
  private readonly maxBuffered: number;
  /** Month spend read from the database per key, and when; what this instance wrote since is added to it. */
  private readonly spendRead = new Map<string, { month: string; micros: number; atMs: number }>();
  private readonly tokensRead = new Map<string, { tokens: number; atMs: number; recent: { atMs: number; tokens: number }[] }>();

  constructor(private readonly options: UsageStoreOptions) {
    this.dayOf = dayFormatter(options.timeZone);
    this.now = options.now ?? Date.now;
    this.maxBuffered = options.maxBuffered ?? 100_000;
  }

  /** `YYYY-MM-DD` in the ISP's time zone. */
  day(atMs: number = this.now()): string {
    return this.dayOf(atMs);
  }

  /** Rows waiting to be written. */
  get buffered(): number {
    return this.buffer.length;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  record(entry: UsageEntry): void {
    const row = rowOf(entry, this.dayOf(entry.atMs));
    this.buffer.push(row);
    if (this.buffer.length > this.maxBuffered) {
      const dropped = this.buffer.splice(0, this.buffer.length - this.maxBuffered);
      this.options.onDropped?.(dropped.length);
    }
    const tokens = row.prompt_tokens + row.completion_tokens;
    const read = this.tokensRead.get(row.key_name);
    if (read && tokens > 0) read.recent.push({ atMs: row.at_ms, tokens });
    const spend = this.spendRead.get(row.key_name);
    if (spend && spend.month === row.day.slice(0, 7)) spend.micros += row.cost_micros;
  }

  /** Writes every buffered entry now (one flush at a time; a second caller waits for the running one, then writes what came since). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const started = this.now();
    this.flushing = this.write(batch)
      .then(() => this.options.onFlush?.({ rows: batch.length, ms: this.now() - started, failed: false }))
      .catch(() => {
        // Kept for the next flush, ahead of what arrived since.
        this.buffer = [...batch, ...this.buffer].slice(-this.maxBuffered);
        this.options.onFlush?.({ rows: batch.length, ms: this.now() - started, failed: true });
      })
      .finally(() => {
        this.flushing = null;
      });
    await this.flushing;
  }

  private write(batch: UsageRow[]): Promise<void> {
    return this.options.writeBatch ? this.options.writeBatch(batch) : writeUsageBatch(this.options.db, batch);
  }

  /** Micro-dollars a key spent this month (database, read at most `maxAgeMs` ago, plus what this instance has recorded since). */
  async monthSpendMicros(keyName: string, maxAgeMs: number): Promise<number> {
    const now = this.now();
    const month = this.day(now).slice(0, 7);
    const read = this.spendRead.get(keyName);
    if (read && read.month === month && now - read.atMs <= maxAgeMs) return read.micros;
    const row = await this.options.db
      .selectFrom('usage_daily')
      .select((eb) => eb.fn.sum<number>('cost_micros').as('micros'))
      .where('key_name', '=', keyName)
      .where('day', '>=', `${month}-01`)
      .where('day', '<=', `${month}-31`)
      .executeTakeFirst();
    const pending = this.buffer.filter((entry) => entry.key_name === keyName && entry.day.startsWith(month));
    const micros = Number(row?.micros ?? 0) + pending.reduce((sum, entry) => sum + entry.cost_micros, 0);
    this.spendRead.set(keyName, { month, micros, atMs: now });
    return micros;
  }

  /** Tokens a key used in the last minute (database, read at most `maxAgeMs` ago, plus this instance's since). */
  async tokensLastMinute(keyName: string, maxAgeMs: number): Promise<number> {
    const now = this.now();
    const read = this.tokensRead.get(keyName);
    if (read && now - read.atMs <= maxAgeMs) {
      read.recent = read.recent.filter((entry) => entry.atMs > now - TOKEN_WINDOW_MS);
      return read.tokens + read.recent.reduce((sum, entry) => sum + entry.tokens, 0);
    }
    const since = now - TOKEN_WINDOW_MS;
    const row = await this.options.db
      .selectFrom('usage_requests')
      .select((eb) => eb.fn.sum<number>(sql`prompt_tokens + completion_tokens`).as('tokens'))
      .where('key_name', '=', keyName)
      .where('at_ms', '>', since)
      .executeTakeFirst();
    const pending = this.buffer
      .filter((entry) => entry.key_name === keyName && entry.at_ms > since)
      .reduce((sum, entry) => sum + entry.prompt_tokens + entry.completion_tokens, 0);
    this.tokensRead.set(keyName, { tokens: Number(row?.tokens ?? 0) + pending, atMs: now, recent: [] });
    return Number(row?.tokens ?? 0) + pending;
  }
}
