import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { captureLogs } from '../support/log-capture';
import { jsonOf, type RawResponse, rawRequest } from '../support/raw-http';
import { startTestService, type TestService } from '../support/service';
import { activeTicketsIn, underOutage, zoneOf } from '../support/sim-data';

/**
 * Regression tests of the hostile-input report: each case sends what a hostile caller sent, as
 * raw bytes, and checks the answer, the logs, the metrics and that the same process still serves.
 */

const KEY = 'bot-key-0123456789abcdef';
const ADMIN_KEY = 'ops-key-0123456789abcdef';
const { logger, lines } = captureLogs('info');

let service: TestService;
const hostile = suite('hostile input: regressions');
hostile.before(async () => {
  service = await startTestService({ API_KEYS: `bot:fuzz=${KEY}`, ADMIN_API_KEYS: `ops=${ADMIN_KEY}` }, { logger });
});
hostile.after(() => service.stop());

const send = (
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> => rawRequest(service.url, { path, ...init, headers: { 'x-api-key': KEY, ...init.headers } });
const reasonOf = (response: RawResponse): unknown => {
  const body = jsonOf(response) as { error?: { reason?: string; json?: { data?: { reason?: string } } } } | null;
  return body?.error?.reason ?? body?.error?.json?.data?.reason;
};
const trpcInput = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const settleLogs = () => new Promise((resolve) => setTimeout(resolve, 30));

async function assertAlive(): Promise<void> {
  const health = await rawRequest(service.url, { path: '/health' });
  assert.is(health.status, 200, 'the same process still answers /health');
}

hostile('1-2, 5: every crash input of the report answers 4xx and the process keeps serving', async () => {
  const cases: [string, string, number][] = [
    ['GET', '/docs/assets/constructor', 404],
    ['GET', '/docs/assets/toString', 404],
    ['GET', '/docs/assets/__proto__', 404],
    ['GET', '/by-document/%', 404],
    ['GET', '/api/v1/clients/by-phone/%E0%A4%A', 400],
    ['GET', '/api/v1/clients/by-document/%', 400],
    ['GET', '/api/v1/clients/%ZZ', 400],
    ['TRACE', '/trpc/plans.list', 405],
    ['TRACE', '/api/v1/plans', 405],
    ['PUT', '/trpc/plans.list', 405],
  ];
  lines.length = 0;
  for (const [method, path, status] of cases) {
    const response = await send(path, { method });
    assert.is(response.status, status, `${method} ${path}`);
    assert.ok(jsonOf(response), `${method} ${path} answers JSON`);
    await assertAlive();
  }
  await settleLogs();
  assert.is(lines.filter((line) => line.level === 50).length, 0, 'no error log (no stack trace) for a refused input');
});

hostile('5: superjson meta saying bigint is a 400 (or ignored), never a 500 or a stack trace', async () => {
  lines.length = 0;
  const asBigint = await send(`/trpc/plans.byId?input=${trpcInput({ json: { planId: '1' }, meta: { values: { planId: ['bigint'] } } })}`);
  assert.is(asBigint.status, 400);
  assert.is(reasonOf(asBigint), 'invalid_input');
  const badBigint = await send(`/trpc/plans.byId?input=${trpcInput({ json: { planId: 'x' }, meta: { values: { planId: ['bigint'] } } })}`);
  assert.is(badBigint.status, 400);
  // A BigInt in a key no schema reads, on a memoised query: the answer is not memoised, and not a 500.
  for (let i = 0; i < 2; i++) {
    const extra = await send(`/trpc/plans.list?input=${trpcInput({ json: { x: '1' }, meta: { values: { x: ['bigint'] } } })}`);
    assert.ok(extra.status < 500, `status ${extra.status}`);
  }
  await settleLogs();
  assert.is(lines.filter((line) => line.level === 50).length, 0);
});

hostile('3: junk paths and task ids never become metric labels; /metrics stays bounded', async () => {
  const scrape = async () => (await send('/metrics', { headers: { 'x-api-key': ADMIN_KEY } })).text;
  // Every known label once, so the baseline holds them all.
  await send('/trpc/plans.list');
  await send('/api/v1/nope');
  await send('/nope');
  await send('/api/v1/network/ping/no-such-task');
  const before = (await scrape()).length;
  for (let i = 0; i < 1000; i++) {
    const junk = `j${i}-${'x'.repeat(200)}`;
    const surface = i % 4;
    if (surface === 0) await send(`/trpc/${junk}`);
    else if (surface === 1) await send(`/api/v1/${junk}`);
    else if (surface === 2) await send(`/${junk}`);
    else await send(`/api/v1/network/ping/${junk.slice(0, 90)}`);
  }
  const after = await scrape();
  assert.not.ok(after.includes('xxxxxxxxxx'), 'no junk in any label');
  assert.ok(after.length - before < 20_000, `metrics grew ${after.length - before} bytes over 1,000 junk paths`);
  assert.match(after, /endpoint="\/api\/tasks\/:task\/"/);
  assert.match(after, /procedure="unmatched"/);
});

hostile('4: a caller-chosen zone cannot bypass the limit of the client’s own blocked zone', async () => {
  const data = service.sim.data;
  const limit = service.config.MAX_ACTIVE_TICKETS_PER_ZONE;
  const blocked = data.zones.find(
    (zone) => activeTicketsIn(data, zone.id) >= limit && data.clients.some((c) => zoneOf(c) === zone.id && !underOutage(c)),
  );
  assert.ok(blocked, 'the simulator has a zone at its limit');
  const client = data.clients.find((c) => zoneOf(c) === blocked!.id && !underOutage(c) && typeof c.cedula === 'string')!;
  // The bot acts for its verified customer, as it must to open a ticket.
  const token = await service.verify(Number(client.id_servicio));
  const headers = { 'x-verification-token': token };
  const posts = service.sim.calls(/^POST \/api\/tickets\/$/);
  const json = { serviceId: client.id_servicio, subject: 'Internet Lento', description: 'El internet está lento desde ayer.' };
  for (const zoneId of [999999, blocked!.id === 1 ? 2 : 1]) {
    const response = await service.rest('/tickets', { method: 'POST', json: { ...json, zoneId }, headers });
    assert.is(response.status, 400, `zoneId ${zoneId}`);
  }
  const own = await service.rest('/tickets', { method: 'POST', json: { ...json, zoneId: blocked!.id }, headers });
  assert.is(own.status, 409);
  const plain = await service.rest('/tickets', { method: 'POST', json, headers });
  assert.is(plain.status, 409);
  try {
    await service.clientWith(token).tickets.create.mutate({ ...json, serviceId: client.id_servicio as number, zoneId: 999999 });
    assert.unreachable('tRPC must refuse too');
  } catch (error) {
    assert.is((error as { data?: { reason?: string } }).data?.reason, 'invalid_input');
  }
  assert.is(service.sim.calls(/^POST \/api\/tickets\/$/), posts, 'nothing was posted upstream');
});

hostile('6: __proto__ and constructor.prototype never count as input, and both surfaces agree', async () => {
  const raw = service.sim.data.clients.find((c) => typeof c.cedula === 'string' && typeof c.direccion === 'string')!;
  const serviceId = raw.id_servicio as number;
  const facts = { document: raw.cedula, address: raw.direccion };
  const restVerify = await send(`/api/v1/clients/${serviceId}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `{"__proto__": ${JSON.stringify(facts)}, "constructor": {"prototype": ${JSON.stringify(facts)}}}`,
  });
  assert.is(restVerify.status, 200);
  const restBody = jsonOf(restVerify) as { isValid: boolean; outcome: string };
  assert.is(restBody.isValid, false);
  assert.is(restBody.outcome, 'insufficient_facts');
  const trpcVerify = await send('/trpc/clients.verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `{"json": {"serviceId": ${serviceId}, "__proto__": ${JSON.stringify(facts)}}}`,
  });
  assert.is((jsonOf(trpcVerify) as { result: { data: { json: { outcome: string } } } }).result.data.json.outcome, 'insufficient_facts');

  const email = raw.email;
  const verified = { 'content-type': 'application/json', 'x-verification-token': await service.verify(serviceId) };
  const restPatch = await send(`/api/v1/clients/${serviceId}`, {
    method: 'PATCH',
    headers: verified,
    body: '{"__proto__": {"email": "attacker@evil.example"}}',
  });
  assert.is(restPatch.status, 400);
  assert.is(reasonOf(restPatch), 'empty_patch');
  const trpcPatch = await send('/trpc/clients.updateProfile', {
    method: 'POST',
    headers: verified,
    body: `{"json": {"serviceId": ${serviceId}, "__proto__": {"email": "attacker@evil.example"}}}`,
  });
  assert.is(trpcPatch.status, 400);
  assert.is(reasonOf(trpcPatch), 'empty_patch');
  assert.is(service.sim.data.clients.find((c) => c.id_servicio === serviceId)!.email, email, 'nothing changed upstream');
  assert.is(({} as Record<string, unknown>).email, undefined, 'no prototype was polluted');
});

hostile('7: numbers are plain digits on REST paths and queries, JSON numbers on tRPC', async () => {
  const serviceId = service.sim.data.clients[0]!.id_servicio as number;
  assert.is((await send(`/api/v1/clients/${serviceId}`)).status, 200);
  for (const spelling of ['1e3', '0x3E8', '+1000', '1000.0', '%201000', '-1', '1_000', '１０００']) {
    const response = await send(`/api/v1/clients/${encodeURI(spelling).replace('%25', '%')}`);
    assert.is(response.status, 400, `REST path ${spelling}`);
    assert.is(reasonOf(response), 'invalid_input');
  }
  assert.is((await send('/api/v1/clients/search?q=pena&limit=1e1')).status, 400, 'REST query');
  assert.is((await send('/api/v1/clients/search?q=pena&limit=5')).status, 200);
  for (const input of [
    { serviceId: [serviceId] },
    { serviceId: String(serviceId) },
    { serviceId: true },
    { serviceId: { valueOf: serviceId } },
  ]) {
    const response = await send(`/trpc/clients.byServiceId?input=${trpcInput({ json: input })}`);
    assert.is(response.status, 400, `tRPC ${JSON.stringify(input)}`);
  }
  assert.is((await send(`/trpc/plans.byId?input=${trpcInput({ json: { planId: true } })}`)).status, 400);
  assert.is((await send(`/trpc/clients.byServiceId?input=${trpcInput({ json: { serviceId } })}`)).status, 200);
  // A JSON body keeps JSON's types on REST too.
  const body = await service.staff(`/clients/${serviceId}/ping`, { method: 'POST', json: { pings: '4' } });
  assert.is(body.status, 400);
});

hostile('8: documents with dots, dashes or spaces on any path are masked in the logs', async () => {
  lines.length = 0;
  for (const path of [
    '/api/v1/clients/48.043.079.770',
    '/api/v1/clients/48-043-079-770/x',
    '/nope/48%20043%20079%20770',
    '/api/v1/clients/by-document/AB123%',
  ]) {
    await send(path, { headers: { 'x-request-id': 'mask-check' } });
  }
  await settleLogs();
  const logged = lines.filter((line) => line.requestId === 'mask-check').map((line) => String(line.path));
  assert.is(logged.length, 4);
  for (const path of logged) {
    assert.not.match(path, /043|079/, path);
    assert.match(path, /770|3%|\*/, path);
  }
});

hostile(
  '9: control characters, ANSI escapes and bidi overrides never reach upstream; idempotency keys are ASCII on both surfaces',
  async () => {
    const data = service.sim.data;
    const limit = service.config.MAX_ACTIVE_TICKETS_PER_ZONE;
    const client = data.clients.find(
      (c) => !underOutage(c) && activeTicketsIn(data, zoneOf(c)) < limit - 1 && typeof c.cedula === 'string',
    )!;
    const token = await service.verify(Number(client.id_servicio));
    const description = 'Sin servicio\u0000 desde ayer \u001b[31mURGENTE\u001b[0m \u202epagado\u202c\u2066 ok\u2069\nGracias';
    const response = await service.rest('/tickets', {
      method: 'POST',
      json: { serviceId: client.id_servicio, subject: 'Internet Lento', description },
      headers: { 'x-verification-token': token },
    });
    assert.is(response.status, 201);
    const created = (await response.json()) as { ticket: { id: number; description: string } };
    const stored = String(data.tickets.find((ticket) => ticket.id_ticket === created.ticket.id)!.descripcion);
    // Multipart form fields carry line breaks as CRLF: the one change that is upstream's, not ours.
    assert.match(stored, /^Sin servicio desde ayer URGENTE pagado ok\r?\nGracias$/);
    assert.is(created.ticket.description, stored);

    const ticket = { serviceId: client.id_servicio as number, subject: 'Internet Lento', description: 'Otra prueba de descripción larga.' };
    const posts = service.sim.calls(/^POST \/api\/tickets\/$/);
    const rest = await rawRequest(service.url, {
      method: 'POST',
      path: '/api/v1/tickets',
      headers: {
        'x-api-key': KEY,
        'content-type': 'application/json',
        'idempotency-key': 'clave-ñandú-001',
        'x-verification-token': token,
      },
      body: JSON.stringify(ticket),
    });
    assert.is(rest.status, 400);
    try {
      await service.clientWith(token).tickets.create.mutate({ ...ticket, idempotencyKey: 'clave-ñandú-001' });
      assert.unreachable('tRPC must refuse the same key');
    } catch (error) {
      assert.is((error as { data?: { reason?: string } }).data?.reason, 'invalid_input');
    }
    assert.is(service.sim.calls(/^POST \/api\/tickets\/$/), posts, 'no ticket was made');
  },
);

hostile('10: BOM bodies, request ids on early tRPC errors, Allow on every 405, HEAD like GET on both surfaces', async () => {
  const serviceId = service.sim.data.clients[0]!.id_servicio as number;
  const bom = '\ufeff';
  const rest = await send(`/api/v1/clients/${serviceId}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `${bom}{"document":"1"}`,
  });
  const trpc = await send('/trpc/clients.verify', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: `${bom}{"json":{"serviceId":${serviceId},"document":"1"}}`,
  });
  assert.is(rest.status, 200);
  assert.is(trpc.status, 200);

  const unsupported = await send('/trpc/plans.list', {
    method: 'POST',
    headers: { 'content-type': 'text/plain', 'x-request-id': 'early-415' },
    body: 'x',
  });
  assert.is(unsupported.status, 415);
  assert.is((jsonOf(unsupported) as { error: { json: { data: { requestId: string } } } }).error.json.data.requestId, 'early-415');
  const batch = await send(`/trpc/plans.list,plans.byId?batch=1&input=${encodeURIComponent('[1')}`, {
    headers: { 'x-request-id': 'early-batch' },
  });
  assert.is(batch.status, 400);
  assert.match(batch.text, /"requestId":"early-batch"/);
  assert.not.match(batch.text, /"requestId":null/);

  const docs = await rawRequest(service.url, { method: 'POST', path: '/docs' });
  assert.is(docs.status, 405);
  assert.is(docs.headers.allow, 'GET, HEAD');
  const admin = await rawRequest(service.url, { method: 'POST', path: '/admin/cache', headers: { 'x-api-key': ADMIN_KEY } });
  assert.is(admin.status, 405);
  assert.is(admin.headers.allow, 'GET, HEAD');
  const restPost = await send('/api/v1/plans', { method: 'DELETE' });
  assert.is(restPost.status, 405);
  assert.is(restPost.headers.allow, 'GET, HEAD');
  const trpcTrace = await send('/trpc/plans.list', { method: 'DELETE' });
  assert.is(trpcTrace.headers.allow, 'GET, HEAD, POST');

  for (const path of ['/api/v1/plans', '/trpc/plans.list', '/health']) {
    const get = await send(path);
    const head = await send(path, { method: 'HEAD' });
    assert.is(head.status, get.status, `HEAD ${path}`);
    assert.is(head.status, 200);
    assert.is(head.text, '', 'no body');
    assert.is(head.headers['content-type'], get.headers['content-type']);
  }
});

hostile('11: ten watchers of one task share one poller, and nobody polls after the last one left', async () => {
  const serviceId = service.sim.data.clients.find((c) => !underOutage(c))!.id_servicio as number;
  const polls = () => service.sim.calls(/^GET \/api\/tasks\//);

  async function watch(count: number): Promise<number> {
    const { taskId } = await service.operator.network.startPing.mutate({ serviceId, pings: 2 });
    const before = polls();
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve, reject) => {
            const subscription = service.client.network.watchPing.subscribe(
              { taskId },
              {
                onData(result) {
                  if (result.status === 'done') {
                    subscription.unsubscribe();
                    resolve();
                  }
                },
                onError: reject,
              },
            );
            setTimeout(() => reject(new Error('no diagnosis')), 5000).unref();
          }),
      ),
    );
    return polls() - before;
  }
  const one = await watch(1);
  const ten = await watch(10);
  assert.ok(one >= 1);
  assert.ok(ten <= one + 2, `one watcher polled ${one} times, ten watchers ${ten}`);

  // A watcher that leaves before the end: polling stops with it.
  const { taskId } = await service.operator.network.startPing.mutate({ serviceId, pings: 2 });
  service.sim.resetCalls();
  await new Promise<void>((resolve) => {
    const subscription = service.client.network.watchPing.subscribe(
      { taskId },
      {
        onData() {
          subscription.unsubscribe();
          resolve();
        },
      },
    );
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  const atLeave = polls();
  await new Promise((resolve) => setTimeout(resolve, service.config.PING_POLL_INTERVAL_MS * 5));
  assert.is(polls(), atLeave, 'no poll after the last watcher left');
});

hostile(
  'fuzz finds (seed 20261123): requests node:http cannot parse get one JSON 400, and a bodied TRACE never gets two answers',
  async () => {
    // A Latin-1 byte in the request line never reaches the listener: node's parser refuses it.
    const latin1 = await rawRequest(service.url, { path: '/api/v1/network/ping/TB=P(5*J2[6B\u00b7%23' });
    assert.is(latin1.status, 400);
    assert.is(reasonOf(latin1), 'invalid_input');
    const head = await rawRequest(service.url, { method: 'HEAD', path: '/api/v1/clients/\u00e9' });
    assert.is(head.status, 400);
    assert.is(head.text, '', 'a HEAD answer has no body, even for an unparsable request');
    // The client's own parser fails on a second answer after "connection: close": one answer only.
    const trace = await rawRequest(service.url, {
      method: 'TRACE',
      path: '/api/v1/clients/by-document/5255568864763731180864',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: 'V',
    });
    assert.is(trace.status, 405);
    await assertAlive();
  },
);

hostile.run();
