import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PRODUCTION_ON_SIMULATOR, startServiceProcess } from '../support/service-process';

/** Request log lines are batched for speed, yet a quiet service writes each one soon, without a shutdown. */

const logs = suite('production: request logs reach stdout while the service runs');

logs('one request on a quiet service: its log line appears without waiting for more traffic or a shutdown', async () => {
  const service = await startServiceProcess({ ...PRODUCTION_ON_SIMULATOR });
  try {
    const requestId = 'quiet-service-line-1';
    const response = await fetch(`${service.url}/health`, { headers: { 'x-request-id': requestId } });
    assert.is(response.status, 200);
    // Polls for the line; the bound only keeps a broken build from hanging the run.
    let line: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 100 && !line; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      line = service
        .output()
        .split('\n')
        .filter((text) => text.includes(requestId))
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find((entry) => entry.msg === 'request');
    }
    assert.ok(line, `no request line while running:\n${service.output()}`);
    assert.is(line.status, 200);
    assert.is(line.path, '/health');
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
  }
});

logs.run();
