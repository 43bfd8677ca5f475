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
process.send?.({ url: running.url, rssMb: memory.rss / 1048576, heapUsedMb: memory.heapUsed / 1048576 });
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
