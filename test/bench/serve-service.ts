/**
 * Bench child: the service against a remote (simulator) upstream given by env. With WARM=1 it
 * loads and indexes clients and plans first, then reports {"url", memory} over IPC. Answers the
 * IPC message "heap" with the heap left after a full collection, once no collection load is
 * running (the steady phase's leak check).
 * Runs on Node (as the production bundle) or on Bun.
 */
import { createServer } from '../../server/app';
import { loadConfig } from '../../server/config/settings';

/** A full collection before measuring memory: Bun exposes it as Bun.gc, Node with --expose-gc. */
function collectGarbage(): void {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun) bun.gc(true);
  else globalThis.gc?.();
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
const mb = (value: number) => Math.round((value / 1048576) * 10) / 10;
process.on('message', async (message) => {
  if (message !== 'heap') return;
  // Compare like with like: a collection refresh running at one reading (a second directory half
  // built beside the one serving) and not at the other is not growth. Wait for running loads and
  // for the idle-time search index that follows one.
  await Promise.all(running.services.gateway.caches().map((cache) => cache.settled()));
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  const after = process.memoryUsage();
  process.send?.({ heapUsedAfterGcMb: mb(after.heapUsed), rssMb: mb(after.rss) });
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
