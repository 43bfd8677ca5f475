/**
 * Bench child: the service against a remote (simulator) upstream given by env. With WARM=1 it
 * loads and indexes clients and plans first, then reports {"url", memory} over IPC. Answers the
 * IPC message {heap: settleMs} with the heap left after a full collection, once no collection
 * load is running, and the lowest RSS of the `settleMs` after it (the steady phase's leak check).
 * Runs on Node (as the production bundle) or on Bun.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { createServer } from '../../server/app';
import { loadConfig } from '../../server/config/settings';

/** A full collection before measuring memory: Bun exposes it as Bun.gc, Node with --expose-gc. */
function collectGarbage(): void {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun) bun.gc(true);
  else globalThis.gc?.();
}

const mb = (value: number) => Math.round((value / 1048576) * 10) / 10;

/** V8's young generation as committed; Bun (JavaScriptCore) has none to report. */
function newSpaceMb(): number | null {
  if ((globalThis as { Bun?: unknown }).Bun) return null;
  const space = getHeapSpaceStatistics().find((each) => each.space_name === 'new_space');
  return space ? mb(space.space_size) : null;
}

const config = loadConfig();
const server = createServer(config);
const running = await server.start();
if (process.env.WARM === '1') {
  await running.services.gateway.clientDirectory();
  await running.services.gateway.catalogue.plans();
  collectGarbage();
}
const memory = process.memoryUsage();
process.on('message', async (message: { heap?: number }) => {
  if (typeof message?.heap !== 'number') return;
  // Compare like with like: a collection refresh running at one reading (a second directory half
  // built beside the one serving) and not at the other is not growth. Wait for running loads and
  // for the idle-time search index that follows one.
  await Promise.all(running.services.gateway.caches().map((cache) => cache.settled()));
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  const heapUsed = process.memoryUsage().heapUsed;
  // The RSS read at once still holds the pages the collection freed: V8 returns them from a
  // background task, and keeps some pooled until its memory reducer runs (one run read 185 MB
  // right after a collection where the floor was ~130). The lowest sample over the window the
  // runner gives (traffic paused) is the RSS the process keeps, as the settled 10k reading is.
  let rss = process.memoryUsage().rss;
  for (const until = Date.now() + message.heap; Date.now() < until; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    rss = Math.min(rss, process.memoryUsage().rss);
  }
  process.send?.({ heapUsedAfterGcMb: mb(heapUsed), rssMb: mb(rss), newSpaceMb: newSpaceMb() });
});
process.send?.({
  url: running.url,
  rssMb: mb(memory.rss),
  heapUsedMb: mb(memory.heapUsed),
  heapTotalMb: mb(memory.heapTotal),
  externalMb: mb(memory.external),
  arrayBuffersMb: mb(memory.arrayBuffers),
});
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
