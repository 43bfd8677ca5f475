/** Entry point of `npm start`: validated config, then the service; exits 0 on SIGTERM/SIGINT. */

import { createServer } from './app';
import { type Config, ConfigError, loadConfig } from './config/settings';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const server = createServer(config);
try {
  await server.start();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

// Graceful shutdown: stop accepting, let in-flight requests finish (SHUTDOWN_GRACE_MS), close the simulator, exit 0.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
