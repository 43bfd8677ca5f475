import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestService, type TestService } from '../support/service';

/**
 * Ticket histories: one filtered upstream call per client while few are asked for; the whole
 * collection (2 pages here: 400 tickets, 250 a page) once more clients are asked for within the
 * TTL than that, with the same answers, and nothing held past the client-tickets TTL.
 */

const TICKETS = /^GET \/api\/tickets\/$/;
let service: TestService;
const policy = suite('gateway: ticket histories, per client or from the collection');
policy.before(async () => {
  service = await startTestService({ CACHE_TTL_CLIENT_TICKETS_S: '60' });
});
policy.after(() => service.stop());

const history = (serviceId: number) => service.operator.account.tickets.query({ serviceId, limit: 50 });

policy('few clients: one filtered call each; many: one collection load serves the rest with the same answers', async () => {
  const clients = service.sim.data.clients.map((client) => Number(client.id_servicio));
  // The first ten histories: a filtered call each, from upstream's filter.
  const filtered = new Map<number, number[]>();
  for (const serviceId of clients.slice(0, 10)) {
    const answer = await history(serviceId);
    assert.is(answer.source, 'upstream_filter');
    filtered.set(
      serviceId,
      answer.items.map((ticket) => ticket.id),
    );
  }
  assert.is(service.sim.calls(TICKETS), 10);
  // The eleventh within the TTL outnumbers the assumed pages: the collection is loaded once.
  const eleventh = await history(clients[10]!);
  assert.is(eleventh.source, 'ticket_collection');
  assert.is(service.sim.calls(TICKETS), 10 + 2, 'two pages, once');
  // Forty more clients, and the first ten again: no further upstream call, the same tickets.
  for (const serviceId of clients.slice(11, 51)) await history(serviceId);
  for (const [serviceId, ids] of filtered) {
    const again = await history(serviceId);
    assert.equal(
      again.items.map((ticket) => ticket.id),
      ids,
      `client ${serviceId}`,
    );
  }
  assert.is(service.sim.calls(TICKETS), 12);
  // Every client with tickets in the simulator gets exactly its tickets, newest first.
  const owner = service.sim.data.tickets.find((ticket) => ticket.servicio)!;
  const ownerId = Number((owner.servicio as { id_servicio: number }).id_servicio);
  const expected = service.sim.data.tickets
    .filter((ticket) => Number((ticket.servicio as { id_servicio?: number } | null)?.id_servicio) === ownerId)
    .map((ticket) => Number(ticket.id_ticket))
    .sort((a, b) => a - b);
  assert.equal(
    (await history(ownerId)).items.map((ticket) => ticket.id).sort((a, b) => a - b),
    expected,
  );
});

policy('in collection mode a ticket created here shows at once, and a state change is never served old', async () => {
  const serviceId = Number(service.sim.data.clients[60]!.id_servicio);
  const created = await service.operator.tickets.create.mutate({
    serviceId,
    subject: 'Internet Lento',
    description: 'Prueba de historial: el cliente reporta lentitud.',
    force: true,
  });
  assert.is(created.status, 'created');
  if (created.status !== 'created') return;
  const after = await history(serviceId);
  assert.is(after.source, 'ticket_collection');
  assert.ok(after.items.some((ticket) => ticket.id === created.ticket.id));
  const calls = service.sim.calls(TICKETS);
  await service.operator.tickets.updateState.mutate({ ticketId: created.ticket.id, state: 'resolved', reason: 'Resuelto en prueba.' });
  const changed = await history(serviceId);
  assert.is(changed.items.find((ticket) => ticket.id === created.ticket.id)?.status, 'resolved');
  assert.ok(service.sim.calls(TICKETS) > calls, 'read again from upstream after the change');
});

policy.run();
