/**
 * The usage writer's own thread, for a SQLite file. SQLite's drivers here (libsql on Node,
 * bun:sqlite on Bun) are synchronous: a flush run on the event loop stopped every request for its
 * few milliseconds, four times a second. Here it stops only this thread. It holds a connection of
 * its own to the same file; in WAL mode the main thread's reads do not wait for its writes.
 * Started by threaded-writer.ts once the schema is migrated; it writes one batch at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from '../../database/connect';
import { type UsageRow, writeUsageBatch } from './store';

export interface WriteBatchMessage {
  id: number;
  rows: UsageRow[];
}

export type WriteBatchAnswer = { id: number; ok: true } | { id: number; ok: false; message: string };

if (parentPort) {
  const port = parentPort;
  const database = await openSqlite(String((workerData as { file: string }).file));
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (message: WriteBatchMessage) => {
    queue = queue.then(async () => {
      try {
        await writeUsageBatch(database.db, message.rows);
        port.postMessage({ id: message.id, ok: true } satisfies WriteBatchAnswer);
      } catch (error) {
        port.postMessage({
          id: message.id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
        } satisfies WriteBatchAnswer);
      }
    });
  });
}
