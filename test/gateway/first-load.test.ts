import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type RestErrorBody, startTestService, type TestService } from '../support/service';

/**
 * The client collection's first load with the production default: one wave of pages asked at once
 * before upstream has said the collection's size (UPSTREAM_FIRST_LOAD_PAGES), proven by the
 * simulator's call counters (1,200 clients, pages of 250: five pages hold them all).
 */

const LIST = /^GET \/api\/clientes\/$/;

let service: TestService;
let smallWave: TestService;
const firstLoad = suite('gateway: the first load asks one wave of pages');
firstLoad.before(async () => {
  service = await startTestService({ UPSTREAM_FIRST_LOAD_PAGES: '10', UPSTREAM_RETRIES: '1', UPSTREAM_BREAKER_THRESHOLD: '1000' });
  smallWave = await startTestService({ UPSTREAM_FIRST_LOAD_PAGES: '2' });
});
firstLoad.after(async () => {
  await service.stop();
  await smallWave.stop();
});
firstLoad.before.each(() => {
  for (const each of [service, smallWave]) {
    each.services.gateway.clientsCache.clear();
    each.sim.resetFaults();
    each.sim.resetCalls();
  }
});

firstLoad('a tenant within the wave: ten pages at once, the five past the end empty, the collection complete', async () => {
  const page = await service.operator.clients.list.query({ limit: 500, offset: 1000 });
  assert.is(page.total, 1200);
  assert.is(page.items.length, 200);
  assert.is(page.items.at(-1)!.serviceId, 2199);
  assert.is(service.sim.calls(LIST), 10);
});

firstLoad('a tenant larger than the wave: the pages past it follow once count is known, each asked once', async () => {
  const page = await smallWave.operator.clients.list.query({ limit: 1 });
  assert.is(page.total, 1200);
  assert.is(smallWave.sim.calls(LIST), 5);
  const found = await smallWave.rest('/clients/search?q=pena&limit=1');
  assert.is(found.status, 200);
});

firstLoad('a failing upstream: the wave pages are tried once each, only the first page is retried; 503 and nothing cached', async () => {
  service.sim.setFaults({ forceStatus: 503 });
  const response = await service.staff('/clients?limit=1');
  const body = (await response.json()) as RestErrorBody;
  assert.is(response.status, 503);
  assert.is(body.error.reason, 'upstream_unavailable');
  // Nine wave pages once, the first page 1 + UPSTREAM_RETRIES times (twenty if every page were retried).
  assert.is(service.sim.calls(LIST), 9 + 2);
  assert.is(service.services.gateway.clientsCache.peek('all'), undefined);
});

firstLoad('a wave page that fails is asked again with retries once count says it exists; still failing, the load fails whole', async () => {
  service.sim.setFaults({ failOffsets: [500] });
  const response = await service.staff('/clients?limit=1');
  assert.is(response.status, 503);
  // Ten at once (500 fails its single try), then 500 again with its retry: 1 + 2.
  assert.is(service.sim.calls(LIST), 10 + 2);
  assert.is(service.services.gateway.clientsCache.peek('all'), undefined, 'no partial collection cached');
  service.sim.resetFaults();
  const retry = await service.operator.clients.list.query({ limit: 1 });
  assert.is(retry.total, 1200);
});

firstLoad.run();
