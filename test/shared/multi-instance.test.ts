import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonRecord } from '../../server/simulator/data';
import { type Simulator, startSimulator } from '../../server/simulator/server';
import { pngFile } from '../support/files';
import { BOT_KEY } from '../support/llm';
import { redisAvailable, TestRedis } from '../support/redis-server';
import { fullView, OPERATOR_KEY, type RestErrorBody, settledCreate, startTestService, type TestService } from '../support/service';
import { activeTicketsIn, simClient, underOutage, zoneOf } from '../support/sim-data';

/**
 * Several instances, one truth: two service instances on one simulator and one real redis-server.
 * Upstream is loaded once for both; zone limits, idempotency keys, rate limits and lockouts hold
 * across them; an operator's invalidation reaches both; Redis killed mid-run → answers continue
 * from memory, and shared state heals when Redis returns.
 */

const ADMIN_KEY = 'ops=admin-key-0123456789abcdef';
const LIST = /^GET \/api\/clientes\/$/;
const POSTS = /^POST \/api\/tickets\/$/;

const shared = suite('shared state: two instances, one Redis');
const enabled = redisAvailable();
let redis: TestRedis;
let sim: Simulator;
let a: TestService;
let b: TestService;

async function pair(overrides: Record<string, string> = {}): Promise<[TestService, TestService]> {
  const config = {
    REDIS_URL: redis.url,
    REDIS_LOCK_TTL_MS: '5000',
    ADMIN_API_KEYS: ADMIN_KEY,
    DEFAULT_TECHNICIAN_ID: '11',
    WRITE_SETTLE_MS: '200',
    ...overrides,
  };
  return Promise.all([startTestService(config, { simulator: sim }), startTestService(config, { simulator: sim })]);
}

shared.before(async () => {
  if (!enabled) return;
  redis = await TestRedis.start();
  sim = await startSimulator({ seed: 20260806, clients: 1200, plans: 20, tickets: 400, zones: 20, pingDelayMs: 50 });
  [a, b] = await pair({ REDIS_KEY_PREFIX: 'main:' });
});
shared.after(async () => {
  if (!enabled) return;
  await Promise.all([a?.stop(), b?.stop()]);
  await sim?.close();
  await redis?.stop();
});
shared.before.each(() => {
  if (!enabled) return;
  sim.resetFaults();
  sim.resetCalls();
});

const test = (name: string, body: () => Promise<void>) => shared(name, async () => (enabled ? body() : undefined));
const activeIn = (zoneId: number) => activeTicketsIn(sim.data, zoneId);
const outsideOutages = (client: JsonRecord) => !underOutage(client);
const admin = (service: TestService, path: string, method = 'GET', key = 'admin-key-0123456789abcdef') =>
  fetch(`${service.url}${path}`, { method, headers: { 'x-api-key': key } });

test('a cold start of both instances loads WispHub Net once: one instance paginates, the other takes its result from Redis', async () => {
  sim.setFaults({ pageLatencyMs: 150 });
  const pages = Math.ceil(sim.data.clients.length / 250);
  const answers = await Promise.all([
    ...Array.from({ length: 10 }, () => a.operator.clients.list.query({ limit: 1 })),
    ...Array.from({ length: 10 }, () => b.operator.clients.list.query({ limit: 1 })),
  ]);
  assert.ok(
    answers.every((answer) => answer.total === sim.data.clients.length),
    'complete collections on both',
  );
  assert.is(sim.calls(LIST), pages, 'each page once for both instances');
  const stats = await Promise.all(
    [a, b].map(
      async (service) =>
        (
          (await (await admin(service, '/admin/cache')).json()) as {
            caches: { resource: string; shared: { fromShared: number; fromUpstream: number } }[];
          }
        ).caches,
    ),
  );
  const clients = stats.map((caches) => caches.find((cache) => cache.resource === 'clients')!.shared);
  assert.equal(clients.map((tier) => tier.fromUpstream).sort(), [0, 1], 'one loader');
  assert.equal(clients.map((tier) => tier.fromShared).sort(), [0, 1], 'one filled from Redis');
});

test('a loader that died holding the lock: the others wait for its lock to expire, then one of them loads', async () => {
  const [x, y] = await pair({ REDIS_KEY_PREFIX: 'takeover:' });
  try {
    // What a crashed instance leaves behind: the load lock, and no collection.
    const { Redis } = await import('ioredis');
    const raw = new Redis(redis.url);
    await raw.set('takeover:lock:cache:clients:all', 'dead-instance:token', 'PX', 700);
    raw.disconnect();
    const started = Date.now();
    const answers = await Promise.all([x.operator.clients.list.query({ limit: 1 }), y.operator.clients.list.query({ limit: 1 })]);
    assert.ok(answers.every((answer) => answer.total === sim.data.clients.length));
    assert.ok(Date.now() - started >= 600, 'nobody loaded while the dead holder’s lock lived');
    assert.is(sim.calls(LIST), Math.ceil(sim.data.clients.length / 250), 'then one instance loaded, once');
  } finally {
    await Promise.all([x.stop(), y.stop()]);
  }
});

test('10 concurrent creates across both instances in a zone with 2 free slots: exactly 2 tickets', async () => {
  const zone = sim.data.zones.find((z) => activeIn(z.id) === 1 && sim.data.clients.some((c) => zoneOf(c) === z.id && outsideOutages(c)))!;
  const members = sim.data.clients.filter((c) => zoneOf(c) === zone.id && outsideOutages(c));
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, index) =>
      (index % 2 === 0 ? a : b).staff('/tickets', {
        method: 'POST',
        json: {
          serviceId: members[index % members.length]!.id_servicio,
          subject: 'Internet Lento',
          description: `Falla reportada por el cliente número ${index}.`,
        },
      }),
    ),
  );
  const statuses = results.map((response) => response.status).sort();
  assert.equal(statuses, [201, 201, 409, 409, 409, 409, 409, 409, 409, 409]);
  assert.is(sim.calls(POSTS), 2, 'two upstream tickets');
  for (const response of results.filter((r) => r.status === 409))
    assert.is(((await response.json()) as RestErrorBody).error.reason, 'zone_ticket_limit_reached');
  const [statusA, statusB] = await Promise.all([a, b].map((service) => service.client.tickets.zoneStatus.query({ zoneId: zone.id })));
  assert.equal([statusA?.activeTickets, statusB?.activeTickets], [3, 3], 'both instances count the new tickets');
});

test('one idempotency key sent to both instances at once, then again: one ticket, the same answer everywhere', async () => {
  const client = sim.data.clients.find((c) => activeIn(zoneOf(c)) === 0 && outsideOutages(c))!;
  const body = { serviceId: client.id_servicio, subject: 'Cambio de Domicilio', description: 'El cliente se traslada a la vereda vecina.' };
  const send = (service: TestService) =>
    service.staff('/tickets', { method: 'POST', json: body, headers: { 'idempotency-key': 'wa-shared-key-0001' } });
  const first = await Promise.all([send(a), send(b), send(a), send(b)]);
  const again = await Promise.all([send(b), send(a)]);
  const answers = (await Promise.all([...first, ...again].map((response) => response.json()))) as {
    ticket: { id: number };
    replayed: boolean;
  }[];
  assert.ok([...first, ...again].every((response) => response.status === 201));
  assert.is(new Set(answers.map((answer) => answer.ticket.id)).size, 1, 'one ticket id');
  assert.is(answers.filter((answer) => !answer.replayed).length, 1, 'one original, the rest replays');
  assert.is(sim.calls(POSTS), 1, 'one upstream POST');
  const other = await b.staff('/tickets', {
    method: 'POST',
    json: { ...body, description: 'Otra solicitud con la misma clave.' },
    headers: { 'idempotency-key': 'wa-shared-key-0001' },
  });
  assert.is(other.status, 409);
  assert.is(((await other.json()) as RestErrorBody).error.reason, 'idempotency_key_reused');
});

/** A client whose zone has room for one more ticket, preferring the fullest zones (the emptier ones stay for later tests). */
function roomInFullestZone(index: number): JsonRecord {
  const candidates = sim.data.clients
    .filter((c) => activeIn(zoneOf(c)) <= 1 && outsideOutages(c))
    .sort((p, q) => activeIn(zoneOf(q)) - activeIn(zoneOf(p)));
  return candidates[index * 7]!;
}

test('a create pending on one instance: the other answers the same handle for the same key, its status, then the ticket', async () => {
  const [x, y] = await pair({ REDIS_KEY_PREFIX: 'pending:', UPSTREAM_TIMEOUT_MS: '200', WRITE_SETTLE_MS: '2000' });
  try {
    sim.setFaults({ stallRate: 1, stallMs: 1000, method: 'POST', pathPrefix: '/api/tickets/' });
    const client = roomInFullestZone(0);
    const body = { serviceId: client.id_servicio, subject: 'Internet Lento', description: 'Lentitud reportada desde dos instancias.' };
    const send = (service: TestService) =>
      service.staff('/tickets', { method: 'POST', json: body, headers: { 'idempotency-key': 'wa-pending-key-0001' } });
    const first = await send(x);
    assert.is(first.status, 202);
    const { handle } = (await first.json()) as { handle: string };
    const fromOther = await send(y);
    assert.is(fromOther.status, 202);
    assert.is(((await fromOther.json()) as { handle: string }).handle, handle, 'the same handle from the other instance');
    const listed = await y.services.pendingTickets.list('tkp_', 50);
    assert.ok(
      listed.some((record) => record.handle === handle),
      "the other instance lists it for staff (the console's waiting view)",
    );
    const status = await settledCreate(y, handle, 'staff');
    assert.is(status.status, 'created', 'the other instance reads the outcome');
    sim.resetFaults();
    const known = await send(y);
    assert.is(known.status, 201);
    assert.is(((await known.json()) as { ticket: { id: number } }).ticket.id, status.ticket!.id);
    assert.is(sim.calls(POSTS), 1, 'one upstream POST');
  } finally {
    await Promise.all([x.stop(), y.stop()]);
  }
});

test('an instance stopped while settling a pending create: another takes the settlement over once its claim lapses', async () => {
  const [x, y] = await pair({
    REDIS_KEY_PREFIX: 'orphan:',
    REDIS_LOCK_TTL_MS: '600',
    UPSTREAM_TIMEOUT_MS: '200',
    WRITE_SETTLE_MS: '1500',
  });
  try {
    sim.setFaults({ stallRate: 1, stallMs: 800, method: 'POST', pathPrefix: '/api/tickets/' });
    const client = roomInFullestZone(1);
    const first = await x.staff('/tickets', {
      method: 'POST',
      json: { serviceId: client.id_servicio, subject: 'Internet Lento', description: 'Pendiente cuando la instancia se detuvo.' },
    });
    assert.is(first.status, 202);
    const { handle } = (await first.json()) as { handle: string };
    await x.stop();
    const status = await settledCreate(y, handle, 'staff');
    assert.is(status.status, 'created', 'taken over and settled');
    const stored = sim.data.tickets.filter((t) => t.descripcion === 'Pendiente cuando la instancia se detuvo.');
    assert.is(stored.length, 1, 'exactly one ticket');
    assert.is(stored[0]!.id_ticket, status.ticket!.id);
  } finally {
    await y.stop();
  }
});

test('rate limits and identity lockouts count across instances', async () => {
  const [x, y] = await pair({ REDIS_KEY_PREFIX: 'limits:', RATE_LIMIT_PER_S: '0.01', RATE_LIMIT_BURST: '10', VERIFY_MAX_FAILURES: '5' });
  try {
    const statuses = [];
    for (let index = 0; index < 12; index++) statuses.push((await (index % 2 === 0 ? x : y).rest('/plans')).status);
    assert.is(statuses.filter((status) => status === 429).length, 2, `10 of 12 allowed in all: ${statuses.join(',')}`);
  } finally {
    await Promise.all([x.stop(), y.stop()]);
  }
  const [v, w] = await pair({ REDIS_KEY_PREFIX: 'lockouts:', VERIFY_MAX_FAILURES: '5' });
  try {
    const target = sim.data.clients[7]!;
    const wrong = { document: '000000001', phone: '3000000001' };
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await (attempt < 3 ? v : w).rest(`/clients/${String(target.id_servicio)}/verify`, { method: 'POST', json: wrong });
      assert.is(response.status, 200);
    }
    const locked = await v.rest(`/clients/${String(target.id_servicio)}/verify`, { method: 'POST', json: wrong });
    assert.is(locked.status, 429);
    assert.is(((await locked.json()) as RestErrorBody).error.reason, 'verification_locked');
    assert.ok(locked.headers.get('retry-after'));
    // Either instance lists the lockout for staff, whichever instance counted the failures.
    for (const instance of [v, w]) {
      const lockouts = await instance.services.identityGuard.lockouts();
      const held = lockouts.find((lockout) => lockout.scope === 'service-conversation' && lockout.serviceId === target.id_servicio);
      assert.ok(held, 'the lockout of that service id is listed');
      assert.is(held.failures, 5);
      assert.ok(held.retryAfterSeconds > 0);
    }
  } finally {
    await Promise.all([v.stop(), w.stop()]);
  }
});

test('a console session made on one instance works on the other; signing out there ends it everywhere', async () => {
  const signedIn = await fetch(`${a.url}/console/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: ADMIN_KEY.slice(ADMIN_KEY.indexOf('=') + 1) }),
  });
  assert.is(signedIn.status, 201);
  const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
  const { csrf } = (await signedIn.json()) as { csrf: string };
  assert.is((await fetch(`${b.url}/console/api/waiting`, { headers: { cookie } })).status, 200, 'the other instance knows the session');
  const out = await fetch(`${b.url}/console/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } });
  assert.is(out.status, 200);
  assert.is((await fetch(`${a.url}/console/api/today`, { headers: { cookie } })).status, 401, 'signed out on both');
});

test('WhatsApp through Twilio on two instances: a retry to the other is answered once; consent and transcript carry over', async () => {
  const [x, y] = await pair({ REDIS_KEY_PREFIX: 'channels:', CHANNEL_API_KEY: BOT_KEY, API_KEYS: `bot:test=${BOT_KEY}` });
  try {
    const from = 'whatsapp:+573004445566';
    const send = (service: TestService, body: string, messageSid: string) =>
      service.twilioSimulator!.deliver(`${service.url}/channels/twilio/whatsapp`, { from, body, messageSid });
    const first = await send(x, 'hola', 'SMfleet000000000000000001');
    assert.match(first.body, /Ley 1581/, 'a new person is asked for consent');
    // Twilio retries the same message and the load balancer sends it to the other instance.
    const retried = await send(y, 'hola', 'SMfleet000000000000000001');
    assert.is(retried.body, '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', 'answered once');
    assert.is(y.llmSimulator!.received().length, 0, 'the other instance asked no model');

    const accepted = await send(y, 'acepto', 'SMfleet000000000000000002');
    assert.is(accepted.status, 200);
    const consents = (await y.services.audit.list({ limit: 500 })).filter((entry) => entry.action === 'consent.accept');
    assert.is(consents.length, 1, 'the acceptance is recorded once');

    x.llmSimulator!.resetReceived();
    const next = await send(x, '¿cuánto debo?', 'SMfleet000000000000000003');
    assert.not.match(next.body, /Ley 1581/, 'consent given on the other instance holds here');
    const asked = x.llmSimulator!.received().at(-1)!.body as { messages: { role: string; content: unknown }[] };
    const transcript = JSON.stringify(asked.messages);
    assert.ok(transcript.includes('acepto') && transcript.includes('hola'), 'the transcript kept on the other instance reaches the model');
  } finally {
    await Promise.all([x.stop(), y.stop()]);
  }
});

test('a profile update on one instance is what the other answers next (read-your-writes across instances)', async () => {
  await Promise.all([a.operator.clients.list.query({ limit: 1 }), b.operator.clients.list.query({ limit: 1 })]);
  const target = sim.data.clients[11]!;
  const serviceId = Number(target.id_servicio);
  // A token from instance b is accepted by instance a: both sign with the same secret.
  const token = await b.verify(serviceId);
  await a.clientWith(token).clients.updateProfile.mutate({ serviceId, locality: 'Alto Bonito Shared' });
  let seen = '';
  for (let tries = 0; tries < 40 && seen !== 'Alto Bonito Shared'; tries++) {
    seen = fullView(await b.operator.clients.byServiceId.query({ serviceId })).locality ?? '';
    if (seen !== 'Alto Bonito Shared') await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.is(seen, 'Alto Bonito Shared');
});

test('operator endpoints: admin key only; invalidating one client re-reads it once and reaches both instances', async () => {
  assert.is((await admin(a, '/admin/cache', 'GET', '')).status, 401);
  assert.is((await admin(a, '/admin/cache', 'GET', a.config.API_KEYS[0]!.key)).status, 403, 'a bot key is not an admin key');
  const stats = (await (await admin(a, '/admin/cache')).json()) as { redis: { redis: string }; caches: { resource: string }[] };
  assert.is(stats.redis.redis, 'up');
  assert.ok(stats.caches.some((cache) => cache.resource === 'clients'));

  await Promise.all([a.operator.clients.list.query({ limit: 1 }), b.operator.clients.list.query({ limit: 1 })]);
  const target = sim.data.clients[21]!;
  target.direccion = 'Vereda El Triunfo km 3'; // changed in WispHub Net's own UI
  sim.resetCalls();
  const response = await admin(a, `/admin/clients/${String(target.id_servicio)}/invalidate`, 'POST');
  assert.is(response.status, 200);
  let address = '';
  for (let tries = 0; tries < 40 && address !== 'Vereda El Triunfo km 3'; tries++) {
    address = fullView(await b.operator.clients.byServiceId.query({ serviceId: Number(target.id_servicio) })).address ?? '';
    if (address !== 'Vereda El Triunfo km 3') await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.is(address, 'Vereda El Triunfo km 3');
  assert.is(sim.calls(LIST), 0, 'no full reload: one client read, shared through Redis');
  assert.is(sim.calls(/^GET \/api\/clientes\/\d+\/$/), 1);

  const plans = await admin(b, '/admin/cache/plans/invalidate', 'POST');
  assert.is(plans.status, 200);
  assert.is((await admin(b, '/admin/cache/nothing/invalidate', 'POST')).status, 404);
  await a.client.plans.list.query();
  assert.is(sim.calls(/^GET \/api\/plan-internet\/$/), 1, 'the invalidated resource is loaded again, once');
});

test('two bots on two instances report one payment reference at once: one is accepted; the audit trail is one, readable anywhere', async () => {
  const candidates = sim.data.clients.filter((client) => simClient.owes(client));
  const [first, second] = [Number(candidates[40]!.id_servicio), Number(candidates[41]!.id_servicio)];
  const [tokenA, tokenB] = await Promise.all([a.verify(first), b.verify(second)]);
  const reference = `BANCOLOMBIA-${first}-${second}`;
  const png = pngFile(72);
  const report = (service: TestService, token: string, serviceId: number) =>
    service
      .clientWith(token)
      .payments.report.mutate({
        serviceId,
        invoiceId: String(serviceId * 100 + 1),
        method: Number(sim.data.paymentMethods[0]!.id),
        reference,
        paidAt: new Date().toISOString(),
        receipt: { contentBase64: png.toString('base64') },
      })
      .then(
        () => 'accepted',
        (error: { data?: { reason?: string } }) => error.data?.reason ?? 'error',
      );
  const outcomes = await Promise.all([report(a, tokenA, first), report(b, tokenB, second)]);
  assert.equal([...outcomes].sort(), ['accepted', 'payment_reference_reused']);
  assert.is(sim.billing.reports.filter((stored) => stored.reference === reference).length, 1);
  const accepted = outcomes[0] === 'accepted' ? first : second;
  for (const service of [a, b]) {
    const response = await fetch(`${service.url}/admin/audit?serviceId=${accepted}`, {
      headers: { 'x-api-key': ADMIN_KEY.split('=')[1]! },
    });
    const { entries } = (await response.json()) as { entries: { action: string; outcome: string; reference: string }[] };
    assert.ok(
      entries.some((entry) => entry.action === 'payment.report' && entry.reference === reference && entry.outcome === 'confirmed'),
      'the Redis stream holds what either instance did',
    );
  }
});

test('a receipt kept for staff on one instance is in Redis: downloaded from the other, none on the taking instance’s disk', async () => {
  const serviceId = Number(
    sim.data.clients.filter((client) => simClient.owes(client) && typeof client.cedula === 'string')[45]!.id_servicio,
  );
  const token = await a.verify(serviceId);
  const png = pngFile(96);
  sim.setFaults({ commitThenReset: true, method: 'POST', pathPrefix: '/api/facturas/reportar-pago/' });
  try {
    const answer = await a.clientWith(token).payments.report.mutate({
      serviceId,
      invoiceId: String(serviceId * 100 + 1),
      method: Number(sim.data.paymentMethods[0]!.id),
      reference: `RECEIPT-SHARED-${serviceId}`,
      paidAt: new Date().toISOString(),
      receipt: { contentBase64: png.toString('base64') },
    });
    assert.is(answer.status, 'unconfirmed');
  } finally {
    sim.resetFaults();
  }
  const [entry] = (await b.services.audit.list({ serviceId })).filter((candidate) => candidate.action === 'payment.report');
  assert.match(entry!.receiptFile ?? '', /^redis:/, 'kept in Redis, not on a disk');
  const downloaded = await admin(b, `/admin/audit/${entry!.id}/receipt`);
  assert.is(downloaded.status, 200);
  assert.equal(Buffer.from(await downloaded.arrayBuffer()), png);
});

test('Redis killed mid-run: both instances keep answering from memory and say so; shared state returns with Redis', async () => {
  await Promise.all([a.operator.clients.list.query({ limit: 1 }), b.client.plans.list.query()]);
  await redis.kill();
  const started = Date.now();
  for (const service of [a, b]) {
    assert.is((await service.staff('/clients?limit=2')).status, 200);
    assert.is((await service.rest('/plans')).status, 200);
    assert.is(
      (await service.rest(`/clients/${String(sim.data.clients[5]!.id_servicio)}/balance`, { headers: { 'x-api-key': OPERATOR_KEY } }))
        .status,
      200,
      'an upstream read, no Redis needed (verification tokens need no Redis either)',
    );
  }
  const created = await a.staff('/tickets', {
    method: 'POST',
    json: {
      serviceId: sim.data.clients.find((c) => activeIn(zoneOf(c)) === 0 && outsideOutages(c))!.id_servicio,
      subject: 'Cambio de Domicilio',
      description: 'Creado mientras Redis no responde.',
    },
    headers: { 'idempotency-key': 'while-redis-is-down-1' },
  });
  assert.is(created.status, 201, 'writes go on with this instance’s own locks');
  assert.ok(Date.now() - started < 10_000, 'no request waited on Redis');
  const ready = (await (await fetch(`${a.url}/ready`)).json()) as { status: string; reasons: string[]; checks: { redis: string } };
  assert.is(ready.status, 'ready');
  assert.is(ready.checks.redis, 'down');
  assert.ok(ready.reasons.includes('redis_down_using_local_state'));
  const metrics = await (await admin(a, '/metrics')).text();
  assert.match(metrics, /wisphub_redis_up 0/);
  assert.is((await fetch(`${a.url}/metrics`, { headers: { 'x-api-key': a.config.API_KEYS[0]!.key } })).status, 403, 'never with a bot key');

  await redis.launch();
  let state = '';
  for (let tries = 0; tries < 100 && state !== 'up'; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    state = ((await (await fetch(`${b.url}/ready`)).json()) as { checks: { redis: string } }).checks.redis;
  }
  assert.is(state, 'up', 'reconnected by itself');
  for (let tries = 0; tries < 100 && !a.services.shared?.link.available; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.match(await (await admin(a, '/metrics')).text(), /wisphub_redis_up 1/);
  // Shared again: one key across both instances makes one ticket.
  sim.resetCalls();
  const client = sim.data.clients.filter((c) => activeIn(zoneOf(c)) === 0 && outsideOutages(c))[3]!;
  const body = { serviceId: client.id_servicio, subject: 'Cambio de Domicilio', description: 'Después de que Redis volvió.' };
  const answers = await Promise.all(
    [a, b].map((service) =>
      service.staff('/tickets', { method: 'POST', json: body, headers: { 'idempotency-key': 'after-redis-returned-1' } }),
    ),
  );
  assert.equal(
    answers.map((response) => response.status),
    [201, 201],
  );
  assert.is(sim.calls(POSTS), 1);
});

test('an LLM answer cached by one instance is a hit on the other (the cache lives in Redis), for the same key only', async () => {
  const ask = (service: TestService, key = BOT_KEY) =>
    fetch(`${service.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        temperature: 0,
        messages: [{ role: 'user', content: '¿Cuál es el horario de atención?' }],
      }),
    });
  const first = await ask(a);
  assert.is(first.headers.get('x-wisphub-cache'), 'miss');
  b.llmSimulator!.resetCalls();
  const second = await ask(b);
  assert.is(second.headers.get('x-wisphub-cache'), 'hit');
  assert.equal(await second.json(), await first.json());
  assert.is(b.llmSimulator!.calls(), 0, 'the second instance called no provider');
  const otherKey = await ask(b, OPERATOR_KEY);
  assert.is(otherKey.headers.get('x-wisphub-cache'), 'miss');
});

shared.run();
