/**
 * npm run bench:books [-- --quick] [-- --sizes=50000,500000]: what the books' questions cost as the
 * usage table grows to 50k, 500k and 5 M rows, on SQLite and on Postgres (a throw-away server when
 * Postgres is installed). Rows are generated inside the database (a month of traffic: 8 keys, 10
 * models, 4 tiers), the daily rollups rebuilt from them, then each question asked 15 times:
 *   month by day/model/key   the console's main table, from the rollups (goal: < 50 ms at 5 M, flat)
 *   month by tier            the classifier's mix
 *   key's month spend        what a budget check reads when its total is stale
 *   key's last minute        what a tokens-per-minute check reads
 *   key's latest 100         the request list
 *   baseline: raw month scan the same day/model/key summary computed from the request rows
 * Timing is the median of the runs; nothing here is asserted.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { type Database, openPostgres, openSqlite } from '../../server/database/connect';
import { migrate } from '../../server/database/migrations';
import { rebuildRollups, requests, summary } from '../../server/llm/usage/analytics';
import { UsageStore } from '../../server/llm/usage/store';
import { postgresAvailable, TestPostgres } from '../support/postgres-server';

const quick = process.argv.includes('--quick');
const sizesArg = process.argv.find((arg) => arg.startsWith('--sizes='));
const SIZES = sizesArg ? sizesArg.slice('--sizes='.length).split(',').map(Number) : quick ? [50_000] : [50_000, 500_000, 5_000_000];
const RUNS = 15;
const MONTH_START = Date.UTC(2026, 10, 1, 5); // 2026-11-01 00:00 in Bogotá
const MONTH_MS = 30 * 86_400_000;
const MODELS = [
  'openai/gpt-4o-mini',
  'openai/gpt-4o',
  'openai/o3-mini',
  'anthropic/claude-3-5-haiku-latest',
  'anthropic/claude-sonnet-4',
  'google/gemini-2.0-flash',
  'google/gemini-2.5-pro',
  'ollama/llama3.2',
  'openai/gpt-4.1-mini',
  'anthropic/claude-opus-4',
];

/** Rows generated inside the database, spread evenly over the month. */
async function generate(database: Database, rows: number): Promise<void> {
  const models = `(case i % 10 ${MODELS.map((model, index) => `when ${index} then '${model}'`).join(' ')} end)`;
  const select = `
    ${MONTH_START} + (i * ${Math.floor(MONTH_MS / rows)}),
    '2026-11-' || substr('0' || cast(1 + (i * 30 / ${rows}) as text), -2, 2),
    'r' || cast(i as text),
    'bot-' || cast(i % 8 as text),
    case when i % 3 = 0 then null else 'u' || cast(i % 5000 as text) end,
    'auto', ${models}, substr(${models}, 1, instr(${models}, '/') - 1),
    case i % 4 when 0 then 'SIMPLE' when 1 then 'MODERATE' when 2 then 'COMPLEX' else 'EXPERT' end,
    200 + i % 1500, 50 + i % 400, 0, (i % 997) * 3, 150 + (i * 37) % 4000,
    case when i % 2 = 0 then 80 + (i * 13) % 900 else null end,
    case when i % 10 = 0 then 'hit' else 'bypass' end, i % 2,
    case when i % 50 = 0 then 'openai/gpt-4o:server_error' else '' end,
    case when i % 40 = 0 then 'error' else 'ok' end, null`;
  const columns =
    'at_ms, day, request_id, key_name, end_user, model_requested, model_served, provider, tier, prompt_tokens, completion_tokens, tokens_counted, cost_micros, latency_ms, ttft_ms, cache, stream, fallbacks, outcome, error_reason';
  if (database.kind === 'postgres') {
    const pgSelect = select
      .replace(/substr\('0' \|\| cast\(1 \+ \(i \* 30 \/ (\d+)\) as text\), -2, 2\)/, "lpad(cast(1 + (i * 30 / $1) as text), 2, '0')")
      .replace(/instr\(([^,]+), '\/'\)/g, "strpos($1, '/')");
    await sql
      .raw(`insert into usage_requests (${columns}) select ${pgSelect} from generate_series(0::bigint, ${rows - 1}) as g(i)`)
      .execute(database.db);
    await sql.raw('analyze usage_requests').execute(database.db);
  } else {
    const batch = 500_000;
    for (let start = 0; start < rows; start += batch) {
      const end = Math.min(rows, start + batch) - 1;
      await sql
        .raw(
          `with recursive n(i) as (select ${start} union all select i + 1 from n where i < ${end}) insert into usage_requests (${columns}) select ${select} from n`,
        )
        .execute(database.db);
    }
    await sql.raw('analyze').execute(database.db);
  }
}

async function median(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function measure(database: Database, rows: number): Promise<Record<string, number>> {
  const generated = performance.now();
  await generate(database, rows);
  const generateMs = performance.now() - generated;
  const rebuilt = performance.now();
  await rebuildRollups(database.db, '2026-11-01', '2026-11-30');
  const rollupMs = performance.now() - rebuilt;
  // The clock at the month's last minute, so "last minute" reads rows; a max age of -1 reads the database every time.
  const store = new UsageStore({
    db: database.db,
    kind: database.kind,
    timeZone: 'America/Bogota',
    flushMs: 1000,
    now: () => MONTH_START + MONTH_MS - 1000,
  });
  const month = { from: '2026-11-01', to: '2026-11-30' };
  return {
    generateS: generateMs / 1000,
    rollupS: rollupMs / 1000,
    'month by day/model/key': await median(() => summary(database.db, { ...month, groupBy: ['day', 'model', 'key'] })),
    'month by tier': await median(() => summary(database.db, { ...month, groupBy: ['tier'] })),
    "key's month spend": await median(() => store.monthSpendMicros('bot-3', -1)),
    "key's last minute": await median(() => store.tokensLastMinute('bot-3', -1)),
    "key's latest 100": await median(() => requests(database.db, { key: 'bot-3', sinceMs: MONTH_START, limit: 100 })),
    'baseline: raw month scan': await median(() =>
      database.db
        .selectFrom('usage_requests')
        .select(['day', 'model_served', 'key_name'])
        .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('cost_micros').as('cost')])
        .where('day', '>=', month.from)
        .where('day', '<=', month.to)
        .groupBy(['day', 'model_served', 'key_name'])
        .execute(),
    ),
  };
}

async function main(): Promise<void> {
  const results: { database: string; rows: number; figures: Record<string, number> }[] = [];
  const folder = mkdtempSync(join(tmpdir(), 'wisphub-books-bench-'));
  const postgres = postgresAvailable() ? await TestPostgres.start() : null;
  try {
    for (const rows of SIZES) {
      const sqlite = await openSqlite(join(folder, `usage-${rows}.db`));
      await migrate(sqlite.db, sqlite.kind);
      results.push({ database: 'SQLite', rows, figures: await measure(sqlite, rows) });
      await sqlite.close();
      console.error(`SQLite ${rows} done`);
      if (postgres) {
        const pg = await openPostgres(await postgres.database(`usage_${rows}`));
        await migrate(pg.db, pg.kind);
        results.push({ database: 'Postgres', rows, figures: await measure(pg, rows) });
        await pg.close();
        console.error(`Postgres ${rows} done`);
      }
    }
  } finally {
    await postgres?.stop();
    rmSync(folder, { recursive: true, force: true });
  }
  const names = Object.keys(results[0]!.figures).filter((name) => !name.endsWith('S'));
  console.log(`\nBooks analytics (median of ${RUNS} runs, ms; rows generated in the database over one month)`);
  console.log(`| database | rows | generate s | rollups s | ${names.join(' | ')} |`);
  console.log(`|---|---:|---:|---:|${names.map(() => '---:').join('|')}|`);
  for (const { database, rows, figures } of results) {
    console.log(
      `| ${database} | ${rows.toLocaleString('en')} | ${figures.generateS!.toFixed(1)} | ${figures.rollupS!.toFixed(1)} | ${names
        .map((name) => figures[name]!.toFixed(2))
        .join(' | ')} |`,
    );
  }
}

await main();
