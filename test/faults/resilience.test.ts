import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  assertCreated,
  fullView,
  type RestErrorBody,
  resetUpstream,
  settledCreate,
  startTestService,
  TEST_KEY,
  type TestService,
} from '../support/service';

/** Breaker, stale-if-error, write reconciliation and failed writes, proven against the simulator. */

const POSTS = /^POST \/api\/tickets\/$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const description = 'El cliente reporta que no tiene internet desde la mañana.';
const OTHER_KEY = 'other-key-0123456789abcdef';

let service: TestService;
const resilience = suite('faults: breaker, stale-if-error, writes');
resilience.before(async () => {
  service = await startTestService({
    UPSTREAM_TIMEOUT_MS: '200',
    UPSTREAM_RETRIES: '1',
    UPSTREAM_BREAKER_THRESHOLD: '3',
    UPSTREAM_BREAKER_COOLDOWN_MS: '400',
    CACHE_TTL_CLIENTS_S: '1',
    CACHE_STALE_MAX_AGE_S: '2',
    MAX_ACTIVE_TICKETS_PER_ZONE: '1000',
    // Upstream may commit a stalled POST up to ~1.5 s late here (the simulator's stall): the settle time covers it.
    WRITE_SETTLE_MS: '2000',
    API_KEYS: `${TEST_KEY},other=${OTHER_KEY}`,
  });
});
resilience.after(() => service.stop());
resilience.before.each(() => resetUpstream(service));

resilience('the breaker opens after consecutive failures, fails fast, half-opens one probe and closes on success', async () => {
  const breaker = service.services.gateway.transport.breaker;
  service.sim.setFaults({ forceStatus: 502 });
  await service.staff('/clients?limit=1'); // 2 tries
  await service.staff('/clients?limit=1'); // third failure opens it
  assert.is(breaker.state, 'open');
  const callsWhenOpen = service.sim.calls();
  const fast = await service.staff('/clients?limit=1');
  const body = (await fast.json()) as RestErrorBody;
  assert.is(fast.status, 503);
  assert.is(body.error.reason, 'upstream_unavailable');
  assert.ok(Number(fast.headers.get('retry-after')) >= 1);
  assert.is(service.sim.calls(), callsWhenOpen, 'no upstream call while open');

  await sleep(450);
  service.sim.resetFaults();
  const probe = await service.operator.clients.list.query({ limit: 1 });
  assert.is(probe.total, 1200);
  assert.is(breaker.state, 'closed');
});

resilience('a failed probe re-opens the breaker', async () => {
  const breaker = service.services.gateway.transport.breaker;
  service.sim.setFaults({ forceStatus: 503 });
  for (let i = 0; i < 2; i++) await service.staff('/clients?limit=1');
  assert.is(breaker.state, 'open');
  await sleep(450);
  await service.staff('/clients?limit=1');
  assert.is(breaker.state, 'open');
});

resilience(
  'stale-if-error: a failed refresh serves the last complete copy marked stale, then refreshes; past the max age → 503',
  async () => {
    await service.operator.clients.list.query({ limit: 1 });
    await sleep(1100); // past the 1 s TTL
    service.sim.setFaults({ forceStatus: 503 });
    const stale = await service.staff('/clients?limit=5');
    assert.is(stale.status, 200);
    assert.is(stale.headers.get('x-cache'), 'stale');
    assert.is(((await stale.json()) as { total: number }).total, 1200, 'the complete copy');
    await sleep(100); // the background refresh fails
    const still = await service.staff('/clients?limit=5');
    assert.is(still.headers.get('x-cache'), 'stale', 'a failed refresh keeps the copy');

    service.sim.resetFaults();
    service.services.gateway.transport.breaker.reset();
    await service.staff('/clients?limit=1'); // stale answer, triggers a refresh that succeeds
    await sleep(100);
    const fresh = await service.staff('/clients?limit=1');
    assert.is(fresh.headers.get('x-cache'), 'hit', 'refreshed');

    await sleep(3100); // past TTL + max stale age: the copy is gone
    service.sim.setFaults({ forceStatus: 503 });
    const gone = await service.staff('/clients?limit=1');
    assert.is(gone.status, 503);
    assert.is(((await gone.json()) as RestErrorBody).error.reason, 'upstream_unavailable');
    assert.ok(gone.headers.get('retry-after'));
  },
);

function freeClient(offset: number): number {
  return service.sim.data.clients[100 + offset]!.id_servicio as number;
}

resilience('a ticket POST that commits upstream then times out → exactly one ticket, returned (REST)', async () => {
  service.sim.setFaults({ commitThenStallMs: 600, method: 'POST', pathPrefix: '/api/tickets/' });
  const serviceId = freeClient(1);
  const response = await service.staff('/tickets', { method: 'POST', json: { serviceId, subject: 'No Tiene Internet', description } });
  assert.is(response.status, 201);
  const body = (await response.json()) as { ticket: { id: number; serviceId: number; subject: string } };
  assert.is(body.ticket.serviceId, serviceId);
  const stored = service.sim.data.tickets.filter(
    (t) => (t.servicio as { id_servicio: number } | null)?.id_servicio === serviceId && t.descripcion === description,
  );
  assert.is(stored.length, 1, 'exactly one upstream ticket');
  assert.is(stored[0]!.id_ticket, body.ticket.id, 'the caller got that ticket');
  assert.is(service.sim.calls(POSTS), 1, 'not re-posted: the reconcile lookup found it');
});

resilience(
  'reconciliation reads the subject as upstream stores it ("<subject> - <client name>") and line breaks as CRLF: one ticket, and the same one on a retry',
  async () => {
    service.sim.setFaults({ commitThenStallMs: 600, method: 'POST', pathPrefix: '/api/tickets/' });
    const serviceId = freeClient(7);
    const multiline = 'El cliente dice:\nno tiene internet desde ayer.\nYa reinició el router.';
    const headers = { 'idempotency-key': `stalled-rewritten-${serviceId}` };
    const first = await service.staff('/tickets', {
      method: 'POST',
      headers,
      json: { serviceId, subject: 'no tiene internet', description: multiline },
    });
    assert.is(first.status, 201);
    const created = (await first.json()) as { ticket: { id: number; subject: string; subjectText: string } };
    const stored = service.sim.data.tickets.filter(
      (t) =>
        (t.servicio as { id_servicio: number } | null)?.id_servicio === serviceId && String(t.descripcion).startsWith('El cliente dice:'),
    );
    assert.is(stored.length, 1, 'exactly one upstream ticket');
    assert.match(String(stored[0]!.asunto), /^No Tiene Internet - \S/, 'upstream stored the subject rewritten');
    assert.is(created.ticket.id, stored[0]!.id_ticket);
    assert.is(created.ticket.subject, 'No Tiene Internet', 'the catalogue subject');
    assert.is(created.ticket.subjectText, stored[0]!.asunto, 'and the stored one');
    service.sim.resetFaults();
    const retry = await service.staff('/tickets', {
      method: 'POST',
      headers,
      json: { serviceId, subject: 'no tiene internet', description: multiline },
    });
    assert.is(((await retry.json()) as { ticket: { id: number } }).ticket.id, created.ticket.id, 'the retry answers the same ticket');
    assert.is(service.sim.calls(POSTS), 1, 'posted once in all');
  },
);

interface PendingBody {
  status: string;
  handle: string;
  message: string;
  checkAfterSeconds: number;
  replayed: boolean;
}
const ticketsOf = (serviceId: number) =>
  service.sim.data.tickets.filter(
    (t) => (t.servicio as { id_servicio: number } | null)?.id_servicio === serviceId && t.descripcion === description,
  );

resilience(
  'a POST that stalls past our timeout and commits later → 202 pending_confirmation at once, then the one ticket on the handle',
  async () => {
    // The stalled POST commits at ~1.5 s; we time out at 200 ms and find nothing yet. The caller is not
    // kept waiting: 202 with a handle. Re-posting before upstream settles (WRITE_SETTLE_MS) would make a second ticket.
    service.sim.setFaults({ stallRate: 1, stallMs: 1500, method: 'POST', pathPrefix: '/api/tickets/' });
    const serviceId = freeClient(6);
    const started = Date.now();
    const response = await service.staff('/tickets', {
      method: 'POST',
      json: { serviceId, subject: 'Internet Intermitente', description },
    });
    const answeredAfterMs = Date.now() - started;
    assert.is(response.status, 202);
    const pending = (await response.json()) as PendingBody;
    assert.is(pending.status, 'pending_confirmation');
    assert.match(pending.handle, /^tkp_[\w-]{22}$/);
    assert.match(pending.message, /No lo cree de nuevo/);
    assert.ok(answeredAfterMs < 1500, `answered before upstream committed (${answeredAfterMs} ms)`);
    assert.is(ticketsOf(serviceId).length, 0, 'not committed yet when the caller got its answer');

    const status = await settledCreate(service, pending.handle, 'staff');
    assert.is(status.status, 'created');
    const stored = ticketsOf(serviceId);
    assert.is(stored.length, 1, 'exactly one upstream ticket');
    assert.is(status.ticket!.id, stored[0]!.id_ticket, 'the handle answers that ticket');
    assert.is(status.ticket!.subject, 'Internet Intermitente');
    assert.is(service.sim.calls(POSTS), 1, 'not re-posted: upstream committed within the settle time');
    // tRPC reads the same state.
    const viaTrpc = await service.operator.tickets.createStatus.query({ handle: pending.handle });
    assert.is(viaTrpc.status, 'created');
  },
);

resilience('the same Idempotency-Key answers the same handle while pending, then the ticket once it is known', async () => {
  service.sim.setFaults({ stallRate: 1, stallMs: 1200, method: 'POST', pathPrefix: '/api/tickets/' });
  const serviceId = freeClient(8);
  const json = { serviceId, subject: 'Internet Lento', description };
  const headers = { 'idempotency-key': `pending-same-key-${serviceId}` };
  const first = await service.staff('/tickets', { method: 'POST', headers, json });
  assert.is(first.status, 202);
  const pending = (await first.json()) as PendingBody;
  const again = await service.staff('/tickets', { method: 'POST', headers, json });
  assert.is(again.status, 202);
  const repeated = (await again.json()) as PendingBody;
  assert.is(repeated.handle, pending.handle, 'the same handle');
  assert.is(repeated.replayed, true);

  const status = await settledCreate(service, pending.handle, 'staff');
  assert.is(status.status, 'created');
  service.sim.resetFaults();
  const known = await service.staff('/tickets', { method: 'POST', headers, json });
  assert.is(known.status, 201, 'once known, the key answers the ticket');
  const body = (await known.json()) as { status: string; ticket: { id: number }; replayed: boolean };
  assert.is(body.status, 'created');
  assert.is(body.ticket.id, status.ticket!.id);
  assert.is(body.replayed, true);
  assert.is(ticketsOf(serviceId).length, 1);
  assert.is(service.sim.calls(POSTS), 1, 'posted once in all');
});

resilience('a handle is readable by its own key only; unknown → 404, malformed → 400', async () => {
  service.sim.setFaults({ stallRate: 1, stallMs: 600, method: 'POST', pathPrefix: '/api/tickets/' });
  const response = await service.staff('/tickets', {
    method: 'POST',
    json: { serviceId: freeClient(9), subject: 'Internet Lento', description },
  });
  const { handle } = (await response.json()) as PendingBody;
  const stranger = await service.staff(`/tickets/pending/${handle}`, { headers: { 'x-api-key': OTHER_KEY } });
  assert.is(stranger.status, 404);
  assert.is(((await stranger.json()) as RestErrorBody).error.reason, 'pending_ticket_not_found');
  const unknown = await service.staff('/tickets/pending/tkp_AAAAAAAAAAAAAAAAAAAAAA');
  assert.is(unknown.status, 404);
  const malformed = await service.staff('/tickets/pending/not-a-handle');
  assert.is(malformed.status, 400);
  await settledCreate(service, handle, 'staff');
});

resilience('a ticket POST whose connection drops after committing → exactly one ticket (tRPC)', async () => {
  service.sim.setFaults({ commitThenReset: true, method: 'POST', pathPrefix: '/api/tickets/' });
  const serviceId = freeClient(2);
  const created = await service.operator.tickets.create.mutate({ serviceId, subject: 'Antena Dañada', description });
  assertCreated(created);
  const stored = service.sim.data.tickets.filter(
    (t) => (t.servicio as { id_servicio: number } | null)?.id_servicio === serviceId && t.descripcion === description,
  );
  assert.is(stored.length, 1);
  assert.is(created.ticket.id, stored[0]!.id_ticket);
});

resilience(
  'a POST dropped before reaching upstream is provably absent → posted once more; dropped again → failed, nothing created, the key free again',
  async () => {
    service.sim.setFaults({ resetRate: 1, method: 'POST', pathPrefix: '/api/tickets/' });
    const serviceId = freeClient(3);
    const json = { serviceId, subject: 'Internet Lento', description };
    const headers = { 'idempotency-key': `dropped-twice-${serviceId}` };
    const response = await service.staff('/tickets', { method: 'POST', headers, json });
    assert.is(response.status, 202);
    const { handle } = (await response.json()) as PendingBody;
    // The reset applies to every POST: the one re-post after settling also drops, and settles absent.
    const status = await settledCreate(service, handle, 'staff');
    assert.is(status.status, 'failed');
    assert.is(status.error!.reason, 'upstream_unavailable');
    assert.is(service.sim.calls(POSTS), 2, 'original + exactly one re-post after the lookup proved absence');
    assert.is(ticketsOf(serviceId).length, 0);
    // Nothing was created, so the same key runs again: it looks first, finds nothing, and posts once.
    service.sim.resetFaults();
    const again = await service.staff('/tickets', { method: 'POST', headers, json });
    assert.is(again.status, 201);
    assert.is(((await again.json()) as { replayed: boolean }).replayed, false);
    assert.is(service.sim.calls(POSTS), 3);
    assert.is(ticketsOf(serviceId).length, 1);
  },
);

resilience('a 5xx on a ticket POST is not retried (upstream answered: nothing was created)', async () => {
  service.sim.setFaults({ forceStatus: 500, method: 'POST', pathPrefix: '/api/tickets/' });
  const response = await service.staff('/tickets', {
    method: 'POST',
    json: { serviceId: freeClient(4), subject: 'Internet Lento', description },
  });
  assert.is(response.status, 503);
  assert.is(service.sim.calls(POSTS), 1);
});

resilience('a failed profile update leaves the cache untouched; a good one shows at once', async () => {
  const serviceId = freeClient(5);
  const before = await service.client.clients.byServiceId.query({ serviceId });
  service.sim.setFaults({ forceStatus: 503, method: 'PUT' });
  const token = await service.verify(serviceId);
  const failed = await service.rest(`/clients/${serviceId}`, {
    method: 'PATCH',
    headers: { 'x-verification-token': token },
    json: { city: 'Cumaral' },
  });
  assert.is(failed.status, 503);
  assert.is(service.sim.calls(/^PUT /), 1, 'a write is never retried');
  const unchanged = await service.client.clients.byServiceId.query({ serviceId });
  assert.equal(unchanged, before);
  service.sim.resetFaults();
  await service.clientWith(token).clients.updateProfile.mutate({ serviceId, city: 'Cumaral' });
  assert.is(fullView(await service.operator.clients.byServiceId.query({ serviceId })).city, 'Cumaral');
});

resilience.run();
