import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonRecord } from '../../server/simulator/data';
import { pdfFile, pngFile } from '../support/files';
import { reasonOf, trpcReason } from '../support/refusals';
import { OPERATOR_KEY, type RestErrorBody, serviceFor, startTestService } from '../support/service';
import { activeTicketsIn, claimRecord, simTicket } from '../support/sim-data';

/**
 * Tickets beyond create, on both surfaces: the ISP's own subject catalogue (and its fallbacks),
 * comments with photos (and ISPs without comments), state changes, and what happens next.
 */

const followUp = suite('api: ticket catalogue, comments, state changes, next step');
const service = serviceFor(followUp, { UPSTREAM_TIMEOUT_MS: '1000', DEFAULT_SUBJECT_PRIORITY: '3' });
const operator = { 'x-api-key': OPERATOR_KEY };
const PNG = pngFile(128);

/** A seeded ticket in the given state, with a client, claimed by this test alone. */
function ticketIn(state: string): JsonRecord {
  return claimRecord(service.sim.data.tickets, (ticket) => ticket.estado === state && Boolean(ticket.servicio));
}

followUp(
  'subjects come from the ISP’s catalogue: unknown ones get DEFAULT_SUBJECT_PRIORITY; create takes them; the source is said',
  async () => {
    const subjects = (await (await service.staff('/tickets/subjects')).json()) as {
      source: string;
      all: { subject: string; priority: number }[];
    };
    assert.is(subjects.source, 'upstream');
    const extra = subjects.all.find((entry) => entry.subject === 'Visita Técnica Programada');
    assert.equal(extra, { ...extra, priority: 3 }, 'not in our rules: the default priority');
    assert.is(subjects.all.find((entry) => entry.subject === 'Internet Lento')?.priority, 2, 'our rules still decide known subjects');
    const client = service.sim.data.clients.find(
      (candidate) =>
        !(candidate.router as JsonRecord | null)?.falla_general &&
        activeTicketsIn(service.sim.data, (candidate.zona as { id: number }).id) === 0,
    )!;
    const created = await service.operator.tickets.create.mutate({
      serviceId: Number(client.id_servicio),
      subject: 'visita tecnica programada',
      description: 'El cliente pide una visita para revisar el cableado.',
    });
    assert.is(created.status, 'created');
    if (created.status === 'created')
      assert.equal([created.ticket.subject, created.ticket.priority], ['Visita Técnica Programada', 'high']);
    const ready = (await (await fetch(`${service.url}/ready`)).json()) as { checks: { ticketSubjects: string } };
    assert.is(ready.checks.ticketSubjects, 'upstream');
  },
);

followUp('an unknown subject is 400 with the closest ones, on both surfaces', async () => {
  const client = service.sim.data.clients[3]!;
  const response = await service.staff('/tickets', {
    method: 'POST',
    json: { serviceId: client.id_servicio, subject: 'Internet Lentoo', description: 'Va muy lento' },
  });
  assert.is(response.status, 400);
  const body = (await response.json()) as RestErrorBody;
  assert.is(body.error.reason, 'unknown_ticket_subject');
  assert.is(((body.error.details?.closest ?? []) as string[])[0], 'Internet Lento');
  assert.match(body.error.message, /¿Quiso decir «Internet Lento»\?/);
  const viaTrpc = await service.operator.tickets.create
    .mutate({ serviceId: Number(client.id_servicio), subject: 'cambio de clave wifi', description: 'El cliente quiere otra clave.' })
    .catch((error: unknown) => error);
  assert.is(trpcReason(viaTrpc), 'unknown_ticket_subject');
  assert.ok(
    ((viaTrpc as { data: { details: { closest: string[] } } }).data.details.closest ?? []).includes('Cambio de Contraseña en Router Wifi'),
  );
});

followUp('the fallback catalogue when upstream has no catalogue endpoint, or it fails: source shipped, with the reason', async () => {
  const isolated = await startTestService();
  try {
    isolated.sim.setDialect({ subjectCatalogue: 'absent' });
    const absent = (await (await isolated.staff('/tickets/subjects')).json()) as { source: string; fallbackReason: string; all: unknown[] };
    assert.equal([absent.source, absent.fallbackReason], ['shipped', 'no_endpoint']);
    assert.is(absent.all.length, 31);
    await isolated.services.gateway.catalogue.ticketSubjectsCache.invalidate('all');
    isolated.sim.resetDialect();
    isolated.sim.setFaults({ forceStatus: 503, pathPrefix: '/api/tickets/asuntos-tickets/' });
    const failing = await isolated.operator.tickets.subjects.query();
    assert.equal([failing.source, failing.fallbackReason], ['shipped', 'upstream_unavailable']);
    isolated.sim.resetFaults();
    const back = await isolated.operator.tickets.subjects.query();
    assert.is(back.source, 'upstream', 'a fallback answer is not memoised: upstream is asked again');
  } finally {
    await isolated.stop();
  }
});

followUp('comments: a photo reaches upstream as a file (REST multipart), a PDF over tRPC; listed back oldest first', async () => {
  const ticket = ticketIn('Nuevo');
  const ticketId = Number(ticket.id_ticket);
  const form = new FormData();
  form.set('text', 'Le mando foto del router');
  form.set('notifyClient', 'true');
  form.set('attachment', new Blob([PNG], { type: 'image/png' }), 'router.png');
  const response = await fetch(`${service.url}/api/v1/tickets/${ticketId}/comments`, {
    method: 'POST',
    body: form,
    headers: { 'x-api-key': OPERATOR_KEY },
  });
  assert.is(response.status, 201);
  const pdf = pdfFile(80, '% factura del router');
  const added = await service.operator.tickets.comment.mutate({
    ticketId,
    text: 'Adjunto la factura del equipo',
    attachment: { contentBase64: pdf.toString('base64'), fileName: 'factura.pdf' },
  });
  assert.equal([added.status, added.reconciled], ['added', false]);
  const listed = await service.operator.tickets.comments.query({ ticketId });
  assert.equal(
    listed.items.map((comment) => comment.text),
    ['Le mando foto del router', 'Adjunto la factura del equipo'],
  );
  assert.match(listed.items[0]!.attachmentUrl ?? '', /router\.png$/);
  const rest = (await (await service.staff(`/tickets/${ticketId}/comments`)).json()) as { items: unknown[] };
  assert.is(rest.items.length, 2);
  const fake = await service.operator.tickets.comment
    .mutate({ ticketId, text: 'foto', attachment: { contentBase64: Buffer.from('GIF89a........').toString('base64') } })
    .catch((error: unknown) => error);
  assert.is(trpcReason(fake), 'attachment_invalid');
  assert.is((await service.staff('/tickets/99999999/comments')).status, 404);
});

followUp('a comment POST that stalls after commit is added once; retried with its key it is the same answer', async () => {
  const ticket = ticketIn('Nuevo');
  const ticketId = Number(ticket.id_ticket);
  service.sim.setFaults({ commitThenStallMs: 3000, method: 'POST', pathPrefix: '/api/tickets/comentarios/' });
  try {
    const request = { ticketId, text: 'Ya revisé los cables y sigue igual', idempotencyKey: `comment-${ticketId}-stall` };
    const first = await service.operator.tickets.comment.mutate(request);
    assert.equal([first.status, first.reconciled], ['added', true]);
    const again = await service.operator.tickets.comment.mutate(request);
    assert.is(again.replayed, true);
  } finally {
    service.sim.resetFaults();
  }
  const listed = await service.operator.tickets.comments.query({ ticketId });
  assert.is(listed.items.filter((comment) => comment.text === 'Ya revisé los cables y sigue igual').length, 1, 'never two comments');
});

followUp('an ISP without comments: 501 not_supported_by_upstream on both surfaces, detected once and remembered', async () => {
  const isolated = await startTestService();
  try {
    isolated.sim.setDialect({ ticketComments: false });
    const ticketId = Number(isolated.sim.data.tickets[0]!.id_ticket);
    const rest = await isolated.staff(`/tickets/${ticketId}/comments`);
    assert.is(rest.status, 501);
    const body = (await rest.json()) as RestErrorBody;
    assert.is(body.error.reason, 'not_supported_by_upstream');
    assert.match(body.error.message, /no permite comentarios/);
    const calls = isolated.sim.calls('/api/tickets/comentarios/');
    const viaTrpc = await isolated.operator.tickets.comment.mutate({ ticketId, text: 'hola' }).catch((error: unknown) => error);
    assert.is(trpcReason(viaTrpc), 'not_supported_by_upstream');
    assert.is(isolated.sim.calls('/api/tickets/comentarios/'), calls, 'not asked again');
  } finally {
    await isolated.stop();
  }
});

followUp('updateState (operator): sent with razon_falla; the same state again is a no-op; a missing reason is 400', async () => {
  const ticket = ticketIn('Nuevo');
  const ticketId = Number(ticket.id_ticket);
  const moved = await service.operator.tickets.updateState.mutate({ ticketId, state: 'in_progress', reason: 'Técnico asignado en camino' });
  assert.equal([moved.changed, moved.ticket.status], [true, 'in_progress']);
  assert.is(ticket.razon_falla, 'Técnico asignado en camino', 'upstream holds the reason');
  service.sim.resetCalls();
  const again = await service.staff(`/tickets/${ticketId}`, {
    method: 'PATCH',
    headers: operator,
    json: { state: 'in_progress', reason: 'otra vez' },
  });
  assert.is(again.status, 200);
  assert.is(((await again.json()) as { changed: boolean }).changed, false);
  assert.is(service.sim.calls(/^(PATCH|PUT) /), 0, 'nothing sent');
  const noReason = await service.staff(`/tickets/${ticketId}`, {
    method: 'PATCH',
    headers: operator,
    json: { state: 'closed', reason: '' },
  });
  assert.is(noReason.status, 400);
  assert.is(await reasonOf(noReason), 'invalid_input');
});

followUp('updateState where PATCH is not allowed: the whole ticket is PUT back with numbers, once', async () => {
  const ticket = ticketIn('Nuevo');
  const ticketId = Number(ticket.id_ticket);
  service.sim.setDialect({ ticketPatch: false });
  try {
    service.sim.resetCalls();
    const closed = await service.operator.tickets.updateState.mutate({ ticketId, state: 'closed', reason: 'Duplicado' });
    assert.is(closed.ticket.status, 'closed');
    assert.equal([service.sim.calls(/^PATCH /), service.sim.calls(/^PUT /)], [1, 1]);
    assert.match(String(ticket.asunto), / - /, 'the stored subject is not rewritten twice');
    assert.not.match(String(ticket.asunto), / - .* - /);
  } finally {
    service.sim.resetDialect();
  }
});

followUp(
  'a bot closes its verified customer’s ticket as resolved ("ya funciona"); nothing else, and never for another customer',
  async () => {
    const ticket = ticketIn('En Progreso');
    const ticketId = Number(ticket.id_ticket);
    const owner = Number((ticket.servicio as JsonRecord).id_servicio);
    const unverified = await service.client.tickets.updateState
      .mutate({ ticketId, state: 'resolved', reason: 'Ya funciona' })
      .catch((error: unknown) => error);
    assert.is(trpcReason(unverified), 'verification_required');
    const token = await service.verify(owner);
    const otherStates = await service.rest(`/tickets/${ticketId}`, {
      method: 'PATCH',
      headers: { 'x-verification-token': token },
      json: { state: 'closed', reason: 'lo cierro yo' },
    });
    assert.is(otherStates.status, 403);
    assert.is(await reasonOf(otherStates), 'forbidden_for_key');
    const someoneElse = service.sim.data.clients.find((client) => Number(client.id_servicio) !== owner)!;
    const foreign = await service.rest(`/tickets/${ticketId}`, {
      method: 'PATCH',
      headers: { 'x-verification-token': await service.verify(Number(someoneElse.id_servicio)) },
      json: { state: 'resolved', reason: 'Ya funciona' },
    });
    assert.is(foreign.status, 403);
    assert.is(await reasonOf(foreign), 'verification_mismatch');
    const resolved = await service
      .clientWith(token)
      .tickets.updateState.mutate({ ticketId, state: 'resolved', reason: 'El cliente confirma: ya funciona' });
    assert.equal([resolved.changed, resolved.ticket.status], [true, 'resolved']);
    assert.match(resolved.ticket.nextStep.message, /resuelto/);
  },
);

followUp('byId and the history say what happens next: technician, window in Colombian time, a sentence to show as it is', async () => {
  const ticket = service.sim.data.tickets.find(
    (candidate) =>
      simTicket.inProgress(candidate) && typeof candidate.tecnico === 'object' && candidate.tecnico && candidate.fecha_estimada_fin,
  )!;
  const read = await service.operator.tickets.byId.query({ ticketId: Number(ticket.id_ticket) });
  const technician = (ticket.tecnico as { nombre: string }).nombre;
  assert.is(read.nextStep.technician, technician);
  assert.ok(read.nextStep.window?.until?.endsWith('-05:00'));
  assert.match(
    read.nextStep.message,
    new RegExp(
      `^Su caso está en progreso; el técnico ${technician} lo atenderá antes del (lunes|martes|miércoles|jueves|viernes|sábado|domingo) \\d{1,2} de [a-z]+ a las \\d{1,2}:\\d{2} (a|p)\\. m\\.$`,
    ),
  );
  const serviceId = Number((ticket.servicio as JsonRecord).id_servicio);
  const history = (await (await service.staff(`/clients/${serviceId}/tickets`)).json()) as {
    items: { id: number; nextStep: { message: string } }[];
  };
  assert.is(history.items.find((item) => item.id === read.id)?.nextStep.message, read.nextStep.message);
});

followUp.run();
