import { TRPCClientError } from '@trpc/client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppRouter } from '../../client/index';
import type { SimulatorFaults } from '../../server/simulator/faults';
import { startTestService, type RestErrorBody, type TestService } from '../support/service';

/** Upstream faults answer 502/503/504 with a reason on both surfaces, never 500, never a partial list. */

let service: TestService;
const faults = suite('gateway: upstream faults');
faults.before(async () => {
  service = await startTestService({ UPSTREAM_TIMEOUT_MS: '150', UPSTREAM_RETRIES: '1' });
});
faults.after(() => service.stop());
faults.before.each(() => {
  service.services.gateway.clientsCache.clear();
  service.sim.resetFaults();
});

const CASES: [string, Partial<SimulatorFaults>, number, string][] = [
  ['5xx', { forceStatus: 503 }, 503, 'upstream_unavailable'],
  ['random 500s on every call', { errorRate: 1 }, 503, 'upstream_unavailable'],
  ['403 on the API key', { forbidden: true }, 502, 'upstream_auth_failed'],
  ['HTML instead of JSON', { htmlRate: 1 }, 502, 'upstream_bad_response'],
  ['truncated JSON', { truncatedJsonRate: 1 }, 502, 'upstream_bad_response'],
  ['stall longer than the timeout', { stallRate: 1, stallMs: 600 }, 504, 'upstream_timeout'],
  ['connection reset', { resetRate: 1 }, 503, 'upstream_unavailable'],
];

for (const [name, fault, status, reason] of CASES) {
  faults(`${name} → ${status} ${reason} on REST and tRPC`, async () => {
    service.sim.setFaults(fault);
    const response = await service.rest('/clients/search?q=pena');
    const body = (await response.json()) as RestErrorBody;
    assert.is(response.status, status);
    assert.is(body.error.reason, reason);
    assert.match(body.error.message, /sistema de gestión/);
    try {
      await service.client.clients.byDocument.query({ document: '123456' });
      assert.unreachable('tRPC call should fail');
    } catch (error) {
      assert.instance(error, TRPCClientError);
      const data = (error as TRPCClientError<AppRouter>).data;
      assert.is(data?.reason, reason);
      assert.is(data?.httpStatus, status);
    }
    assert.is(service.services.gateway.clientsCache.peek('all'), undefined, 'nothing cached after a fault');
  });
}

faults('a 4xx is not retried; a 5xx is retried up to the configured tries', async () => {
  service.sim.resetCalls();
  service.sim.setFaults({ forbidden: true });
  await service.rest('/clients?limit=1');
  assert.is(service.sim.calls(/^GET \/api\/clientes\/$/), 1);
  service.sim.resetCalls();
  service.sim.setFaults({ forbidden: false, forceStatus: 502 });
  await service.rest('/clients?limit=1');
  assert.is(service.sim.calls(/^GET \/api\/clientes\/$/), 2);
});

faults.run();
