/**
 * /console/api without a browser: what each view answers, and for each capability who may use it.
 * Admin sessions read and act (with the CSRF token); operator sessions only read (no receipts, no
 * reveals, no settling, no probe); bot and metrics keys cannot sign in. Personal data leaves
 * masked; a reveal answers one field to one admin and is written to the audit trail first. The
 * probe runs from the console against the simulator, once per interval.
 */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pngFile } from '../support/files';
import { llmSimOf, openAiFor } from '../support/llm';
import { BOT_KEY, OPERATOR_KEY, serviceFor } from '../support/service';

const ADMIN_KEY = 'admin-key-console-api-0123456789abcdef';
const METRICS_KEY = 'metrics-key-console-0123456789abcdef';
const PHONE = '+573001234567';
const api = suite('production: /console/api, its views and who may act');
const service = serviceFor(api, {
  ADMIN_API_KEYS: `root=${ADMIN_KEY}`,
  METRICS_API_KEYS: `scraper=${METRICS_KEY}`,
  USAGE_FLUSH_MS: '20',
  VERIFY_MAX_FAILURES: '2',
  PROBE_MIN_INTERVAL_S: '600',
  LLM_RETRY_BASE_MS: '5',
});

interface Session {
  cookie: string;
  csrf: string;
  role: string;
}

async function signIn(key: string): Promise<Session> {
  const response = await fetch(`${service.url}/console/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key }),
  });
  assert.is(response.status, 201, `signed in with ${key.slice(0, 6)}…`);
  const body = (await response.json()) as { csrf: string; role: string };
  return { cookie: response.headers.get('set-cookie')!.split(';')[0]!, csrf: body.csrf, role: body.role };
}

const read = (session: Session, path: string) => fetch(`${service.url}/console/api/${path}`, { headers: { cookie: session.cookie } });
const act = (session: Session, path: string, body: unknown, csrf: string | null = session.csrf) =>
  fetch(`${service.url}/console/api/${path}`, {
    method: 'POST',
    headers: { cookie: session.cookie, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    body: JSON.stringify(body),
  });
async function json<T = Record<string, unknown>>(response: Response | Promise<Response>, status = 200): Promise<T> {
  const answered = await response;
  const text = await answered.text();
  assert.is(answered.status, status, text.slice(0, 300));
  return JSON.parse(text) as T;
}

interface LockoutRow {
  id: string;
  scope: string;
  serviceId: number | null;
  endUser: string | null;
}
interface PendingRow {
  handle: string;
  serviceId: number;
  description: string;
  status: string;
}

/** Two wrong answers from one WhatsApp conversation lock that conversation out of that service id. */
async function lockOut(serviceId: number): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const response = await service.rest(`/clients/${serviceId}/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BOT_KEY}`, 'x-end-user': `whatsapp:${PHONE}` },
      json: { document: `99999${attempt}`, name: 'Alguien Más' },
    });
    assert.is(response.status, 200);
  }
}

/** A ticket create whose upstream outcome is being settled, as the pending store holds it. */
async function pendingCreate(serviceId: number): Promise<string> {
  const handle = `tkp_console${Date.now()}`;
  await service.services.pendingTickets.put(handle, {
    handle,
    keyName: 'bot:test',
    since: Date.now(),
    plan: {
      form: {
        servicio: serviceId,
        asunto: 'Sin internet',
        asuntos_default: 'Sin internet',
        tecnico: 1,
        descripcion: `Llamar al ${PHONE} después de las 5; cédula 1020304050`,
        estado: 1,
        prioridad: 2,
        fecha_inicio: '05/12/2026 10:00',
        fecha_final: '06/12/2026 10:00',
        departamento: 'Soporte',
        departamentos_default: 'Soporte',
      },
      zoneId: null,
      computed: { priority: 'media', startsAt: '2026-12-05T10:00', dueAt: '2026-12-06T10:00' },
    },
    idempotency: null,
    outcome: { status: 'pending' },
  } as never);
  return handle;
}

interface ProbeRunView {
  exitCode: number;
  calls: number;
  by: string;
  rows: { id: string; verdict: string }[];
}

/** The WispHub view's last probe run, once there is one (bounded polling). */
async function finishedProbe(session: Session): Promise<ProbeRunView> {
  for (let poll = 0; poll < 200; poll++) {
    const { probe } = await json<{ probe: { last: ProbeRunView | null } }>(read(session, 'wisphub'));
    if (probe.last) return probe.last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the probe did not finish in 20 s');
}

api('a bot key and a metrics key cannot sign in; an operator gets a read-only session', async () => {
  for (const [key, reason] of [
    [BOT_KEY, 'forbidden_for_key'],
    [METRICS_KEY, 'api_key_invalid'],
    ['', 'api_key_invalid'],
  ] as const) {
    const refused = await fetch(`${service.url}/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key }),
    });
    assert.is(refused.status, 403, `key ${key.slice(0, 8) || '(none)'}`);
    assert.is(((await refused.json()) as { error: { reason: string } }).error.reason, reason);
    assert.is(refused.headers.get('set-cookie'), null, 'no session cookie');
  }
  assert.is((await signIn(OPERATOR_KEY)).role, 'operator');
  assert.is((await signIn(ADMIN_KEY)).role, 'admin');
});

api('the operator reads every view but cannot see receipts, reveal, settle or run the probe, even with the CSRF token', async () => {
  const operator = await signIn(OPERATOR_KEY);
  for (const view of ['today', 'llm', 'audit', 'waiting', 'wisphub']) assert.is((await read(operator, view)).status, 200, view);
  const entry = await service.services.audit.record({
    action: 'payment.report',
    keyName: 'bot:test',
    role: 'bot',
    requestId: 'console-api',
    serviceId: 1,
    invoiceId: '1',
    amount: null,
    reference: 'OPERADOR-1',
  });
  await service.services.audit.keepReceipt(entry, pngFile(200), 'png');
  const receipt = await read(operator, `audit/${entry}/receipt`);
  assert.is(receipt.status, 403, 'a receipt image');
  for (const [path, body] of [
    [`audit/${entry}/settle`, { outcome: 'confirmed' }],
    ['reveal', { kind: 'lockout', id: 'x' }],
    ['probe', {}],
  ] as const) {
    const refused = await json<{ error: { reason: string } }>(act(operator, path, body), 403);
    assert.is(refused.error.reason, 'forbidden_for_key', path);
  }
  const admin = await signIn(ADMIN_KEY);
  assert.is((await read(admin, `audit/${entry}/receipt`)).headers.get('content-type'), 'image/png', 'the admin sees it');
  assert.is((await json(act(admin, `audit/${entry}/settle`, { outcome: 'refused' }))).outcome, 'refused');
});

api('a verification lockout is listed with the phone masked; a reveal needs the CSRF token, answers the phone and is audited', async () => {
  const serviceId = service.sim.data.clients[3]!.id_servicio as number;
  await lockOut(serviceId);
  const admin = await signIn(ADMIN_KEY);
  const response = await read(admin, 'waiting');
  const text = await response.text();
  assert.not.ok(text.includes('3001234567'), 'the phone does not leave unmasked');
  const { lockouts } = JSON.parse(text) as { lockouts: LockoutRow[] };
  const lockout = lockouts.find((row) => row.scope === 'service-conversation' && row.serviceId === serviceId)!;
  assert.ok(lockout, 'the conversation locked out of that service id is listed');
  assert.is(lockout.endUser, 'whatsapp:+•••567');

  const withoutToken = await act(admin, 'reveal', { kind: 'lockout', id: lockout.id }, null);
  assert.is(withoutToken.status, 403, 'no CSRF token, no reveal');
  const forged = await act(admin, 'reveal', { kind: 'lockout', id: lockout.id }, 'forged-token');
  assert.is(forged.status, 403, 'a forged token');
  const revealed = await json<{ value: string; auditId: string }>(act(admin, 'reveal', { kind: 'lockout', id: lockout.id }));
  assert.is(revealed.value, `whatsapp:${PHONE}`);
  const entry = (await service.services.audit.list({ limit: 500 })).find((candidate) => candidate.id === revealed.auditId)!;
  assert.is(entry.action, 'console.reveal');
  assert.is(entry.keyName, 'console:root');
  assert.is(entry.serviceId, serviceId);
  assert.is(entry.reference, `lockout:${lockout.id}`);
  assert.match(entry.detail ?? '', /visto por root/);
  assert.not.ok(JSON.stringify(entry).includes('3001234567'), 'the audit trail names the row, not the phone');
});

api('a pending ticket create is listed with its description masked; the reveal answers it in full', async () => {
  const serviceId = service.sim.data.clients[4]!.id_servicio as number;
  const handle = await pendingCreate(serviceId);
  const admin = await signIn(ADMIN_KEY);
  const { pendingTickets } = await json<{ pendingTickets: PendingRow[] }>(read(admin, 'waiting'));
  const row = pendingTickets.find((candidate) => candidate.handle === handle)!;
  assert.is(row.status, 'pending');
  assert.is(row.serviceId, serviceId);
  assert.is(row.description, 'Llamar al +•••567 después de las 5; cédula •••050');
  const revealed = await json<{ value: string }>(act(admin, 'reveal', { kind: 'pendingTicket', id: handle }));
  assert.match(revealed.value, /3001234567.*1020304050/);
});

api('bad reveals and bad filters get a 4xx with a reason; unknown paths 404; views only by GET', async () => {
  const admin = await signIn(ADMIN_KEY);
  const cases: [unknown, number, string][] = [
    [{ kind: 'password', id: 'x' }, 400, 'invalid_input'],
    [{ kind: 'lockout' }, 400, 'invalid_input'],
    [{ kind: 'lockout', id: '../../etc' }, 400, 'invalid_input'],
    [{ kind: 'lockout', id: 'no-such-row' }, 404, 'route_not_found'],
    [{ kind: 'pendingTicket', id: 'not-a-handle' }, 404, 'route_not_found'],
    ['not an object', 400, 'invalid_input'],
  ];
  for (const [body, status, reason] of cases)
    assert.is((await json<{ error: { reason: string } }>(act(admin, 'reveal', body), status)).error.reason, reason, JSON.stringify(body));
  for (const query of ['serviceId=abc', 'since=2026-13', 'outcome=maybe', 'since=2026-12-05&until=2026-12-01'])
    assert.is((await read(admin, `audit?${query}`)).status, 400, query);
  assert.is((await read(admin, 'constructor')).status, 404, "Object.prototype's names are not views");
  assert.is((await read(admin, 'nothing-here')).status, 404);
  const posted = await act(admin, 'today', {});
  assert.is(posted.status, 405);
});

api('Today counts conversations per hour and WispHub hits; model usage shows the tier mix and the causes of fallbacks', async () => {
  for (const endUser of ['wa-uno', 'wa-dos', 'wa-uno'])
    await openAiFor(service, BOT_KEY, { 'x-end-user': endUser, 'x-wisphub-cache': 'off' }).chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'hola, ¿cuánto debo?' }],
    });
  llmSimOf(service).setFaults([{ model: 'gpt-4o-mini', status: 500 }]);
  await openAiFor(service, BOT_KEY, { 'x-wisphub-cache': 'off' }).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'no tengo internet' }],
  });
  llmSimOf(service).resetFaults();
  await service.rest('/plans');
  await service.rest('/plans');
  const admin = await signIn(ADMIN_KEY);
  const today = await json<{
    today: { conversations: number; requests: number };
    perHour: { conversations: number }[];
    wisphub: { cacheHitRate: number; upstreamCalls: number };
  }>(read(admin, 'today'));
  assert.is(today.today.conversations, 2, 'two people wrote this hour');
  assert.is(today.perHour.at(-1)!.conversations, 2);
  assert.ok(today.wisphub.cacheHitRate > 0, 'WispHub reads answered from the cache');
  assert.ok(today.wisphub.upstreamCalls > 0, 'the warm-up called WispHub');

  const llm = await json<{
    tierMix: { tier: string; perDay: number[] }[];
    fallbackCauses: { attempt: string; outcome: string; count: number }[];
  }>(read(admin, 'llm'));
  assert.ok(llm.tierMix.length >= 1, 'requests by tier');
  assert.ok(llm.tierMix.every((tier) => tier.perDay.length === 30));
  assert.ok(llm.tierMix.reduce((sum, tier) => sum + tier.perDay.at(-1)!, 0) >= 4, "today's requests in the mix");
  const cause = llm.fallbackCauses.find((row) => row.attempt === 'openai/gpt-4o-mini')!;
  assert.ok(cause, 'the failed attempt is listed');
  assert.match(cause.outcome, /server_error|upstream|5/);
});

api('WispHub: readiness, cache ages, upstream calls per endpoint; the probe runs once per interval and its table is kept', async () => {
  const admin = await signIn(ADMIN_KEY);
  const before = await json<{
    ready: boolean;
    caches: { resource: string; oldestAgeSeconds: number | null; freshSeconds: number }[];
    upstream: { hours: string[]; series: { label: string; counts: number[]; total: number }[] };
    probe: { last: unknown; running: boolean };
  }>(read(admin, 'wisphub'));
  assert.ok(before.ready);
  const clients = before.caches.find((cache) => cache.resource === 'clients')!;
  assert.ok(clients.oldestAgeSeconds !== null && clients.oldestAgeSeconds >= 0, 'the client collection has an age');
  assert.is(before.upstream.hours.length, 24);
  const clientCalls = before.upstream.series.find((series) => series.label === 'GET /api/clientes/')!;
  assert.ok(clientCalls.total >= 1 && clientCalls.counts.at(-1)! >= 1, 'client pages fetched this hour');
  assert.is(before.probe.last, null);

  assert.is((await act(admin, 'probe', {}, null)).status, 403, 'no CSRF token, no run');
  assert.is((await json(act(admin, 'probe', {}), 202)).started, true);
  const again = await act(admin, 'probe', {});
  assert.is(again.status, 429, 'one run per interval');
  assert.ok(Number(again.headers.get('retry-after')) >= 1);
  const last = await finishedProbe(admin);
  assert.is(last.by, 'root');
  assert.ok(last.rows.length >= 10, 'a row per check');
  assert.equal(
    last.rows.filter((row) => row.verdict !== 'ok').map((row) => row.id),
    [],
    'the simulator speaks the dialect the gateway relies on',
  );
  assert.is(last.exitCode, 0);
});

api.run();
