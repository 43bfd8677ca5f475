import { TRPCClientError } from '@trpc/client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppRouter } from '../../client/index';
import type { JsonRecord } from '../../server/simulator/data';
import { assertCreated, fullView, OPERATOR_KEY, type RestErrorBody, startTestService, type TestService } from '../support/service';
import { activeTicketsIn, simClient, zoneOf } from '../support/sim-data';

/** Known outages: the flag on clients, the outage list, diagnosis short-circuit, ticket refusal. */

let service: TestService;
const outages = suite('api: known outages');
const staff = { 'x-api-key': OPERATOR_KEY };
outages.before(async () => {
  service = await startTestService();
});
outages.after(() => service.stop());
outages.before.each(() => {
  service.sim.resetFaults();
  service.sim.resetCalls();
});

const PING_POSTS = /^POST \/api\/clientes\/\d+\/ping\/$/;
const routerOf = (client: JsonRecord) =>
  client.router as { id: number; nombre: string; falla_general: boolean; falla_general_descripcion: string };
const activeIn = (zoneId: number) => activeTicketsIn(service.sim.data, zoneId);

/** A client under (or not under) a known outage, in a zone with a free ticket slot. */
function clientWhere(underOutage: boolean): JsonRecord {
  const found = service.sim.data.clients.find(
    (c) => routerOf(c).falla_general === underOutage && activeIn(zoneOf(c)) <= 1 && simClient.isActive(c),
  );
  if (!found) throw new Error('no such client');
  return found;
}

interface ClientBody {
  serviceId: number;
  outage: { active: boolean; description: string | null } | null;
}

outages('clients carry the outage of the router that serves them, on both surfaces', async () => {
  const down = clientWhere(true);
  const up = clientWhere(false);
  const restDown = (await (await service.staff(`/clients/${String(down.id_servicio)}`, { headers: staff })).json()) as ClientBody;
  assert.equal(restDown.outage, { active: true, description: routerOf(down).falla_general_descripcion });
  const trpcUp = fullView(await service.operator.clients.byServiceId.query({ serviceId: Number(up.id_servicio) }));
  assert.equal(trpcUp.outage, { active: false, description: null });
  const search = await service.operator.clients.search.query({ q: String(down.nombre), limit: 100 });
  assert.ok(
    search.items.some(
      (hit) => hit.client.serviceId === down.id_servicio && hit.client.view === 'full' && hit.client.outage?.active === true,
    ),
  );
});

outages('network.outages: each sector with an active outage and the clients it affects, from the cached collection', async () => {
  await service.operator.clients.list.query({ limit: 1 });
  const before = service.sim.calls();
  const body = (await (await service.staff('/network/outages')).json()) as {
    total: number;
    affectedClients: number;
    items: { router: { id: number; name: string }; description: string | null; affectedClients: number; activeClients: number }[];
  };
  const expected = new Map<number, JsonRecord[]>();
  for (const client of service.sim.data.clients) {
    if (routerOf(client).falla_general) expected.set(routerOf(client).id, [...(expected.get(routerOf(client).id) ?? []), client]);
  }
  assert.ok(expected.size >= 1, 'the simulator has a sector down');
  assert.is(body.total, expected.size);
  for (const item of body.items) {
    const members = expected.get(item.router.id)!;
    assert.is(item.affectedClients, members.length);
    assert.is(item.activeClients, members.filter((c) => simClient.isActive(c)).length);
    assert.is(item.description, routerOf(members[0]!).falla_general_descripcion);
  }
  assert.is(
    body.affectedClients,
    [...expected.values()].reduce((sum, list) => sum + list.length, 0),
  );
  assert.equal(await service.operator.network.outages.query(), body);
  assert.is(service.sim.calls(), before, 'no upstream call');
});

outages('an outage set or cleared upstream shows after the client collection refreshes', async () => {
  const up = clientWhere(false);
  const routerId = routerOf(up).id;
  service.sim.setOutage(routerId, 'Mantenimiento programado de la torre');
  try {
    service.services.gateway.clientsCache.clear();
    const listed = await service.operator.network.outages.query();
    assert.ok(listed.items.some((item) => item.router.id === routerId && item.description === 'Mantenimiento programado de la torre'));
    const client = fullView(await service.operator.clients.byServiceId.query({ serviceId: Number(up.id_servicio) }));
    assert.equal(client.outage, { active: true, description: 'Mantenimiento programado de la torre' });
  } finally {
    service.sim.setOutage(routerId, null);
    service.services.gateway.clientsCache.clear();
  }
  const cleared = await service.operator.network.outages.query();
  assert.not.ok(cleared.items.some((item) => item.router.id === routerId));
});

outages('diagnose under a known outage: known_outage with the ISP’s words at once, no ping sent (both surfaces)', async () => {
  const down = clientWhere(true);
  const serviceId = Number(down.id_servicio);
  const trpc = await service.operator.network.diagnose.mutate({ serviceId });
  assert.is(trpc.result.status, 'done');
  if (trpc.result.status === 'done') {
    assert.is(trpc.result.outcome, 'known_outage');
    assert.is(trpc.result.taskId, null);
    assert.ok(trpc.result.message.includes(routerOf(down).falla_general_descripcion));
    assert.equal(trpc.result.outage, { active: true, description: routerOf(down).falla_general_descripcion });
  }
  const rest = await service.staff(`/clients/${serviceId}/diagnose`, { method: 'POST', json: {} });
  assert.is(rest.status, 200);
  const body = (await rest.json()) as { result: { outcome: string; hosts: unknown[] } };
  assert.is(body.result.outcome, 'known_outage');
  assert.equal(body.result.hosts, []);
  assert.is(service.sim.calls(PING_POSTS), 0, 'the ping was skipped');
});

outages('pingResult says the known outage first (task started here, or serviceId given); others read normally', async () => {
  const down = clientWhere(true);
  const { taskId } = await service.operator.network.startPing.mutate({ serviceId: Number(down.id_servicio) });
  const first = await service.operator.network.pingResult.query({ taskId });
  assert.is(first.status, 'done', 'said at once, even while the ping runs');
  if (first.status === 'done') assert.is(first.outcome, 'known_outage');
  const viaRest = (await (await service.staff(`/network/ping/${taskId}?serviceId=${String(down.id_servicio)}`)).json()) as {
    outcome: string;
  };
  assert.is(viaRest.outcome, 'known_outage');

  const up = clientWhere(false);
  const started = await service.operator.network.startPing.mutate({ serviceId: Number(up.id_servicio) });
  let result = await service.operator.network.pingResult.query({ taskId: started.taskId });
  for (let tries = 0; result.status === 'pending' && tries < 50; tries++) {
    assert.equal(result.outage, { active: false, description: null });
    await new Promise((resolve) => setTimeout(resolve, 20));
    result = await service.operator.network.pingResult.query({ taskId: started.taskId });
  }
  assert.is(result.status, 'done');
  if (result.status === 'done') assert.is.not(result.outcome, 'known_outage');
});

outages('tickets.create: a connectivity subject under a known outage is refused with 409 known_outage; force: true opens it', async () => {
  const down = clientWhere(true);
  const serviceId = Number(down.id_servicio);
  const request = { serviceId, subject: 'no tiene internet', description: 'El cliente no tiene servicio desde la mañana.' };
  const posts = () => service.sim.calls(/^POST \/api\/tickets\/$/);

  const rest = await service.staff('/tickets', { method: 'POST', json: request });
  assert.is(rest.status, 409);
  const body = (await rest.json()) as RestErrorBody;
  assert.is(body.error.reason, 'known_outage');
  assert.ok(body.error.message.includes(routerOf(down).falla_general_descripcion));
  assert.equal(body.error.details?.outage, { active: true, description: routerOf(down).falla_general_descripcion });
  try {
    await service.operator.tickets.create.mutate({ ...request, subject: 'Internet Intermitente' });
    assert.unreachable('should be refused');
  } catch (error) {
    assert.instance(error, TRPCClientError);
    assert.equal(
      [(error as TRPCClientError<AppRouter>).data?.reason, (error as TRPCClientError<AppRouter>).data?.httpStatus],
      ['known_outage', 409],
    );
  }
  assert.is(posts(), 0, 'nothing posted upstream');

  const forced = await service.staff('/tickets', { method: 'POST', json: { ...request, force: true } });
  assert.is(forced.status, 201, await forced.clone().text());
  assert.is(posts(), 1);
  const other = await service.operator.tickets.create.mutate({
    serviceId,
    subject: 'Cambio de Domicilio',
    description: 'Se traslada a otra vereda del municipio.',
  });
  assertCreated(other);
  assert.is(other.ticket.subject, 'Cambio de Domicilio', 'other subjects are not refused');
});

outages('a connectivity ticket for a client without an outage is not refused', async () => {
  const up = clientWhere(false);
  const created = await service.operator.tickets.create.mutate({
    serviceId: Number(up.id_servicio),
    subject: 'Internet Lento',
    description: 'Navega lento desde ayer en la noche.',
  });
  assertCreated(created);
  assert.is(created.ticket.subject, 'Internet Lento');
});

outages.run();
