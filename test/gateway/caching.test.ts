import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fullView, type RestErrorBody, startTestService, type TestService } from '../support/service';

/** Gateway behaviour proven by the simulator's upstream call counters. */

const LIST = /^GET \/api\/clientes\/$/;
const PAGES = 1200 / 250; // SIM_CLIENTS / UPSTREAM_PAGE_SIZE, rounded up

let service: TestService;
const caching = suite('gateway: caching and pagination');
caching.before(async () => {
  service = await startTestService({ CACHE_TTL_CLIENTS_S: '1', UPSTREAM_RETRIES: '1' });
});
caching.after(() => service.stop());
caching.before.each(() => {
  service.services.gateway.clientsCache.clear();
  service.sim.resetFaults();
  service.sim.resetCalls();
});

caching('50 concurrent cold requests load each page exactly once', async () => {
  service.sim.setFaults({ latencyMs: 40 });
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? service.rest('/clients/search?q=pena').then((r) => r.status)
        : service.operator.clients.list.query({ limit: 1 }).then(() => 200),
    ),
  );
  assert.ok(answers.every((status) => status === 200));
  assert.is(service.sim.calls(LIST), Math.ceil(PAGES));
});

caching('after a load the word indexes are built in the background, with no search asking for them', async () => {
  const page = await service.operator.clients.list.query({ limit: 1 });
  assert.is(page.total, 1200);
  await new Promise((resolve) => setImmediate(resolve));
  // Exact reads never build them (domain test); here only the idle-time build can have.
  assert.is(service.services.gateway.clientsCache.peek('all')!.searchReady, true);
  const found = await service.rest('/clients/search?q=pena&limit=1');
  assert.is(found.status, 200);
});

caching('every page is fetched (not just the first) and the total matches count', async () => {
  const page = await service.operator.clients.list.query({ limit: 500, offset: 1000 });
  assert.is(page.total, 1200);
  assert.is(page.items.length, 200);
  assert.is(page.items.at(-1)!.serviceId, 2199);
});

caching('a failing page fails the whole load, nothing partial is cached, the next request retries', async () => {
  service.sim.setFaults({ failOffsets: [500] });
  const response = await service.staff('/clients?limit=1');
  const body = (await response.json()) as RestErrorBody;
  assert.is(response.status, 503);
  assert.is(body.error.reason, 'upstream_unavailable');
  assert.ok(response.headers.get('retry-after'));
  assert.is(service.services.gateway.clientsCache.peek('all'), undefined, 'no partial collection cached');
  // The failing page was retried alone (1 + UPSTREAM_RETRIES tries), other pages once.
  assert.is(service.sim.calls(LIST), Math.ceil(PAGES) + 1);

  service.sim.resetFaults();
  const before = service.sim.calls(LIST);
  const retry = await service.operator.clients.list.query({ limit: 1 });
  assert.is(retry.total, 1200);
  assert.is(service.sim.calls(LIST) - before, Math.ceil(PAGES), 'the failure was not cached');
});

caching('a stale entry is served at once while exactly one refresh runs', async () => {
  await service.operator.clients.list.query({ limit: 1 });
  assert.is(service.sim.calls(LIST), Math.ceil(PAGES));
  await new Promise((resolve) => setTimeout(resolve, 1100)); // past the 1 s TTL
  service.sim.setFaults({ latencyMs: 300 });
  const started = Date.now();
  const answers = await Promise.all(Array.from({ length: 20 }, () => service.staff('/clients?limit=1')));
  const elapsed = Date.now() - started;
  assert.ok(answers.every((r) => r.status === 200));
  assert.ok(answers.every((r) => r.headers.get('x-cache') === 'stale'));
  assert.ok(elapsed < 300, 'stale answers did not wait for the upstream');
  await new Promise((resolve) => setTimeout(resolve, 800)); // let the one refresh finish
  assert.is(service.sim.calls(LIST), 2 * Math.ceil(PAGES), 'exactly one background refresh');
  const after = await service.staff('/clients?limit=1');
  assert.is(after.headers.get('x-cache'), 'hit');
});

caching('malformed items are skipped and counted, never fail the list', async () => {
  service.sim.setFaults({ malformedItemIds: [1005, 1700] });
  const skippedBefore = service.services.gateway.stats.skippedItems;
  const page = await service.operator.clients.list.query({ limit: 10 });
  assert.is(page.total, 1198);
  assert.not.ok(page.items.some((client) => client.serviceId === 1005));
  assert.is(service.services.gateway.stats.skippedItems - skippedBefore, 2);
});

caching('a client created upstream after the load is found by service id and joins the cache', async () => {
  await service.operator.clients.list.query({ limit: 1 });
  const template = service.sim.data.clients[0]!;
  const fresh = { ...template, id_servicio: 9_000_001, nombre: 'Cliente Recién Creado' };
  service.sim.addClient(fresh);
  const listCalls = service.sim.calls(LIST);
  const found = fullView(await service.operator.clients.byServiceId.query({ serviceId: 9_000_001 }));
  assert.is(found.name, 'Cliente Recién Creado');
  const again = await service.client.clients.search.query({ q: 'recien creado' });
  assert.is(again.items[0]?.client.serviceId, 9_000_001);
  assert.is(service.sim.calls(LIST), listCalls, 'found with one single-client call, no reload');
  assert.is(service.sim.calls('GET /api/clientes/9000001/'), 1);
});

caching.run();
