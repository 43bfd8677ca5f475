/**
 * The daily rollups the analytics read: kept as rows land, equal to rebuilding them from the rows,
 * and their percentiles exact to the histogram's bucket.
 */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Database, openSqlite } from '../../server/database/connect';
import { migrate } from '../../server/database/migrations';
import { rebuildRollups, summary } from '../../server/llm/usage/analytics';
import type { UsageEntry } from '../../server/llm/usage/entry';
import { BUCKET_UPPER_MS, bucketOf, quantileOf } from '../../server/llm/usage/histogram';
import { UsageStore } from '../../server/llm/usage/store';

const rollups = suite('books: daily rollups and their percentiles');
let database: Database;
const DAY = Date.UTC(2026, 11, 3, 15);

rollups.before.each(async () => {
  database = await openSqlite(':memory:');
  await migrate(database.db, database.kind);
});
rollups.after.each(async () => {
  await database.close();
});

function entry(index: number): UsageEntry {
  return {
    atMs: DAY + (index % 3) * 86_400_000,
    requestId: `r${index}`,
    keyName: index % 2 === 0 ? 'bot-a' : 'bot-b',
    endUser: `user-${index % 7}`,
    modelRequested: 'auto',
    modelServed: index % 5 === 0 ? null : index % 3 === 0 ? 'openai/gpt-4o-mini' : 'anthropic/claude-3-5-haiku-latest',
    provider: null,
    tier: index % 4 === 0 ? null : 'SIMPLE',
    promptTokens: 100 + index,
    completionTokens: 20 + (index % 9),
    tokensCounted: false,
    costUsd: (index % 13) / 100_000,
    latencyMs: 40 + ((index * 97) % 6000),
    ttftMs: index % 2 === 0 ? 30 + ((index * 31) % 800) : null,
    cache: index % 6 === 0 ? 'hit' : 'bypass',
    stream: index % 2 === 0,
    fallbacks: index % 11 === 0 ? ['openai/gpt-4o:server_error'] : [],
    outcome: index % 5 === 0 ? 'error' : 'ok',
    errorReason: index % 5 === 0 ? 'provider_unavailable' : null,
  };
}

rollups('rollups kept batch by batch equal rollups rebuilt from the rows', async () => {
  const store = new UsageStore({ db: database.db, kind: database.kind, timeZone: 'America/Bogota', flushMs: 1000 });
  for (let batch = 0; batch < 5; batch++) {
    for (let index = batch * 300; index < (batch + 1) * 300; index++) store.record(entry(index));
    await store.flush();
  }
  const query = { from: '2026-12-01', to: '2026-12-31', groupBy: ['day', 'key', 'model', 'tier'] as const };
  const kept = await summary(database.db, { ...query, groupBy: [...query.groupBy] });
  await rebuildRollups(database.db, query.from, query.to);
  const rebuilt = await summary(database.db, { ...query, groupBy: [...query.groupBy] });
  assert.equal(rebuilt, kept);
  assert.is(
    kept.reduce((sum, row) => sum + row.requests, 0),
    1500,
  );
  const errors = kept.reduce((sum, row) => sum + row.errors, 0);
  assert.is(errors, 300);
  const untiered = kept.filter((row) => row.tier === null);
  assert.ok(untiered.length > 0, 'a request without a tier is kept apart, not dropped');
});

rollups('a percentile from the histogram lies in the bucket of the exact one', async () => {
  const store = new UsageStore({ db: database.db, kind: database.kind, timeZone: 'America/Bogota', flushMs: 1000 });
  const latencies: number[] = [];
  for (let index = 0; index < 2000; index++) {
    const item = entry(index);
    latencies.push(item.latencyMs);
    store.record(item);
  }
  await store.flush();
  const [all] = await summary(database.db, { from: '2026-12-01', to: '2026-12-31', groupBy: [] });
  latencies.sort((a, b) => a - b);
  for (const [q, estimate] of [
    [0.5, all!.latencyP50Ms],
    [0.95, all!.latencyP95Ms],
  ] as const) {
    const exact = latencies[Math.ceil(q * latencies.length) - 1]!;
    assert.is(bucketOf(estimate!), bucketOf(exact), `q${q}: ${estimate} vs exact ${exact}`);
  }
  assert.is(quantileOf(new Array(BUCKET_UPPER_MS.length).fill(0), 0.5), null, 'no requests, no percentile');
  assert.is(bucketOf(0), 0);
  assert.is(bucketOf(10_000_000), BUCKET_UPPER_MS.length - 1, 'anything longer lands in the last bucket');
});

rollups('days and months are counted in the ISP’s time zone', () => {
  const store = new UsageStore({ db: database.db, kind: database.kind, timeZone: 'America/Bogota', flushMs: 1000 });
  // 2026-12-01 03:00 UTC is still November 30 in Bogotá (UTC-5).
  assert.is(store.day(Date.UTC(2026, 11, 1, 3)), '2026-11-30');
  assert.is(store.day(Date.UTC(2026, 11, 1, 6)), '2026-12-01');
});

rollups.run();
