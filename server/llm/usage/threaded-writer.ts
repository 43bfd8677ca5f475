/**
 * Usage batches written from a worker thread (writer-thread.ts) for a SQLite file, so the event
 * loop that serves requests never runs a synchronous write. A batch's promise settles when the
 * thread has committed it (or failed to: the store keeps the batch and tries again). A thread
 * that dies fails what it held and is started again on the next batch.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { DatabaseKind } from '../../database/connect';
import type { UsageRow } from './store';
import type { WriteBatchAnswer, WriteBatchMessage } from './writer-thread';

/** The thread's script: the TypeScript source beside this file, or the bundle's `usage-writer.mjs` (scripts/build.ts). */
export function writerThreadScript(here: string = import.meta.url): URL | null {
  const candidates = /\.[cm]?ts$/.test(new URL(here).pathname)
    ? [new URL('./writer-thread.ts', here)]
    : [new URL('./usage-writer.mjs', here), new URL('../usage-writer.mjs', here)];
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

/**
 * A thread for the script. Node does not carry the TypeScript loader (`--import tsx`, in
 * development and tests) into a worker (ERR_UNKNOWN_FILE_EXTENSION; privatenumber/tsx#354), so a
 * `.ts` script on Node registers it first; Bun and the bundle run the script as it is.
 */
function startThread(script: URL, workerData: unknown): Worker {
  if ('Bun' in globalThis || !script.pathname.endsWith('.ts')) return new Worker(script, { workerData });
  const loader = import.meta.resolve('tsx/esm/api');
  const source = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(source, { eval: true, workerData });
}

interface Waiting {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class ThreadedUsageWriter {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  constructor(
    private readonly file: string,
    private readonly script: URL,
  ) {}

  write(rows: UsageRow[]): Promise<void> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Held open while a batch is out: shutdown waits for the commit, an idle thread does not keep the process.
      worker.ref();
      worker.postMessage({ id, rows } satisfies WriteBatchMessage);
    });
  }

  /** Ends the thread (after the store's last flush has settled). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.failAll(new Error('the usage writer was closed'));
  }

  private start(): Worker {
    const worker = startThread(this.script, { file: this.file });
    this.worker = worker;
    worker.unref();
    worker.on('message', (answer: WriteBatchAnswer) => {
      const waiting = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) worker.unref();
      if (!waiting) return;
      if (answer.ok) waiting.resolve();
      else waiting.reject(new Error(answer.message));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error(`the usage writer thread exited (${code})`));
    });
    return worker;
  }

  private failAll(error: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const each of waiting) each.reject(error);
  }
}

/**
 * A writer thread for a SQLite file; null (the store writes in this thread) for Postgres, whose
 * driver is asynchronous already, for `:memory:`, which another thread cannot open, and when the
 * thread's script is not beside this code.
 */
export function usageWriterFor(database: { kind: DatabaseKind; where: string }): ThreadedUsageWriter | null {
  if (database.kind !== 'sqlite' || database.where === ':memory:') return null;
  const script = writerThreadScript();
  return script ? new ThreadedUsageWriter(database.where, script) : null;
}
