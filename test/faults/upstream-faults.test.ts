import { TRPCClientError } from '@trpc/client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppRouter } from '../../client/index';
import type { SimulatorFaults } from '../../server/simulator/faults';
import { type RestErrorBody, resetUpstream, startTestService, type TestService } from '../support/service';

/**
 * Each case sets a fault in the simulator, drives both surfaces, and asserts the answer, what is
 * cached afterwards and how many upstream calls were made.
 */

const LIST = /^GET \/api\/clientes\/$/;
let service: TestService;
const faults = suite('faults: upstream read faults');
faults.before(async () => {
  service = await startTestService({ UPSTREAM_TIMEOUT_MS: '150', UPSTREAM_RETRIES: '1', UPSTREAM_BREAKER_THRESHOLD: '1000' });
});
faults.after(() => service.stop());
faults.before.each(() => resetUpstream(service));

async function trpcFailure(): Promise<{ reason?: string; httpStatus?: number }> {
  try {
    await service.client.clients.byDocument.query({ document: '123456' });
  } catch (error) {
    assert.instance(error, TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data;
    return { reason: data?.reason, httpStatus: data?.httpStatus };
  }
  throw new Error('tRPC call should have failed');
}

const CASES: [string, Partial<SimulatorFaults>, number, string, number][] = [
  // name, fault, status, reason, upstream list calls (first page only: tries = 1 + UPSTREAM_RETRIES, per surface)
  ['5xx burst', { forceStatus: 503 }, 503, 'upstream_unavailable', 4],
  ['random 500s on every call', { errorRate: 1 }, 503, 'upstream_unavailable', 4],
  ['403 on the API key (not retried)', { forbidden: true }, 502, 'upstream_auth_failed', 2],
  ['HTML instead of JSON (a wrong host)', { htmlRate: 1 }, 502, 'upstream_bad_response', 2],
  ['truncated JSON', { truncatedJsonRate: 1 }, 502, 'upstream_bad_response', 2],
  ['stall longer than the timeout', { stallRate: 1, stallMs: 600 }, 504, 'upstream_timeout', 4],
  ['connection reset', { resetRate: 1 }, 503, 'upstream_unavailable', 4],
];

for (const [name, fault, status, reason, calls] of CASES) {
  faults(`${name} → ${status} ${reason} on REST and tRPC, nothing cached`, async () => {
    service.sim.setFaults(fault);
    const response = await service.rest('/clients/search?q=pena');
    const body = (await response.json()) as RestErrorBody;
    assert.is(response.status, status);
    assert.is(body.error.reason, reason);
    assert.match(body.error.message, /sistema de gestión/);
    assert.not.ok(JSON.stringify(body).includes('/api/clientes'), 'no upstream detail leaks');
    if (status !== 502) assert.ok(response.headers.get('retry-after'), 'Retry-After on 503/504');
    assert.equal(await trpcFailure(), { reason, httpStatus: status });
    assert.is(service.services.gateway.clientsCache.peek('all'), undefined, 'nothing cached after a fault');
    const made = service.sim.calls(LIST);
    if (fault.resetRate) {
      // Bun's fetch re-sends a GET once when a reused keep-alive connection resets before any
      // response byte (oven-sh/bun#28708 keeps that for idempotent methods only); Node does not.
      assert.ok(made >= calls && made <= calls * 2, `${made} calls for ${calls} tries`);
    } else {
      assert.is(made, calls);
    }

    service.sim.resetFaults();
    const recovered = await service.operator.clients.list.query({ limit: 1 });
    assert.is(recovered.total, 1200, 'the failure was not cached: the next request loads');
  });
}

faults('malformed items inside a good page: skipped, counted, the rest served', async () => {
  service.sim.setFaults({ malformedItemIds: [1010, 1011, 1500] });
  const before = service.services.gateway.stats.skippedItems;
  const response = await service.staff('/clients?limit=1');
  assert.is(response.status, 200);
  assert.is(((await response.json()) as { total: number }).total, 1197);
  assert.is(service.services.gateway.stats.skippedItems - before, 3);
  const missing = await service.rest('/clients/search?q=cliente1010');
  assert.is(((await missing.json()) as { total: number }).total, 0);
});

faults('one failing page of many: retried alone, then the whole load fails and nothing partial is cached', async () => {
  // A service of its own with a timeout no healthy page meets under a loaded CI machine: the count
  // below is about the failing page's retry, and the suite's 150 ms would let a slow good page retry too.
  const patient = await startTestService({ UPSTREAM_TIMEOUT_MS: '3000', UPSTREAM_RETRIES: '1', UPSTREAM_BREAKER_THRESHOLD: '1000' });
  try {
    patient.sim.setFaults({ failOffsets: [750] });
    const response = await patient.staff('/clients?limit=1');
    assert.is(response.status, 503);
    assert.is(patient.services.gateway.clientsCache.peek('all'), undefined);
    assert.is(patient.sim.calls(LIST), 5 + 1, 'five pages once, the failing one retried once');
  } finally {
    await patient.stop();
  }
});

faults('retries stop at the read budget, not only at the try count', async () => {
  // 5 retries allowed, but each try stalls past the 150 ms timeout and the budget is 400 ms.
  const budgeted = await startTestService({
    UPSTREAM_TIMEOUT_MS: '150',
    UPSTREAM_RETRIES: '5',
    UPSTREAM_READ_BUDGET_MS: '400',
    UPSTREAM_BREAKER_THRESHOLD: '1000',
  });
  try {
    budgeted.sim.setFaults({ stallRate: 1, stallMs: 1000 });
    const response = await budgeted.staff('/clients?limit=1');
    assert.is(response.status, 504);
    const tries = budgeted.sim.calls(LIST);
    assert.ok(tries >= 2 && tries <= 3, `budget cut the retries (${tries} tries of 6 allowed)`);
  } finally {
    await budgeted.stop();
  }
});

faults.run();
