import type { TRPCClientError } from '@trpc/client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AppRouter } from '../../client/index';
import type { JsonRecord } from '../../server/simulator/data';
import { assertCreated, type RestErrorBody, startTestService, type TestService } from '../support/service';
import { activeTicketsIn, simTicket, underOutage, zoneOf } from '../support/sim-data';

/** Tickets on both surfaces: subjects, zone counts, create rules, idempotency, concurrency. */

let service: TestService;
const tickets = suite('api: tickets');
tickets.before(async () => {
  // Small pages so the active tickets span several pages.
  service = await startTestService({ MAX_TICKET_RESOLUTION_DAYS: '2', UPSTREAM_PAGE_SIZE: '10' });
  // Wednesday 2026-04-01 09:00 in Bogotá: the worked example.
  service.services.now = () => new Date('2026-04-01T14:00:00Z');
});
tickets.after(() => service.stop());

const POSTS = /^POST \/api\/tickets\/$/;
const description = 'El cliente reporta que el internet está lento desde ayer.';

/** Active tickets per zone straight from the simulator's data: the independent reading. */
function simActive(zoneId: number): number {
  return activeTicketsIn(service.sim.data, zoneId);
}

/** A client in a zone with `active` tickets, outside any known outage (connectivity tickets would be refused there). */
function clientInZoneWith(active: number): JsonRecord {
  const eligible = (c: JsonRecord) => !underOutage(c);
  const zone = service.sim.data.zones.find(
    (z) => simActive(z.id) === active && service.sim.data.clients.some((c) => (c.zona as { id: number }).id === z.id && eligible(c)),
  );
  if (!zone) throw new Error(`no zone with ${active} active tickets`);
  return service.sim.data.clients.find((c) => (c.zona as { id: number }).id === zone.id && eligible(c))!;
}

tickets('subjects: grouped by priority and as one list', async () => {
  const body = (await (await service.staff('/tickets/subjects')).json()) as {
    byPriority: { priority: number; level: string; subjects: string[] }[];
    all: { subject: string; level: string }[];
  };
  assert.equal(
    body.byPriority.map((group) => group.level),
    ['low', 'normal', 'high', 'very_high'],
  );
  assert.ok(body.byPriority[1]!.subjects.includes('Internet Lento'));
  assert.is(body.all.length, 35, 'the ISP’s catalogue: the 31 common subjects and 4 of its own');
  assert.is(body.all.find((entry) => entry.subject === 'Troncal Dañado')?.level, 'very_high');
  assert.equal((await service.operator.tickets.subjects.query()).all, body.all);
});

tickets('zoneStatus: counts every page, skips tickets without service or zone, same on both surfaces', async () => {
  service.sim.resetCalls();
  for (const zone of service.sim.data.zones.slice(0, 8)) {
    const status = await service.operator.tickets.zoneStatus.query({ zoneId: zone.id });
    assert.is(status.activeTickets, simActive(zone.id), `zone ${zone.id}`);
    assert.is(status.blocked, status.activeTickets >= 3);
    const rest = (await (await service.staff(`/tickets/zones/${zone.id}/status`)).json()) as { activeTickets: number };
    assert.is(rest.activeTickets, status.activeTickets);
  }
  const nuevos = service.sim.data.tickets.filter((t) => simTicket.isNew(t)).length;
  assert.ok(nuevos > 30, 'the data spans several pages');
  assert.is(service.sim.calls(/^GET \/api\/tickets\/$/), Math.ceil(nuevos / 10), 'one pass over every page, then cached');
});

tickets('create: canonical subject, priority, business-day due date, exact upstream form; zone count updates at once', async () => {
  const client = clientInZoneWith(0);
  const zoneId = zoneOf(client);
  const before = await service.operator.tickets.zoneStatus.query({ zoneId });
  const response = await service.staff('/tickets', {
    method: 'POST',
    json: { serviceId: client.id_servicio, subject: 'internet LENTO', description },
  });
  assert.is(response.status, 201);
  const body = (await response.json()) as {
    ticket: { id: number; subject: string; priority: string; startsAt: string; dueAt: string; serviceId: number; status: string };
    zoneStatus: { activeTickets: number };
    replayed: boolean;
  };
  assert.is(body.ticket.subject, 'Internet Lento');
  assert.is(body.ticket.priority, 'normal');
  assert.is(body.ticket.status, 'new');
  assert.is(body.ticket.startsAt, '2026-04-01T09:00:00-05:00');
  assert.is(body.ticket.dueAt, '2026-04-07T09:00:00-05:00');
  assert.is(body.ticket.serviceId, client.id_servicio);
  assert.is(body.zoneStatus.activeTickets, before.activeTickets + 1);
  assert.is(body.replayed, false);
  const stored = service.sim.data.tickets.find((t) => t.id_ticket === body.ticket.id)!;
  assert.is(stored.asuntos_default, 'Internet Lento');
  assert.is(stored.fecha_estimada_inicio, '01/04/2026 09:00');
  assert.is(stored.fecha_estimada_fin, '07/04/2026 09:00');
  assert.is(stored.prioridad, 'Normal');
  assert.is(stored.departamento, 'Soporte Técnico');
  const after = await service.operator.tickets.zoneStatus.query({ zoneId });
  assert.is(after.activeTickets, before.activeTickets + 1, 'zone status shows the new ticket without waiting for the TTL');
  const read = await service.operator.tickets.byId.query({ ticketId: body.ticket.id });
  assert.is(read.subject, 'Internet Lento');
  assert.is(read.dueAt, '2026-04-07T09:00:00-05:00');
});

tickets('create refuses: unknown subject (400 with the valid list), unknown client (404), short description (400)', async () => {
  const client = clientInZoneWith(0);
  const unknown = await service.staff('/tickets', {
    method: 'POST',
    json: { serviceId: client.id_servicio, subject: 'Pizza fría', description },
  });
  const body = (await unknown.json()) as RestErrorBody;
  assert.is(unknown.status, 400);
  assert.is(body.error.reason, 'unknown_ticket_subject');
  assert.ok((body.error.details?.validSubjects as string[] | undefined)?.includes('No Tiene Internet'));
  const missing = await service.staff('/tickets', { method: 'POST', json: { serviceId: 999999, subject: 'Internet Lento', description } });
  assert.is(missing.status, 404);
  assert.is(((await missing.json()) as RestErrorBody).error.reason, 'client_not_found');
  try {
    await service.operator.tickets.create.mutate({
      serviceId: client.id_servicio as number,
      subject: 'Internet Lento',
      description: 'corta',
    });
    assert.unreachable();
  } catch (error) {
    assert.is((error as TRPCClientError<AppRouter>).data?.reason, 'invalid_input');
  }
});

tickets('a zone at its limit answers 409 naming the limit, on both surfaces, and nothing is posted', async () => {
  const client = clientInZoneWith(3);
  service.sim.resetCalls();
  const response = await service.staff('/tickets', {
    method: 'POST',
    json: { serviceId: client.id_servicio, subject: 'No tiene internet', description },
  });
  const body = (await response.json()) as RestErrorBody;
  assert.is(response.status, 409);
  assert.is(body.error.reason, 'zone_ticket_limit_reached');
  assert.match(body.error.message, /máximo es 3/);
  try {
    await service.operator.tickets.create.mutate({ serviceId: client.id_servicio as number, subject: 'No tiene internet', description });
    assert.unreachable();
  } catch (error) {
    assert.is((error as TRPCClientError<AppRouter>).data?.httpStatus, 409);
  }
  assert.is(service.sim.calls(POSTS), 0);
});

tickets('10 simultaneous creates in a zone with 2 free slots: exactly 2 created, 8 refused with 409', async () => {
  const zoneId = zoneOf(clientInZoneWith(1));
  // Ten customers of the zone (one customer asking ten times would get its one ticket back).
  const customers = service.sim.data.clients.filter((candidate) => zoneOf(candidate) === zoneId && !underOutage(candidate)).slice(0, 10);
  assert.is(customers.length, 10);
  const before = (await service.operator.tickets.zoneStatus.query({ zoneId })).activeTickets;
  assert.is(before, 1);
  service.sim.resetCalls();
  const statuses = await Promise.all(
    customers.map((client, i) =>
      i % 2 === 0
        ? service
            .staff('/tickets', { method: 'POST', json: { serviceId: client.id_servicio, subject: 'Internet Intermitente', description } })
            .then((r) => r.status)
        : service.operator.tickets.create
            .mutate({ serviceId: client.id_servicio as number, subject: 'Internet Intermitente', description })
            .then(() => 201)
            .catch((error: TRPCClientError<AppRouter>) => error.data?.httpStatus ?? 0),
    ),
  );
  assert.is(statuses.filter((status) => status === 201).length, 2);
  assert.is(statuses.filter((status) => status === 409).length, 8);
  assert.is(service.sim.calls(POSTS), 2);
  assert.is(simActive(zoneId), 3);
});

tickets('idempotency: same key + same request → one upstream ticket (also at once); other request → 409', async () => {
  const client = clientInZoneWith(0);
  const json = { serviceId: client.id_servicio, subject: 'Cambio de Domicilio', description };
  service.sim.resetCalls();
  const [a, b] = await Promise.all([
    service.staff('/tickets', { method: 'POST', json, headers: { 'idempotency-key': 'conv-123-ticket-1' } }),
    service.staff('/tickets', { method: 'POST', json, headers: { 'idempotency-key': 'conv-123-ticket-1' } }),
  ]);
  const first = (await a.json()) as { ticket: { id: number }; replayed: boolean };
  const second = (await b.json()) as { ticket: { id: number }; replayed: boolean };
  assert.is(a.status, 201);
  assert.is(b.status, 201);
  assert.is(first.ticket.id, second.ticket.id);
  assert.equal([first.replayed, second.replayed].sort(), [false, true]);
  const later = await service.staff('/tickets', { method: 'POST', json, headers: { 'idempotency-key': 'conv-123-ticket-1' } });
  assert.is(((await later.json()) as { ticket: { id: number } }).ticket.id, first.ticket.id);
  assert.is(service.sim.calls(POSTS), 1);

  const reused = await service.staff('/tickets', {
    method: 'POST',
    json: { ...json, subject: 'Internet Lento' },
    headers: { 'idempotency-key': 'conv-123-ticket-1' },
  });
  assert.is(reused.status, 409);
  assert.is(((await reused.json()) as RestErrorBody).error.reason, 'idempotency_key_reused');

  // Another subject: the customer's open "Cambio de Domicilio" would answer itself (status existing).
  const viaTrpc = await service.operator.tickets.create.mutate({
    ...json,
    subject: 'Internet Lento',
    serviceId: client.id_servicio as number,
    idempotencyKey: 'conv-456-ticket-1',
  });
  const again = await service.operator.tickets.create.mutate({
    ...json,
    subject: 'Internet Lento',
    serviceId: client.id_servicio as number,
    idempotencyKey: 'conv-456-ticket-1',
  });
  assertCreated(viaTrpc);
  assertCreated(again);
  assert.is(again.ticket.id, viaTrpc.ticket.id);
  assert.ok(again.replayed);
  assert.is(service.sim.calls(POSTS), 2);
});

tickets('idempotency after a failed attempt: the same request may run again, another request is still refused', async () => {
  const client = clientInZoneWith(0);
  const failed = { serviceId: client.id_servicio, subject: 'No es un asunto', description };
  const first = await service.staff('/tickets', { method: 'POST', json: failed, headers: { 'idempotency-key': 'conv-789-ticket-1' } });
  assert.is(first.status, 400);
  const again = await service.staff('/tickets', { method: 'POST', json: failed, headers: { 'idempotency-key': 'conv-789-ticket-1' } });
  assert.is(((await again.json()) as RestErrorBody).error.reason, 'unknown_ticket_subject', 'the same request runs again');
  const other = await service.staff('/tickets', {
    method: 'POST',
    json: { ...failed, subject: 'Internet Lento' },
    headers: { 'idempotency-key': 'conv-789-ticket-1' },
  });
  assert.is(other.status, 409);
  assert.is(((await other.json()) as RestErrorBody).error.reason, 'idempotency_key_reused');
});

tickets('byId: mapped fields, 404 for an unknown ticket', async () => {
  const raw = service.sim.data.tickets.find((t) => t.servicio && (t.respuestas as unknown[]).length > 0)!;
  const ticket = await service.operator.tickets.byId.query({ ticketId: raw.id_ticket as number });
  assert.is(ticket.subjectText, raw.asunto, 'the subject as upstream stores it');
  assert.is(ticket.subject, String(raw.asunto).split(' - ')[0], 'the catalogue subject');
  assert.match(ticket.createdAt ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00-05:00$/);
  assert.ok(ticket.latestAnswer);
  const missing = await service.staff('/tickets/1');
  assert.is(missing.status, 404);
  assert.is(((await missing.json()) as RestErrorBody).error.reason, 'ticket_not_found');
});

tickets.run();
