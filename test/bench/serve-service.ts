/**
 * Bench child: the service against a remote (simulator) upstream given by env. With WARM=1 it
 * loads and indexes clients and plans first, then prints {"url", memory}.
 */
import { createServer } from '../../server/app';
import { loadConfig } from '../../server/config';

const config = loadConfig();
const server = createServer(config);
const running = await server.start();
if (process.env.WARM === '1') {
  await running.services.gateway.clientDirectory();
  await running.services.gateway.catalog.plans();
  globalThis.gc?.();
}
const memory = process.memoryUsage();
const mb = (value: number) => Math.round((value / 1048576) * 10) / 10;
process.send?.({
  url: running.url,
  rssMb: mb(memory.rss),
  heapUsedMb: mb(memory.heapUsed),
  heapTotalMb: mb(memory.heapTotal),
  externalMb: mb(memory.external),
  arrayBuffersMb: mb(memory.arrayBuffers),
});
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
