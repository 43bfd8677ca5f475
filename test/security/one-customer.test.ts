import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWispHubClient, isGatewayError } from '../../client/index';
import { normalizeDocument } from '../../server/domain/document';
import type { JsonRecord } from '../../server/simulator/data';
import { redisAvailable, TestRedis } from '../support/redis-server';
import { BOT_KEY, customerFacts, OPERATOR_KEY, type RestErrorBody, startTestService, TEST_KEY, type TestService } from '../support/service';
import { activeTicketsIn, simClient, underOutage, zoneOf } from '../support/sim-data';

/**
 * The trust model, played as the attacker who holds one bot key (the key an LLM-driven WhatsApp
 * bot holds, which any customer can try to talk into anything). Each test is a row of the issue
 * "A bot acts for one customer at a time": the attack, and the bound the service holds.
 */

const BOT_NAME = TEST_KEY.slice(0, TEST_KEY.indexOf('='));
const attack = suite('security: a bot key reaches one customer at a time');
let service: TestService;

attack.before(async () => {
  service = await startTestService();
});
attack.after(() => service.stop());

/** Every full document (7+ characters) and email the simulator holds: none may appear in a bot's answer. */
function secretsOf(clients: JsonRecord[]): { documents: string[]; emails: string[] } {
  return {
    documents: clients.map((client) => normalizeDocument(client.cedula as string | null)).filter((document) => document.length >= 7),
    emails: clients.map((client) => String(client.email ?? '')).filter((email) => email.includes('@')),
  };
}

function leaks(text: string, secrets: { documents: string[]; emails: string[] }): string[] {
  const digits = text.replace(/[.\s-]/g, '');
  return [...secrets.documents.filter((document) => digits.includes(document)), ...secrets.emails.filter((email) => text.includes(email))];
}

const botHeaders = (extra: Record<string, string> = {}) => ({ 'x-api-key': BOT_KEY, ...extra });
const trpcInput = (value: unknown) => encodeURIComponent(JSON.stringify({ json: value }));

attack('1,000 requests with a bot key and no token, over REST, tRPC and MCP: zero full documents, zero emails', async () => {
  const clients = service.sim.data.clients;
  const secrets = secretsOf(clients);
  const bodies: string[] = [];
  const words = ['pena', 'maria', 'jose', 'gomez', 'vereda', 'rodriguez', 'calle', 'carrera', 'lopez', 'ana'];
  let requests = 0;
  const send = async (url: string, init: RequestInit = {}) => {
    requests++;
    const response = await fetch(url, { ...init, headers: { ...botHeaders(), ...(init.headers as Record<string, string>) } });
    bodies.push(await response.text());
    return response.status;
  };
  // The directory itself: refused outright, on REST and tRPC.
  assert.is(await send(`${service.url}/api/v1/clients?limit=500`), 403);
  assert.is(await send(`${service.url}/trpc/clients.list?input=${trpcInput({ limit: 500 })}`), 403);
  for (let index = 0; requests < 900; index++) {
    const client = clients[index % clients.length]!;
    const phone = String(client.telefono ?? '')
      .replace(/\D/g, '')
      .slice(-10);
    const word = words[index % words.length]!;
    switch (index % 6) {
      case 0:
        await send(`${service.url}/api/v1/clients/${String(client.id_servicio)}`);
        break;
      case 1:
        if (client.cedula) await send(`${service.url}/api/v1/clients/by-document/${encodeURIComponent(String(client.cedula))}`);
        break;
      case 2:
        if (phone.length === 10) await send(`${service.url}/api/v1/clients/by-phone/${phone}`);
        break;
      case 3:
        await send(`${service.url}/api/v1/clients/search?q=${word}&limit=100`);
        break;
      case 4:
        // One tRPC batch of every lookup.
        await send(
          `${service.url}/trpc/clients.search,clients.byServiceId,clients.search?batch=1&input=${encodeURIComponent(
            JSON.stringify({
              0: { json: { q: word, limit: 100 } },
              1: { json: { serviceId: client.id_servicio } },
              2: { json: { q: 'de' } },
            }),
          )}`,
        );
        break;
      default:
        await send(`${service.url}/api/v1/clients/resolve`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: String(client.nombre), address: String(client.direccion), planName: 'x' }),
        });
    }
  }
  // MCP: batches of lookups through the tools.
  const mcp = new McpClient({ name: 'attacker', version: '1.0.0' });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(`${service.url}/mcp`), { requestInit: { headers: botHeaders() } }));
  try {
    for (let index = 0; requests < 1000; index++) {
      const client = clients[index]!;
      requests++;
      const result = await mcp.callTool({
        name: index % 2 === 0 ? 'clients_search' : 'clients_byServiceId',
        arguments: index % 2 === 0 ? { q: words[index % words.length], limit: 100 } : { serviceId: client.id_servicio },
      });
      bodies.push(JSON.stringify(result));
    }
  } finally {
    await mcp.close();
  }
  assert.is(requests, 1000);
  const found = bodies.flatMap((body) => leaks(body, secrets));
  assert.equal(found.slice(0, 3), [], `${found.length} full documents or emails reached a bot key`);
  // What they did get: hints, at most five a call.
  const search = JSON.parse(bodies.find((body) => body.includes('"rank"'))!) as { items: { client: { view: string } }[] };
  assert.ok(search.items.length <= 5 && search.items.every((item) => item.client.view === 'masked'));
  const paging = await fetch(`${service.url}/api/v1/clients/search?q=pena&offset=5`, { headers: botHeaders() });
  assert.is(paging.status, 403, 'no paging through a directory, five at a time');
  // Staff still see everything.
  const staff = (await (await service.staff('/clients?limit=500')).json()) as { items: unknown[] };
  assert.is(staff.items.length, 500);
});

attack(
  'verification needs a fact the public cannot read: plan + price, or name + address, never verify; a failure says only "no coincide"',
  async () => {
    const raw = service.sim.data.clients.find((client) => typeof client.cedula === 'string')!;
    const serviceId = Number(raw.id_servicio);
    const plan = raw.plan_internet as { nombre: string };
    const publicFacts = [
      { planName: plan.nombre, planPrice: Number(raw.precio_plan ?? 0) },
      { name: String(raw.nombre), address: String(raw.direccion) },
      { name: String(raw.nombre), planName: plan.nombre },
    ];
    for (const facts of publicFacts) {
      const response = await service.rest(`/clients/${serviceId}/verify`, {
        method: 'POST',
        json: facts,
        headers: { 'x-end-user': 'public-facts' },
      });
      const body = (await response.json()) as Record<string, unknown>;
      assert.is(body.isValid, false, JSON.stringify(facts));
      assert.is(body.verificationToken, null);
      assert.is(body.outcome, 'insufficient_facts');
    }
    const wrong = (await (
      await service.rest(`/clients/${serviceId}/verify`, {
        method: 'POST',
        json: { document: String(raw.cedula), name: 'Alguien Distinto' },
        headers: { 'x-end-user': 'wrong-name' },
      })
    ).json()) as Record<string, unknown>;
    assert.equal(Object.keys(wrong).sort(), ['isValid', 'message', 'outcome', 'serviceId', 'verificationExpiresAt', 'verificationToken']);
    assert.match(String(wrong.message), /no coinciden/);
  },
);

attack(
  'tokens: one minted offline from the key list, a far-future one, a re-spelled one, another end user’s, another customer’s: all refused',
  async () => {
    const [first, second] = service.sim.data.clients.filter((client) => typeof client.cedula === 'string');
    const serviceId = Number(first!.id_servicio);
    const invoices = (token: string, endUser = 'conversation-a', id = serviceId) =>
      service.rest(`/clients/${id}/invoices`, { headers: { 'x-verification-token': token, 'x-end-user': endUser } });
    // Last round's derivation: SHA-256 of the key list. Whoever held the bot key could sign anything.
    const derived = createHash('sha256').update(['wisphub-gateway verification tokens', TEST_KEY].join('\n')).digest('hex');
    const expiry = Math.floor(Date.now() / 1000) + 600;
    for (const version of ['v1', 'v2']) {
      const mac = createHmac('sha256', derived).update(`${version}|${serviceId}|${BOT_NAME}|${expiry}`).digest('base64url');
      const offline = await invoices(`${version}.${serviceId}.${expiry}.${mac}`);
      assert.is(offline.status, 401, `an offline ${version} token`);
    }
    const future = createHmac('sha256', derived).update(`v1|${serviceId}|${BOT_NAME}|999999999999`).digest('base64url');
    assert.is((await invoices(`v1.${serviceId}.999999999999.${future}`)).status, 401);

    const token = (
      (await (
        await service.rest(`/clients/${serviceId}/verify`, {
          method: 'POST',
          json: customerFacts(first!),
          headers: { 'x-end-user': 'conversation-a' },
        })
      ).json()) as { verificationToken: string }
    ).verificationToken;
    assert.is((await invoices(token)).status, 200, 'the real token, in its own conversation');
    assert.is((await invoices(token.replace(`v2.${serviceId}.`, `v2.0${serviceId}.`))).status, 401, 'leading zeros');
    const otherEndUser = await invoices(token, 'conversation-b');
    assert.is(otherEndUser.status, 401, 'another end user of the same bot');
    assert.is(
      (await service.rest(`/clients/${serviceId}/invoices`, { headers: { 'x-verification-token': token } })).status,
      401,
      'no end user',
    );
    const otherCustomer = await invoices(token, 'conversation-a', Number(second!.id_servicio));
    assert.is(otherCustomer.status, 403);
    assert.is(((await otherCustomer.json()) as RestErrorBody).error.reason, 'verification_mismatch');
    // The full record: N's with N's token, nobody else's.
    const own = (await (
      await service.rest(`/clients/${serviceId}`, { headers: { 'x-verification-token': token, 'x-end-user': 'conversation-a' } })
    ).json()) as { view: string };
    assert.is(own.view, 'full');
    const other = (await (
      await service.rest(`/clients/${String(second!.id_servicio)}`, {
        headers: { 'x-verification-token': token, 'x-end-user': 'conversation-a' },
      })
    ).json()) as { view: string };
    assert.is(other.view, 'masked');
    const patched = await service.rest(`/clients/${String(second!.id_servicio)}`, {
      method: 'PATCH',
      json: { email: 'atacante@example.com' },
      headers: { 'x-verification-token': token, 'x-end-user': 'conversation-a' },
    });
    assert.is(patched.status, 403, 'no taking over another account’s contact details');
  },
);

attack(
  'lockouts count per conversation: ten end users locked out of one customer do not lock the eleventh; the customer’s own cap is 60',
  async () => {
    const raw = service.sim.data.clients.filter((client) => typeof client.cedula === 'string')[5]!;
    const serviceId = Number(raw.id_servicio);
    const verify = (endUser: string, facts: Record<string, unknown>) =>
      service.rest(`/clients/${serviceId}/verify`, { method: 'POST', json: facts, headers: { 'x-end-user': endUser } });
    const wrongFacts = { document: '1000000001', name: String(raw.nombre) };
    for (let user = 0; user < 10; user++) {
      for (let attempt = 0; attempt < service.config.VERIFY_MAX_FAILURES; attempt++) {
        assert.is((await verify(`attacker-${user}`, wrongFacts)).status, 200);
      }
      const locked = await verify(`attacker-${user}`, customerFacts(raw));
      assert.is(locked.status, 429, 'that conversation is locked, even with the right facts');
      assert.is(((await locked.json()) as RestErrorBody).error.reason, 'verification_locked');
    }
    const customer = (await (await verify('the-real-customer', customerFacts(raw))).json()) as { isValid: boolean };
    assert.is(customer.isValid, true, 'fifty failures from ten conversations did not lock the customer out');
  },
);

attack('the customer’s own lockout still holds against many invented end users', async () => {
  const strict = await startTestService({ VERIFY_MAX_FAILURES_PER_SERVICE: '8' });
  try {
    const raw = strict.sim.data.clients.find((client) => typeof client.cedula === 'string')!;
    const serviceId = Number(raw.id_servicio);
    for (let user = 0; user < 8; user++) {
      await strict.rest(`/clients/${serviceId}/verify`, {
        method: 'POST',
        json: { document: '1000000001', name: 'x y' },
        headers: { 'x-end-user': `invented-${user}` },
      });
    }
    const next = await strict.rest(`/clients/${serviceId}/verify`, {
      method: 'POST',
      json: customerFacts(raw),
      headers: { 'x-end-user': 'invented-9' },
    });
    assert.is(next.status, 429);
  } finally {
    await strict.stop();
  }
});

attack('tickets on other people’s accounts: refused without their token; nothing posted, no zone filled', async () => {
  const data = service.sim.data;
  const zoneId = zoneOf(data.clients.find((client) => activeTicketsIn(data, zoneOf(client)) === 0)!);
  const victims = data.clients.filter((client) => zoneOf(client) === zoneId && !underOutage(client)).slice(0, 3);
  const posts = service.sim.calls(/^POST \/api\/tickets\/$/);
  for (const victim of victims) {
    const response = await service.rest('/tickets', {
      method: 'POST',
      json: { serviceId: victim.id_servicio, subject: 'Internet Lento', description: 'Abierto por un bot sin verificar.' },
    });
    assert.is(response.status, 401);
    assert.is(((await response.json()) as RestErrorBody).error.reason, 'verification_required');
  }
  assert.is(service.sim.calls(/^POST \/api\/tickets\/$/), posts, 'nothing reached upstream');
  assert.is(activeTicketsIn(data, zoneId), 0);
  // Reading and commenting on someone else's ticket, and pinging their link: the same.
  const ticket = data.tickets.find((candidate) => (candidate.servicio as JsonRecord | null)?.id_servicio !== undefined)!;
  for (const [method, path] of [
    ['GET', `/tickets/${String(ticket.id_ticket)}`],
    ['GET', `/tickets/${String(ticket.id_ticket)}/comments`],
    ['GET', `/clients/${String(victims[0]!.id_servicio)}/tickets`],
    ['POST', `/clients/${String(victims[0]!.id_servicio)}/ping`],
    ['POST', `/clients/${String(victims[0]!.id_servicio)}/diagnose`],
  ] as const) {
    const response = await service.rest(path, { method, ...(method === 'POST' ? { json: {} } : {}) });
    assert.is(response.status, 401, `${method} ${path}`);
  }
  const comment = await service.rest(`/tickets/${String(ticket.id_ticket)}/comments`, { method: 'POST', json: { text: 'hola' } });
  assert.is(comment.status, 401);
});

attack('one customer holds one active ticket per subject: asking again answers the open one', async () => {
  const data = service.sim.data;
  const raw = data.clients.find(
    (client) =>
      activeTicketsIn(data, zoneOf(client)) === 0 && !underOutage(client) && typeof client.cedula === 'string' && zoneOf(client) !== 1,
  )!;
  const customer = service.clientWith(await service.verify(Number(raw.id_servicio)));
  const request = { serviceId: Number(raw.id_servicio), subject: 'Internet Lento', description: 'Lento desde ayer en la noche.' };
  const first = await customer.tickets.create.mutate(request);
  const second = await customer.tickets.create.mutate({ ...request, description: 'Sigue lento, otra vez lo reporto.' });
  const third = await customer.tickets.create.mutate({ ...request, description: 'Y otra vez.' });
  assert.is(first.status, 'created');
  assert.is(second.status, 'existing');
  assert.is(third.status, 'existing');
  if (first.status === 'created' && second.status === 'existing') assert.is(second.ticket.id, first.ticket.id);
  assert.is(activeTicketsIn(data, zoneOf(raw)), 1, 'one customer cannot fill the zone');
});

attack('a promise on a suspended service reconnects only where the ISP allows it, audited as a service-state change', async () => {
  const allowed = await startTestService({ PROMISE_RECONNECTS_SUSPENDED: 'true' });
  try {
    const raw = allowed.sim.data.clients.find((client) => simClient.owes(client, 15_000) && typeof client.cedula === 'string')!;
    const serviceId = Number(raw.id_servicio);
    await allowed.operator.service.suspend.mutate({ serviceId, reason: 'mora' });
    const token = await allowed.verify(serviceId);
    const customer = allowed.clientWith(token);
    const [invoice] = (await customer.account.invoices.query({ serviceId })).invoices;
    const until = new Date(Date.now() + 2 * 86_400_000 - 5 * 3_600_000).toISOString().slice(0, 10);
    const agreed = await customer.promises.create.mutate({ serviceId, invoiceId: invoice!.id, until });
    assert.is(agreed.reconnectRequested, true);
    const trail = await allowed.services.audit.list({ serviceId });
    const reconnect = trail.find((entry) => entry.action === 'service.reconnect' && entry.keyName === BOT_NAME);
    assert.ok(reconnect, 'the reconnection is in the audit trail, with the bot key that caused it');
    assert.is(reconnect!.outcome, 'confirmed');
    assert.match(String(reconnect!.reference), /promesa de pago/);
  } finally {
    await allowed.stop();
  }
});

attack('/metrics with a bot key: refused, no key names; /admin/audit rejects a malformed since', async () => {
  const admin = await startTestService({ ADMIN_API_KEYS: 'ops=admin-key-0123456789abcdef' });
  try {
    const metrics = await fetch(`${admin.url}/metrics`, { headers: botHeaders() });
    assert.is(metrics.status, 403);
    assert.not.match(await metrics.text(), /bot:test|desk/);
    for (const since of ["' OR 1=1", '1', 'mañana', '2026-13-45T99:00', '2026-12-01 10:00']) {
      const response = await fetch(`${admin.url}/admin/audit?since=${encodeURIComponent(since)}`, {
        headers: { 'x-api-key': 'admin-key-0123456789abcdef' },
      });
      assert.is(response.status, 400, since);
    }
    const good = await fetch(`${admin.url}/admin/audit?since=2026-12-01T10:00:00-05:00`, {
      headers: { 'x-api-key': 'admin-key-0123456789abcdef' },
    });
    assert.is(good.status, 200);
  } finally {
    await admin.stop();
  }
});

attack('the typed client says which view a caller gets; the typed bot reads its verified customer in full', async () => {
  const raw = service.sim.data.clients.find((client) => typeof client.cedula === 'string')!;
  const serviceId = Number(raw.id_servicio);
  const bot = createWispHubClient({ url: service.url, apiKey: BOT_KEY, endUser: 'typed-conversation' });
  const hint = await bot.clients.byServiceId.query({ serviceId });
  assert.is(hint.view, 'masked');
  const { verificationToken } = await bot.clients.verify.mutate({ serviceId, ...customerFacts(raw) });
  const verified = createWispHubClient({
    url: service.url,
    apiKey: BOT_KEY,
    endUser: 'typed-conversation',
    verificationToken: verificationToken!,
  });
  const record = await verified.clients.byServiceId.query({ serviceId });
  assert.is(record.view === 'full' && record.document, raw.cedula);
  const staff = createWispHubClient({ url: service.url, apiKey: OPERATOR_KEY });
  assert.is((await staff.clients.byServiceId.query({ serviceId })).view, 'full');
});

attack.run();

const shared = suite('security: the trust model across instances sharing Redis');
const withRedis = redisAvailable();
let redis: TestRedis | null = null;
shared.before(async () => {
  if (withRedis) redis = await TestRedis.start();
});
shared.after(async () => {
  await redis?.stop();
});

shared(
  'no VERIFICATION_SECRET: the first instance’s random secret is shared through Redis; tokens and lockouts hold on every instance',
  async () => {
    if (!redis) return console.log('  (skipped: no redis-server on this machine)');
    // Separate secret files: only Redis can make them agree.
    const instance = (name: string) =>
      startTestService({
        REDIS_URL: redis!.url,
        REDIS_KEY_PREFIX: 'trust:',
        VERIFICATION_SECRET_FILE: join(mkdtempSync(join(tmpdir(), name)), 'secret'),
      });
    const [a, b] = [await instance('a-'), await instance('b-')];
    try {
      const raw = a.sim.data.clients.find((client) => typeof client.cedula === 'string')!;
      const serviceId = Number(raw.id_servicio);
      const verified = (await (
        await a.rest(`/clients/${serviceId}/verify`, { method: 'POST', json: customerFacts(raw), headers: { 'x-end-user': 'shared-1' } })
      ).json()) as { verificationToken: string };
      const onB = await b.rest(`/clients/${serviceId}`, {
        headers: { 'x-verification-token': verified.verificationToken, 'x-end-user': 'shared-1' },
      });
      assert.is(((await onB.json()) as { view: string }).view, 'full', 'instance b accepts instance a’s token');
      const otherUser = await b.rest(`/clients/${serviceId}/invoices`, {
        headers: { 'x-verification-token': verified.verificationToken, 'x-end-user': 'shared-2' },
      });
      assert.is(otherUser.status, 401);
      // One budget across instances: RateLimit-Remaining counts down on either.
      const remaining = async (service: TestService) =>
        Number((await service.rest('/plans/abc', { headers: { 'x-end-user': 'budget' } })).headers.get('ratelimit-remaining'));
      const [onA, onB2] = [await remaining(a), await remaining(b)];
      assert.ok(onB2 < onA, `the bucket is shared (${onA} then ${onB2})`);
      // A conversation locked on one instance is locked on the other.
      for (let attempt = 0; attempt < a.config.VERIFY_MAX_FAILURES; attempt++) {
        await a.rest(`/clients/${serviceId}/verify`, {
          method: 'POST',
          json: { document: '1000000001', name: 'x y' },
          headers: { 'x-end-user': 'guesser' },
        });
      }
      const locked = await b.rest(`/clients/${serviceId}/verify`, {
        method: 'POST',
        json: customerFacts(raw),
        headers: { 'x-end-user': 'guesser' },
      });
      assert.is(locked.status, 429);
    } finally {
      await a.stop();
      await b.stop();
    }
  },
);

shared.run();

const typed = suite('security: the typed client keeps customers apart');
let typedService: TestService;
typed.before(async () => {
  typedService = await startTestService();
});
typed.after(() => typedService.stop());

typed('a bot serving two customers in the same tick: each call carries its own token and end user, never batched together', async () => {
  const [first, second] = typedService.sim.data.clients.filter((client) => typeof client.cedula === 'string');
  const bot = createWispHubClient({ url: typedService.url, apiKey: BOT_KEY });
  const verifyAs = async (raw: JsonRecord, endUser: string) =>
    (await bot.clients.verify.mutate({ serviceId: Number(raw.id_servicio), ...customerFacts(raw) }, { context: { endUser } }))
      .verificationToken!;
  const [tokenA, tokenB] = await Promise.all([verifyAs(first!, 'wa-a'), verifyAs(second!, 'wa-b')]);
  const [a, b] = await Promise.all([
    bot.account.invoices.query({ serviceId: Number(first!.id_servicio) }, { context: { verificationToken: tokenA, endUser: 'wa-a' } }),
    bot.account.invoices.query({ serviceId: Number(second!.id_servicio) }, { context: { verificationToken: tokenB, endUser: 'wa-b' } }),
  ]);
  assert.is(a.serviceId, Number(first!.id_servicio));
  assert.is(b.serviceId, Number(second!.id_servicio));
});

typed('isGatewayError exposes the validation issues that say what to fix', async () => {
  const bot = createWispHubClient({ url: typedService.url, apiKey: BOT_KEY });
  try {
    await bot.clients.search.query({ q: 'a' });
    assert.unreachable('q is too short');
  } catch (error) {
    assert.ok(isGatewayError(error));
    if (isGatewayError(error)) {
      assert.is(error.reason, 'invalid_input');
      assert.ok(
        error.issues.some((issue) => issue.path === 'q' && /2 characters/.test(issue.message)),
        JSON.stringify(error.issues),
      );
    }
  }
});

typed.run();
