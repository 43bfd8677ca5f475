import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type RestErrorBody, serviceFor } from '../support/service';

const catalogue = suite('api: plans and payment methods');
const service = serviceFor(catalogue);

catalogue('plans.list: every plan (all pages) with number prices and types, on both surfaces, cached', async () => {
  service.sim.resetCalls();
  const response = await service.rest('/plans');
  assert.is(response.status, 200);
  const body = (await response.json()) as { items: { id: number; price: number; type: string }[] };
  assert.is(body.items.length, service.sim.data.plans.length);
  assert.ok(body.items.every((plan) => typeof plan.price === 'number'));
  assert.equal(new Set(body.items.map((plan) => plan.type)), new Set(['pppoe', 'simple_queue', 'pcq']));
  const viaTrpc = await service.client.plans.list.query();
  assert.equal(viaTrpc.items, body.items);
  assert.is(service.sim.calls(/^GET \/api\/plan-internet\/$/), 1, 'second read served from cache');
});

catalogue('plans.byId: speeds from the type’s detail endpoint, PCQ says why it has none, unknown is 404', async () => {
  const pppoe = service.sim.data.plans.find((plan) => plan.tipo === 'PPPOE')!;
  const queue = service.sim.data.plans.find((plan) => plan.tipo === 'Simple Queue')!;
  const pcq = service.sim.data.plans.find((plan) => plan.tipo === 'PCQ')!;
  service.sim.resetCalls();
  const first = (await (await service.rest(`/plans/${pppoe.id}`)).json()) as {
    download: { kbps: number; raw: string };
    upload: { raw: string };
    detailUnavailableReason: null;
  };
  assert.is(first.download.raw, pppoe.bajada);
  assert.ok(first.download.kbps > 0);
  assert.is(first.detailUnavailableReason, null);
  await service.client.plans.byId.query({ planId: pppoe.id });
  assert.is(service.sim.calls(`GET /api/plan-internet/pppoe/${pppoe.id}/`), 1, 'detail cached per plan');
  const viaQueue = await service.client.plans.byId.query({ planId: queue.id });
  assert.is(viaQueue.upload?.raw, queue.subida);
  assert.is(service.sim.calls(`GET /api/plan-internet/queue/${queue.id}/`), 1);
  const viaPcq = await service.client.plans.byId.query({ planId: pcq.id });
  assert.is(viaPcq.download, null);
  assert.is(viaPcq.detailUnavailableReason, 'pcq_has_no_detail_endpoint');
  assert.is(service.sim.calls(/pcq/), 0, 'no call to a detail endpoint PCQ does not have');
  const missing = await service.rest('/plans/99999');
  assert.is(missing.status, 404);
  assert.is(((await missing.json()) as RestErrorBody).error.reason, 'plan_not_found');
});

catalogue('paymentMethods.list: id and name', async () => {
  const response = await service.rest('/payment-methods');
  const body = (await response.json()) as { items: { id: number; name: string }[] };
  assert.is(response.status, 200);
  assert.equal(
    body.items.map((method) => method.name),
    service.sim.data.paymentMethods.map((method) => method.nombre),
  );
  assert.equal((await service.client.paymentMethods.list.query()).items, body.items);
});

catalogue.run();
