/**
 * The console's parts, one rule each: the hourly tally of upstream calls, the probe runner's one
 * run per interval, the pending store's listing, and the masking of personal text.
 */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSubjectCatalogue } from '../../server/config/subject-file';
import { maskPersonalText, numberRuns } from '../../server/domain/personal-text';
import { LocalPendingStore } from '../../server/guards/pending-store';
import { HourlyTally } from '../../server/observability/hourly-tally';
import type { ProbeCheck } from '../../server/wisphub/probe/checks';
import { ProbeRunner } from '../../server/wisphub/probe/probe-runner';

const parts = suite('console parts');
const HOUR = 3_600_000;

parts('the hourly tally counts per label per clock hour, keeps the window, and fills quiet hours with zeros', () => {
  let now = 10 * HOUR + 5;
  const tally = new HourlyTally(3, () => now);
  tally.add('GET /api/clientes/');
  tally.add('GET /api/clientes/');
  now += HOUR;
  tally.add('GET /api/tickets/');
  tally.add('GET /api/clientes/');
  const snapshot = tally.snapshot();
  assert.equal(snapshot.hours, [new Date(9 * HOUR).toISOString(), new Date(10 * HOUR).toISOString(), new Date(11 * HOUR).toISOString()]);
  assert.equal(snapshot.series, [
    { label: 'GET /api/clientes/', counts: [0, 2, 1], total: 3 },
    { label: 'GET /api/tickets/', counts: [0, 0, 1], total: 1 },
  ]);
  now += 3 * HOUR;
  tally.add('POST /api/tickets/');
  assert.equal(
    tally.snapshot().series.map((series) => series.label),
    ['POST /api/tickets/'],
    'hours that left the window are forgotten',
  );
});

parts('the probe runner: one run at a time, then none until the interval has passed; the last report is kept', async () => {
  let now = 1_000_000;
  let release: () => void = () => {};
  const check: ProbeCheck = {
    id: 'auth',
    assumption: 'the key is accepted',
    blocking: true,
    run: async (context) => {
      context.keyAccepted = true;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { verdict: 'ok', observed: '200' };
    },
  };
  const runner = new ProbeRunner(
    {
      host: 'http://127.0.0.1:9',
      apiKey: 'k',
      subjects: loadSubjectCatalogue(undefined),
      pageSize: 1000,
      timeoutMs: 100,
      maxCalls: 1,
      maxDurationMs: 1000,
      checks: [check],
    },
    60_000,
    () => now,
  );
  assert.is(runner.waitSeconds(), 0);
  const running = runner.run('root');
  assert.ok(runner.inProgress);
  assert.throws(
    () => runner.run('other'),
    (error: Error & { reason?: string }) => error.reason === 'rate_limited',
    'a second run while one runs',
  );
  release();
  const done = await running;
  assert.is(done.by, 'root');
  assert.is(done.report.exitCode, 0);
  assert.equal(runner.last, done);
  assert.not.ok(runner.inProgress);
  now += 30_000;
  assert.is(runner.waitSeconds(), 30);
  assert.throws(
    () => runner.run('root'),
    (error: Error & { retryAfterSeconds?: number }) => error.retryAfterSeconds === 30,
  );
  now += 30_000;
  assert.is(runner.waitSeconds(), 0, 'allowed again once the interval has passed');
});

parts('the pending store lists the records of one kind (by handle prefix), up to a limit', async () => {
  const store = new LocalPendingStore<{ handle: string }>(60_000);
  for (const handle of ['tkp_a', 'tkp_b', 'task:1', 'tkp_c']) await store.put(handle, { handle });
  assert.equal((await store.list('tkp_', 10)).map((record) => record.handle).sort(), ['tkp_a', 'tkp_b', 'tkp_c']);
  assert.is((await store.list('tkp_', 2)).length, 2);
  assert.equal(await store.list('nothing', 10), []);
});

parts('personal text: documents, phones and e-mail addresses masked; short numbers, dates and kept runs stay', () => {
  assert.is(maskPersonalText('Cédula 1.020.304.050, cel 300 123 4567'), 'Cédula •••050, cel •••567');
  assert.is(maskPersonalText('whatsapp:+573001234567'), 'whatsapp:+•••567');
  assert.is(maskPersonalText('escribir a maria.perez@correo.com.co'), 'escribir a m•••@correo.com.co');
  assert.is(maskPersonalText('Plan 10 Mbps, 2 equipos, día 15'), 'Plan 10 Mbps, 2 equipos, día 15');
  assert.is(maskPersonalText('mi número 3001234567', numberRuns(['soy 300 123 4567'])), 'mi número 3001234567');
  assert.is(maskPersonalText(''), '');
});

parts.run();
