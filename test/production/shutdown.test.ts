import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PRODUCTION_ON_SIMULATOR, startServiceProcess } from '../support/service-process';

/** SIGTERM during a slow request: the response still arrives complete and the process exits 0. */

const shutdown = suite('production: graceful shutdown');

shutdown('a slow request in flight completes after SIGTERM; new connections are refused; exit code 0', async () => {
  const { child, url, output, exited } = await startServiceProcess({
    ...PRODUCTION_ON_SIMULATOR,
    SIM_CLIENTS: '800',
    SIM_LATENCY_MS: '900',
    SIM_JITTER_MS: '0',
    UPSTREAM_PAGE_SIZE: '1000',
    SHUTDOWN_GRACE_MS: '10000',
  });
  // A cold load takes ~900 ms upstream: SIGTERM arrives while it is in flight.
  const slow = fetch(`${url}/api/v1/clients?limit=3`, { headers: { 'x-api-key': 'dev-local-operator-key-not-for-production' } });
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.kill('SIGTERM');
  const response = await slow;
  const body = (await response.json()) as { total: number; items: unknown[] };
  assert.is(response.status, 200);
  assert.is(body.total, 800);
  assert.is(body.items.length, 3);
  assert.is(await exited, 0, output());
  const after = await fetch(`${url}/health`).then(
    () => 'answered',
    () => 'refused',
  );
  assert.is(after, 'refused');
});

shutdown.run();
