import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createWispHubClient } from '../../client/index';
import type { JsonRecord } from '../../server/simulator/data';
import { pngFile } from '../support/files';
import { assertCreated, fullView, startTestService, type TestService } from '../support/service';
import { activeTicketsIn, simClient } from '../support/sim-data';

/** A whole support conversation, once with the typed client and once over REST with paths from /openapi.json. */

let service: TestService;
const flow = suite('e2e: bot conversation');
flow.before(async () => {
  service = await startTestService({ SIM_PING_DELAY_MS: '80', PING_POLL_INTERVAL_MS: '20' });
});
flow.after(() => service.stop());

/** Next Friday on Bogotá's calendar (a week ahead when today is Friday), YYYY-MM-DD. */
function nextFriday(): string {
  const today = new Date(Date.now() - 5 * 3_600_000);
  const ahead = (5 - today.getUTCDay() + 7) % 7 || 7;
  return new Date(today.getTime() + ahead * 86_400_000).toISOString().slice(0, 10);
}

/** The smallest valid PNG-signed file: what a phone's screenshot of a receipt starts with. */
const RECEIPT_PNG = pngFile(208);

/** A customer writing from a mobile, with a document and something owed, in a zone with free ticket slots. */
function customer(skip: number): { raw: JsonRecord; phone: string } {
  const free = (zoneId: number) => activeTicketsIn(service.sim.data, zoneId) === 0;
  const candidates = service.sim.data.clients.filter(
    (c) =>
      typeof c.telefono === 'string' &&
      /^3\d{9}$/.test(c.telefono) &&
      typeof c.cedula === 'string' &&
      simClient.owes(c) &&
      free((c.zona as { id: number }).id),
  );
  const raw = candidates[skip]!;
  return { raw, phone: `+57 ${String(raw.telefono)}` };
}

flow(
  'typed client: find by phone → verify → ¿cuánto debo? → ¿puedo pagar el viernes? → ya pagué, le envío el comprobante → diagnose → ticket (idempotent) → history → zone status',
  async () => {
    let token: string | null = null;
    // A bot keeps the conversation's verification token and the client sends it on every call.
    const api = createWispHubClient({ url: service.url, apiKey: service.config.API_KEYS[0]!.key, verificationToken: () => token });
    const { raw, phone } = customer(0);
    const found = await api.clients.byPhone.query({ phone });
    const me = found.items.find((c) => c.serviceId === raw.id_servicio)!;
    assert.ok(me);
    const refused = await api.account.balance.query({ serviceId: me.serviceId }).catch((error: { data?: { reason?: string } }) => error);
    assert.is((refused as { data?: { reason?: string } }).data?.reason, 'verification_required', 'nothing about money before verifying');
    // The bot sees masked hints only; the customer says their document.
    assert.is(me.view, 'masked', 'before verification a bot key sees hints, not the record');
    const verified = await api.clients.verify.mutate({ serviceId: me.serviceId, document: String(raw.cedula), phone });
    assert.ok(verified.isValid);
    token = verified.verificationToken;
    // "¿Cuánto debo?"
    const balance = await api.account.balance.query({ serviceId: me.serviceId });
    assert.is(balance.totalOwed, simClient.balance(raw));
    assert.ok(balance.message.length > 0);
    const { invoices } = await api.account.invoices.query({ serviceId: me.serviceId });
    assert.ok(invoices.length > 0);
    const oldest = invoices[0]!;
    // "¿Puedo pagar el viernes?"
    const promise = await api.promises.create.mutate({
      serviceId: me.serviceId,
      invoiceId: oldest.id,
      until: nextFriday(),
      comment: 'Dice que le pagan el viernes',
      idempotencyKey: `wa-${me.serviceId}-promise`,
    });
    assert.is(promise.status, 'agreed');
    assert.match(promise.message, /viernes|promesa/i);
    assert.is((await api.account.invoices.query({ serviceId: me.serviceId })).activePromise?.until, nextFriday());
    // "Ya pagué, le envío el comprobante"
    const [method] = await api.paymentMethods.list.query().then((list) => list.items);
    const report = await api.payments.report.mutate({
      serviceId: me.serviceId,
      invoiceId: oldest.id,
      method: method!.id,
      reference: `NEQUI ${me.serviceId}77`,
      paidAt: new Date(Date.now() - 3_600_000).toISOString(),
      receipt: { contentBase64: RECEIPT_PNG.toString('base64'), fileName: 'captura.png' },
      idempotencyKey: `wa-${me.serviceId}-receipt`,
    });
    assert.is(report.status, 'received');
    const stored = service.sim.billing.reports.at(-1)!;
    assert.is(stored.file.size, RECEIPT_PNG.length, 'upstream holds the receipt file');
    assert.is(stored.file.type, 'image/png');
    const diagnosis = await api.network.diagnose.mutate({ serviceId: me.serviceId });
    assert.is(diagnosis.result.status, 'done');
    const subjects = await api.tickets.subjects.query();
    const subject = subjects.byPriority.find((group) => group.level === 'high')!.subjects[0]!;
    const record = fullView(await api.clients.byServiceId.query({ serviceId: me.serviceId }));
    const zoneBefore = await api.tickets.zoneStatus.query({ zoneId: record.zone!.id });
    const posts = service.sim.calls(/^POST \/api\/tickets\/$/);
    const request = {
      serviceId: me.serviceId,
      subject,
      description: 'Diagnóstico automático: el cliente no tiene servicio.',
      idempotencyKey: `wa-${me.serviceId}-1`,
    };
    const created = await api.tickets.create.mutate(request);
    const retried = await api.tickets.create.mutate(request);
    assertCreated(created);
    assertCreated(retried);
    assert.is(retried.ticket.id, created.ticket.id);
    assert.is(service.sim.calls(/^POST \/api\/tickets\/$/) - posts, 1, 'one upstream ticket');
    const read = await api.tickets.byId.query({ ticketId: created.ticket.id });
    assert.is(read.subject, subject);
    assert.is(read.serviceId, me.serviceId);
    assert.is(read.priority, 'high');
    // "¿Qué pasó con mi ticket?"
    const history = await api.account.tickets.query({ serviceId: me.serviceId, limit: 5 });
    assert.is(history.items[0]?.id, created.ticket.id);
    const zoneAfter = await api.tickets.zoneStatus.query({ zoneId: record.zone!.id });
    assert.is(zoneAfter.activeTickets, zoneBefore.activeTickets + 1);
  },
);

type Operation = { operationId: string; parameters?: { name: string; in: string }[] };
type Doc = { servers: { url: string }[]; paths: Record<string, Record<string, Operation>> };

flow('REST with plain fetch, every path taken from /openapi.json by operationId', async () => {
  const doc = (await (await fetch(`${service.url}/openapi.json`)).json()) as Doc;
  const operations = new Map<string, { method: string; path: string }>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) operations.set(operation.operationId, { method, path });
  }
  const call = async (
    operationId: string,
    params: Record<string, string | number>,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const operation = operations.get(operationId);
    assert.ok(operation, `${operationId} is documented`);
    const url = `${service.url}${doc.servers[0]!.url}${operation!.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])))}`;
    const response = await fetch(url, {
      method: operation!.method.toUpperCase(),
      headers: { 'x-api-key': service.config.API_KEYS[0]!.key, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const { raw, phone } = customer(1);
  const found = await call('clients-byPhone', { phone });
  assert.is(found.status, 200);
  const hint = (found.body.items as { serviceId: number; view: string; document?: string }[]).find((c) => c.serviceId === raw.id_servicio)!;
  assert.is(hint.view, 'masked');
  assert.is(hint.document, undefined, 'a bot sees no document before verifying');
  // The customer tells the bot their document.
  const verified = await call('clients-verify', { serviceId: hint.serviceId }, { document: String(raw.cedula), phone });
  assert.is(verified.body.isValid, true);
  const verification = { 'X-Verification-Token': verified.body.verificationToken as string };
  const mine = await call('clients-byServiceId', { serviceId: hint.serviceId }, undefined, verification);
  const me = mine.body as { serviceId: number; view: string; zone: { id: number } };
  assert.is(me.view, 'full', 'the verified customer in full');
  const balance = await call('account-balance', { serviceId: me.serviceId }, undefined, verification);
  assert.is(balance.status, 200);
  assert.is(balance.body.totalOwed, simClient.balance(raw));
  assert.ok(['up_to_date', 'overdue', 'seriously_overdue'].includes(balance.body.status as string));
  const diagnosis = await call('network-diagnose', { serviceId: me.serviceId }, {}, verification);
  assert.is((diagnosis.body.result as { status: string }).status, 'done');
  const subjects = await call('tickets-subjects', {});
  const subject = (subjects.body.all as { subject: string }[])[0]!.subject;
  const zoneBefore = await call('tickets-zoneStatus', { zoneId: me.zone.id });
  const ticketBody = { serviceId: me.serviceId, subject, description: 'El cliente pide cambiar la contraseña del router.' };
  const posts = service.sim.calls(/^POST \/api\/tickets\/$/);
  const created = await call('tickets-create', {}, ticketBody, { 'Idempotency-Key': `web-${me.serviceId}-1`, ...verification });
  const retried = await call('tickets-create', {}, ticketBody, { 'Idempotency-Key': `web-${me.serviceId}-1`, ...verification });
  assert.is(created.status, 201);
  const ticketId = (created.body.ticket as { id: number }).id;
  assert.is((retried.body.ticket as { id: number }).id, ticketId);
  assert.is(service.sim.calls(/^POST \/api\/tickets\/$/) - posts, 1);
  const read = await call('tickets-byId', { ticketId }, undefined, verification);
  assert.is(read.body.subject, subject);
  const history = await call('account-tickets', { serviceId: me.serviceId }, undefined, verification);
  assert.is((history.body.items as { id: number }[])[0]?.id, ticketId);
  const zoneAfter = await call('tickets-zoneStatus', { zoneId: me.zone.id });
  assert.is(zoneAfter.body.activeTickets, (zoneBefore.body.activeTickets as number) + 1);
});

flow.run();
