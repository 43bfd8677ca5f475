/**
 * The books' writer thread for a SQLite file: batches committed by the thread are what the main
 * connection reads, equal to what the same batches make written in this thread; a thread that
 * cannot write fails its batch and the store keeps it; which databases get a thread.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Database, openSqlite } from '../../server/database/connect';
import { migrate } from '../../server/database/migrations';
import { summary } from '../../server/llm/usage/analytics';
import type { UsageEntry } from '../../server/llm/usage/entry';
import { UsageStore } from '../../server/llm/usage/store';
import { ThreadedUsageWriter, usageWriterFor, writerThreadScript } from '../../server/llm/usage/threaded-writer';

const thread = suite('books: the SQLite usage writer thread');
const DAY = Date.UTC(2026, 11, 4, 15);
let folder: string;
const opened: Database[] = [];

async function migrated(file: string): Promise<Database> {
  const database = await openSqlite(file);
  opened.push(database);
  await migrate(database.db, database.kind);
  return database;
}

thread.before.each(() => {
  folder = mkdtempSync(join(tmpdir(), 'wisphub-writer-thread-'));
});
thread.after.each(async () => {
  for (const database of opened.splice(0)) await database.close();
  rmSync(folder, { recursive: true, force: true });
});

function entry(index: number): UsageEntry {
  return {
    atMs: DAY + (index % 2) * 86_400_000,
    requestId: `r${index}`,
    keyName: index % 3 === 0 ? 'bot-a' : 'bot-b',
    endUser: `+5730012345${index % 10}`,
    modelRequested: 'auto',
    modelServed: 'openai/gpt-4o-mini',
    provider: 'openai',
    tier: 'SIMPLE',
    promptTokens: 50 + index,
    completionTokens: 10,
    tokensCounted: false,
    costUsd: 0.00001,
    latencyMs: 100 + index,
    ttftMs: null,
    cache: 'bypass',
    stream: false,
    fallbacks: [],
    outcome: 'ok',
    errorReason: null,
  };
}

/** A store writing through `writer` (a thread), or in this thread when none. */
function storeOn(database: Database, writer: ThreadedUsageWriter | null, onFlush?: (outcome: { failed: boolean }) => void): UsageStore {
  return new UsageStore({
    db: database.db,
    kind: 'sqlite',
    timeZone: 'America/Bogota',
    flushMs: 60_000,
    ...(writer ? { writeBatch: (rows) => writer.write(rows) } : {}),
    ...(onFlush ? { onFlush } : {}),
  });
}

const query = { from: '2026-12-01', to: '2026-12-31', groupBy: ['day', 'key'] as ('day' | 'key')[] };

thread('what the thread commits is read on the main connection, as if written here', async () => {
  const threadFile = join(folder, 'thread.db');
  const here = await migrated(join(folder, 'here.db'));
  const main = await migrated(threadFile);
  const script = writerThreadScript();
  assert.ok(script, 'the thread script is found beside the source');
  const writer = new ThreadedUsageWriter(threadFile, script!);
  const threaded = storeOn(main, writer);
  const local = storeOn(here, null);
  try {
    for (let batch = 0; batch < 3; batch++) {
      for (let index = batch * 500; index < (batch + 1) * 500; index++) {
        threaded.record(entry(index));
        local.record(entry(index));
      }
      await Promise.all([threaded.flush(), local.flush()]);
      assert.is(threaded.buffered, 0);
    }
    const rows = await main.db
      .selectFrom('usage_requests')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.is(Number(rows.n), 1500);
    const fromThread = await summary(main.db, query);
    assert.equal(fromThread, await summary(here.db, query));
    assert.is(
      fromThread.reduce((sum, row) => sum + row.requests, 0),
      1500,
    );
  } finally {
    await writer.close();
  }
});

thread('a thread that cannot open its file fails the batch; the store keeps it and closes cleanly', async () => {
  const main = await migrated(join(folder, 'main.db'));
  // A path under a regular file: the thread cannot make its folder.
  writeFileSync(join(folder, 'not-a-folder'), 'x');
  const writer = new ThreadedUsageWriter(join(folder, 'not-a-folder', 'books.db'), writerThreadScript()!);
  const failures: boolean[] = [];
  const store = storeOn(main, writer, ({ failed }) => failures.push(failed));
  for (let index = 0; index < 10; index++) store.record(entry(index));
  await store.flush();
  assert.equal(failures, [true]);
  assert.is(store.buffered, 10, 'kept for the next flush');
  // A second try starts a thread again, and fails again: nothing lost, nothing written twice.
  await store.flush();
  assert.equal(failures, [true, true]);
  assert.is(store.buffered, 10);
  await writer.close();
  await writer.close(); // closing twice is harmless
});

thread('a closed writer starts a new thread for the next batch', async () => {
  const file = join(folder, 'again.db');
  const main = await migrated(file);
  const writer = new ThreadedUsageWriter(file, writerThreadScript()!);
  await writer.write([]);
  await writer.close();
  const store = new UsageStore({
    db: main.db,
    kind: 'sqlite',
    timeZone: 'America/Bogota',
    flushMs: 60_000,
    writeBatch: (rows) => writer.write(rows),
  });
  store.record(entry(1));
  await store.flush();
  assert.is(store.buffered, 0);
  const rows = await main.db.selectFrom('usage_requests').select('request_id').execute();
  assert.equal(rows, [{ request_id: 'r1' }]);
  await writer.close();
});

thread('a thread for SQLite files only: Postgres is asynchronous already, `:memory:` is one connection’s own', () => {
  assert.ok(usageWriterFor({ kind: 'sqlite', where: join(folder, 'books.db') }) instanceof ThreadedUsageWriter);
  assert.is(usageWriterFor({ kind: 'sqlite', where: ':memory:' }), null);
  assert.is(usageWriterFor({ kind: 'postgres', where: 'postgres://books@127.0.0.1:5432/books' }), null);
});

thread('the bundle’s thread script is found beside the entry or its chunks, and nowhere else', () => {
  writeFileSync(join(folder, 'usage-writer.mjs'), '');
  const entry = pathToFileURL(join(folder, 'main.mjs')).href;
  const chunk = pathToFileURL(join(folder, 'chunks', 'chunk-ABC.mjs')).href;
  assert.is(writerThreadScript(entry)?.href, pathToFileURL(join(folder, 'usage-writer.mjs')).href);
  assert.is(writerThreadScript(chunk)?.href, pathToFileURL(join(folder, 'usage-writer.mjs')).href);
  rmSync(join(folder, 'usage-writer.mjs'));
  assert.is(writerThreadScript(entry), null);
});

thread.run();
