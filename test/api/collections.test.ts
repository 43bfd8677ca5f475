import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonRecord } from '../../server/simulator/data';
import { pdfFile, pngFile } from '../support/files';
import { reasonOf, trpcReason, trpcRefusal } from '../support/refusals';
import { BOT_KEY, fullView, OPERATOR_KEY, type RestErrorBody, serviceFor, startTestService, TEST_KEY } from '../support/service';
import { claimRecord, simClient } from '../support/sim-data';

/**
 * Collections from the bot: key roles, verified customers, invoices, payment reports with
 * receipts, payments operators register, promises of payment, reconnection, and the audit trail.
 * Both surfaces for every rule.
 */

const ADMIN_KEY = 'admin-key-0123456789abcdef';
const collections = suite('api: collections, roles and verified customers');
const service = serviceFor(collections, { ADMIN_API_KEYS: `ops=${ADMIN_KEY}`, UPSTREAM_TIMEOUT_MS: '1000', WRITE_SETTLE_MS: '1500' });

const operator = { 'x-api-key': OPERATOR_KEY };
const PNG = pngFile(308);
const PDF = pdfFile();

/** An active client who owes at least `invoices` invoices and can verify (a document), claimed by this test alone. */
function debtor(invoices = 1): { raw: JsonRecord; serviceId: number } {
  const raw = claimRecord(
    service.sim.data.clients,
    (client) => simClient.owes(client, 15_000 * invoices) && simClient.isActive(client) && simClient.hasDocument(client),
  );
  return { raw, serviceId: simClient.serviceId(raw) };
}

async function invoicesOf(serviceId: number, token: string) {
  const response = await service.rest(`/clients/${serviceId}/invoices`, { headers: { 'x-verification-token': token } });
  assert.is(response.status, 200);
  return (await response.json()) as {
    invoices: { id: string; amount: number; dueDate: string | null }[];
    activePromise: { until: string | null } | null;
  };
}

function receiptForm(fields: Record<string, string>, file: Buffer, name = 'recibo.png', type = 'image/png'): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set('receipt', new Blob([file], { type }), name);
  return form;
}

function postReport(serviceId: number, invoiceId: string, form: FormData, headers: Record<string, string>): Promise<Response> {
  return fetch(`${service.url}/api/v1/clients/${serviceId}/invoices/${invoiceId}/payment-reports`, {
    method: 'POST',
    body: form,
    headers: { 'x-api-key': BOT_KEY, ...headers },
  });
}

const methodId = () => Number(service.sim.data.paymentMethods[0]!.id);

/** An operator's registration of an invoice for its total, with a reference and idempotency key named by `tag`. */
function registration(serviceId: number, invoice: { id: string; amount: number }, tag: string) {
  return {
    invoiceId: invoice.id,
    serviceId,
    method: methodId(),
    amount: invoice.amount,
    paidAt: new Date().toISOString(),
    reference: `${tag.toUpperCase()}-${serviceId}`,
    idempotencyKey: `register-${serviceId}-${tag}`,
  };
}
const localDay = (offsetDays: number) => new Date(Date.now() - 5 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

collections(
  'roles: a bot key cannot register payments, suspend or reconnect (403 forbidden_for_key on both surfaces); an operator can',
  async () => {
    const { serviceId } = debtor();
    const token = await service.verify(serviceId);
    const body = { serviceId, method: methodId(), amount: 1000, paidAt: new Date().toISOString(), reference: 'CAJA-ROLE-1' };
    const bot = await service.rest('/invoices/1/payments', { method: 'POST', json: body, headers: { 'x-verification-token': token } });
    assert.is(bot.status, 403);
    const refusal = (await bot.json()) as RestErrorBody;
    assert.is(refusal.error.reason, 'forbidden_for_key');
    assert.match(refusal.error.message, /no está permitida/);
    for (const action of ['suspend', 'reconnect']) {
      const response = await service.rest(`/clients/${serviceId}/${action}`, { method: 'POST', json: { reason: 'prueba' } });
      assert.is(response.status, 403, action);
      assert.is(await reasonOf(response), 'forbidden_for_key');
    }
    const api = service.clientWith(token);
    assert.is(await trpcRefusal(api.payments.register.mutate({ invoiceId: '1', ...body })), 'forbidden_for_key');
    assert.is(await trpcRefusal(api.service.suspend.mutate({ serviceId, reason: 'prueba' })), 'forbidden_for_key');
    assert.is(service.sim.billing.payments.length, 0, 'nothing reached upstream');
    // Operators are exempt from customer verification.
    const read = await service.rest(`/clients/${serviceId}/invoices`, { headers: operator });
    assert.is(read.status, 200);
  },
);

collections('verification: money reads and writes need the token of that service id from that key', async () => {
  const seven = debtor();
  const eight = debtor();
  const noToken = await service.rest(`/clients/${seven.serviceId}/invoices`);
  assert.is(noToken.status, 401);
  assert.is(await reasonOf(noToken), 'verification_required');
  assert.is(await trpcRefusal(service.client.account.balance.query({ serviceId: seven.serviceId })), 'verification_required');

  const verify = await service.rest(`/clients/${seven.serviceId}/verify`, {
    method: 'POST',
    json: { document: seven.raw.cedula, name: seven.raw.nombre },
  });
  const verified = (await verify.json()) as { isValid: boolean; verificationToken: string; verificationExpiresAt: string };
  assert.ok(verified.isValid);
  assert.is(verify.headers.get('x-verification-token'), verified.verificationToken, 'also as the response header');
  const ttl = Date.parse(verified.verificationExpiresAt) - Date.now();
  assert.ok(ttl > 14 * 60_000 && ttl <= 15 * 60_000, 'VERIFICATION_TTL_S defaults to 15 minutes');
  const token = verified.verificationToken;

  // A token for client 7 cannot act for client 8, on either surface.
  const [invoice] = (await invoicesOf(seven.serviceId, token)).invoices;
  const form = receiptForm({ method: String(methodId()), reference: 'MISMATCH-1', paidAt: new Date().toISOString() }, PNG);
  const other = await postReport(eight.serviceId, invoice!.id, form, { 'x-verification-token': token });
  assert.is(other.status, 403);
  assert.is(await reasonOf(other), 'verification_mismatch');
  assert.is(await trpcRefusal(service.clientWith(token).account.invoices.query({ serviceId: eight.serviceId })), 'verification_mismatch');

  // A failed verification gives no token.
  const failed = await service.client.clients.verify.mutate({ serviceId: eight.serviceId, document: '1', name: 'Nadie Nadie' });
  assert.is(failed.isValid, false);
  assert.is(failed.verificationToken, null);

  // Tampered, or from another key: refused as if absent.
  const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
  const bad = await service.rest(`/clients/${seven.serviceId}/invoices`, { headers: { 'x-verification-token': tampered } });
  assert.is(bad.status, 401);
  const forged = token.replace(`v2.${seven.serviceId}.`, `v2.${eight.serviceId}.`);
  assert.is((await service.rest(`/clients/${eight.serviceId}/invoices`, { headers: { 'x-verification-token': forged } })).status, 401);

  // Expired: the service's clock moved past the token's life.
  const realNow = service.services.now;
  service.services.now = () => new Date(Date.now() + 16 * 60_000);
  try {
    const expired = await service.rest(`/clients/${seven.serviceId}/invoices`, { headers: { 'x-verification-token': token } });
    assert.is(expired.status, 401);
    const body = (await expired.json()) as RestErrorBody;
    assert.is(body.error.reason, 'verification_required');
    assert.is(body.error.details?.problem, 'expired');
  } finally {
    service.services.now = realNow;
  }
});

collections('a token is bound to the API key that verified: another bot key cannot use it', async () => {
  const other = await startTestService({ API_KEYS: `${TEST_KEY},bot:other=other-bot-key-0123456789` });
  try {
    const target = other.sim.data.clients.find((client) => simClient.owes(client))!;
    const serviceId = Number(target.id_servicio);
    const token = await other.verify(serviceId);
    const response = await other.rest(`/clients/${serviceId}/invoices`, {
      headers: { 'x-api-key': 'other-bot-key-0123456789', 'x-verification-token': token },
    });
    assert.is(response.status, 401);
    assert.is(await reasonOf(response), 'verification_required');
  } finally {
    await other.stop();
  }
});

collections('VERIFICATION_REQUIRED_FOR_READS=false: reads pass without a token, writes still need one', async () => {
  const relaxed = await startTestService({ VERIFICATION_REQUIRED_FOR_READS: 'false' });
  try {
    const target = relaxed.sim.data.clients.find((client) => simClient.owes(client))!;
    const serviceId = Number(target.id_servicio);
    assert.is((await relaxed.rest(`/clients/${serviceId}/invoices`)).status, 200);
    assert.is((await relaxed.rest(`/clients/${serviceId}/balance`)).status, 200);
    const write = await relaxed.rest(`/clients/${serviceId}/invoices/${serviceId * 100 + 1}/promise`, {
      method: 'POST',
      json: { until: localDay(1) },
    });
    assert.is(write.status, 401);
    assert.is(await reasonOf(write), 'verification_required');
    const patch = await relaxed.rest(`/clients/${serviceId}`, { method: 'PATCH', json: { city: 'Acacías' } });
    assert.is(patch.status, 401);
  } finally {
    await relaxed.stop();
  }
});

collections('account.invoices: the unpaid invoices upstream holds, with ids, amounts, due dates and no promise yet', async () => {
  const { raw, serviceId } = debtor();
  const token = await service.verify(serviceId);
  const body = await invoicesOf(serviceId, token);
  assert.ok(body.invoices.length >= 1);
  assert.is(
    body.invoices.reduce((sum, invoice) => sum + invoice.amount, 0),
    simClient.balance(raw),
  );
  for (const invoice of body.invoices) assert.match(invoice.id, /^\d+$/);
  assert.is(body.activePromise, null);
  const typed = await service.clientWith(token).account.invoices.query({ serviceId });
  assert.equal(
    typed.invoices.map((invoice) => invoice.id),
    body.invoices.map((invoice) => invoice.id),
  );
});

collections('payments.report over REST multipart: the receipt reaches upstream as a file; the same reference again is 409', async () => {
  const { serviceId } = debtor(2);
  const token = await service.verify(serviceId);
  const [first, second] = (await invoicesOf(serviceId, token)).invoices;
  const paidAt = '2026-11-20T18:30:00-05:00';
  const response = await postReport(
    serviceId,
    first!.id,
    receiptForm({ method: String(methodId()), reference: 'Nequi 3001-555', paidAt }, PNG),
    { 'x-verification-token': token },
  );
  assert.is(response.status, 201);
  const body = (await response.json()) as { status: string; message: string };
  assert.is(body.status, 'received');
  assert.match(body.message, /comprobante/);
  const stored = service.sim.billing.reports.at(-1)!;
  assert.is(stored.invoiceId, Number(first!.id));
  assert.is(stored.reference, 'Nequi 3001-555');
  assert.is(stored.paidAt, '2026-11-20 18:30', 'sent on the ISP’s wall clock');
  assert.equal(stored.file, { name: 'recibo.png', type: 'image/png', size: PNG.length });

  // The same payment reported again, for another invoice, spelled differently: one reference, one payment.
  const again = await postReport(
    serviceId,
    second!.id,
    receiptForm({ method: String(methodId()), reference: 'NEQUI 3001555', paidAt }, PNG),
    { 'x-verification-token': token },
  );
  assert.is(again.status, 409);
  assert.is(await reasonOf(again), 'payment_reference_reused');
  assert.is(service.sim.billing.reports.filter((report) => report.invoiceId === Number(second!.id)).length, 0);
});

collections(
  'payments.report over tRPC: base64 receipt (PDF), idempotent with a key; receipts are checked by content, not name',
  async () => {
    const { serviceId } = debtor();
    const token = await service.verify(serviceId);
    const api = service.clientWith(token);
    const [invoice] = (await invoicesOf(serviceId, token)).invoices;
    const request = {
      serviceId,
      invoiceId: invoice!.id,
      method: methodId(),
      reference: `TRF-${serviceId}-PDF`,
      paidAt: new Date(Date.now() - 60_000).toISOString(),
      receipt: { contentBase64: PDF.toString('base64'), fileName: 'comprobante.pdf' },
      idempotencyKey: `report-${serviceId}-pdf`,
    };
    const reportsBefore = service.sim.billing.reports.length;
    const first = await api.payments.report.mutate(request);
    const retried = await api.payments.report.mutate(request);
    assert.is(first.status, 'received');
    assert.is(retried.replayed, true);
    assert.is(service.sim.billing.reports.length, reportsBefore + 1, 'one report upstream');
    assert.is(service.sim.billing.reports.at(-1)!.file.type, 'application/pdf');

    const disguised = Buffer.from('MZ this is an executable, named like a picture');
    const fake = await postReport(
      serviceId,
      invoice!.id,
      receiptForm(
        { method: String(methodId()), reference: 'FAKE-1', paidAt: new Date().toISOString() },
        disguised,
        'foto.jpg',
        'image/jpeg',
      ),
      { 'x-verification-token': token },
    );
    assert.is(fake.status, 400);
    assert.is(await reasonOf(fake), 'receipt_invalid');
    assert.is(
      await trpcRefusal(
        api.payments.report.mutate({
          ...request,
          reference: 'FAKE-2',
          idempotencyKey: undefined,
          receipt: { contentBase64: disguised.toString('base64') },
        }),
      ),
      'receipt_invalid',
    );
    const future = await api.payments.report
      .mutate({ ...request, reference: 'FUTURE-1', idempotencyKey: undefined, paidAt: new Date(Date.now() + 86_400_000).toISOString() })
      .catch((error: unknown) => error);
    assert.is(trpcReason(future), 'invalid_input');
  },
);

collections('payments.report: a receipt over RECEIPT_MAX_BYTES is 413 on both surfaces, before upstream is called', async () => {
  const small = await startTestService({ RECEIPT_MAX_BYTES: '2048' });
  try {
    const target = small.sim.data.clients.find((client) => simClient.owes(client))!;
    const serviceId = Number(target.id_servicio);
    const token = await small.verify(serviceId);
    const big = Buffer.concat([PNG, Buffer.alloc(4096, 1)]);
    const form = receiptForm(
      { method: String(small.sim.data.paymentMethods[0]!.id), reference: 'BIG-1', paidAt: new Date().toISOString() },
      big,
    );
    const response = await fetch(`${small.url}/api/v1/clients/${serviceId}/invoices/${serviceId * 100 + 1}/payment-reports`, {
      method: 'POST',
      body: form,
      headers: { 'x-api-key': BOT_KEY, 'x-verification-token': token },
    });
    assert.is(response.status, 413);
    const viaTrpc = await small
      .clientWith(token)
      .payments.report.mutate({
        serviceId,
        invoiceId: String(serviceId * 100 + 1),
        method: Number(small.sim.data.paymentMethods[0]!.id),
        reference: 'BIG-2',
        paidAt: new Date().toISOString(),
        receipt: { contentBase64: big.toString('base64') },
      })
      .catch((error: unknown) => error);
    assert.is(trpcReason(viaTrpc), 'payload_too_large');
    assert.is(small.sim.billing.reports.length, 0);
  } finally {
    await small.stop();
  }
});

collections('two bots report the same reference at once: exactly one is accepted', async () => {
  const a = debtor();
  const b = debtor();
  const [tokenA, tokenB] = await Promise.all([service.verify(a.serviceId), service.verify(b.serviceId)]);
  const [invoiceA] = (await invoicesOf(a.serviceId, tokenA)).invoices;
  const [invoiceB] = (await invoicesOf(b.serviceId, tokenB)).invoices;
  const reference = `DAVIPLATA-${a.serviceId}`;
  const paidAt = new Date().toISOString();
  const results = await Promise.all([
    postReport(a.serviceId, invoiceA!.id, receiptForm({ method: String(methodId()), reference, paidAt }, PNG), {
      'x-verification-token': tokenA,
    }).then((response) => response.status),
    service
      .clientWith(tokenB)
      .payments.report.mutate({
        serviceId: b.serviceId,
        invoiceId: invoiceB!.id,
        method: methodId(),
        reference,
        paidAt,
        receipt: { contentBase64: PNG.toString('base64') },
      })
      .then(
        () => 201,
        (error: unknown) => (trpcReason(error) === 'payment_reference_reused' ? 409 : 500),
      ),
  ]);
  assert.equal([...results].sort(), [201, 409]);
  assert.is(service.sim.billing.reports.filter((report) => report.reference === reference).length, 1);
});

collections(
  'payments.register (operator): one invoice, its exact total, paidAt in local time; 422 upstream is invoice_already_paid',
  async () => {
    const { serviceId } = debtor();
    const token = await service.verify(serviceId);
    const [invoice] = (await invoicesOf(serviceId, token)).invoices;
    const body = { serviceId, method: methodId(), paidAt: '2026-11-23T07:05:00Z', reference: `CAJA-${serviceId}` };
    const wrong = await service.rest(`/invoices/${invoice!.id}/payments`, {
      method: 'POST',
      headers: operator,
      json: { ...body, amount: invoice!.amount + 1000 },
    });
    assert.is(wrong.status, 400);
    assert.is(await reasonOf(wrong), 'payment_amount_mismatch');
    const paid = await service.operator.payments.register.mutate({ invoiceId: invoice!.id, ...body, amount: invoice!.amount });
    assert.is(paid.status, 'registered');
    assert.is(paid.reconciled, false);
    const stored = service.sim.billing.payments.at(-1)!;
    assert.is(stored.invoiceId, Number(invoice!.id));
    assert.is(stored.amount, invoice!.amount);
    assert.is(stored.paidAt, '2026-11-23 02:05', '07:05 UTC is 02:05 in Bogotá');
    assert.is(stored.reconnect, false);
    // The invoice is gone from what the customer owes, at once.
    const after = await invoicesOf(serviceId, token);
    assert.not.ok(after.invoices.some((candidate) => candidate.id === invoice!.id));
    // Again, with another reference: this service knows it registered it.
    const twice = await service.rest(`/invoices/${invoice!.id}/payments`, {
      method: 'POST',
      headers: operator,
      json: { ...body, reference: `CAJA-${serviceId}-B`, amount: invoice!.amount },
    });
    assert.is(twice.status, 409);
    assert.is(await reasonOf(twice), 'invoice_already_paid');
    // Upstream's own 422, read directly from the gateway: the same reason.
    const direct = await service.services.gateway.billing
      .registerPayment({
        invoiceId: invoice!.id,
        methodId: methodId(),
        amount: 1,
        paidAtLocal: '2026-11-23 02:05',
        reference: 'X',
        reconnect: false,
      })
      .catch((error: unknown) => error);
    assert.is((direct as { reason?: string }).reason, 'invoice_already_paid');
    assert.is(service.sim.billing.payments.filter((payment) => payment.invoiceId === Number(invoice!.id)).length, 1);
  },
);

collections('a stalled registration (committed, answer lost) retried makes one payment: reconciled by reading the invoice', async () => {
  const { serviceId } = debtor();
  const [invoice] = (await invoicesOf(serviceId, await service.verify(serviceId))).invoices;
  const request = registration(serviceId, invoice!, 'stall');
  service.sim.setFaults({ commitThenStallMs: 3000, method: 'POST', pathPrefix: '/api/facturas/' });
  try {
    const first = await service.operator.payments.register.mutate(request);
    assert.is(first.status, 'registered');
    assert.is(first.reconciled, true, 'the lost answer was settled by reading the invoice');
    const retried = await service.operator.payments.register.mutate(request);
    assert.is(retried.replayed, true);
    const withoutKey = await service.rest(`/invoices/${invoice!.id}/payments`, {
      method: 'POST',
      headers: operator,
      json: { ...request, idempotencyKey: undefined },
    });
    assert.is(withoutKey.status, 409);
  } finally {
    service.sim.resetFaults();
  }
  assert.is(service.sim.billing.payments.filter((payment) => payment.invoiceId === Number(invoice!.id)).length, 1, 'one payment');
  const audit = await adminAudit(serviceId);
  const entry = audit.find((candidate) => candidate.action === 'payment.register')!;
  assert.is(entry.outcome, 'confirmed');
  assert.match(entry.detail ?? '', /reconciled/);
});

collections(
  'a registration upstream never received: 504 upstream_outcome_unknown, no re-post inside the settle window, then one payment',
  async () => {
    const { serviceId } = debtor();
    const [invoice] = (await invoicesOf(serviceId, await service.verify(serviceId))).invoices;
    const request = registration(serviceId, invoice!, 'lost');
    // The connection drops before upstream handles the request: nothing is committed.
    service.sim.setFaults({ resetRate: 1, method: 'POST', pathPrefix: '/api/facturas/' });
    let posts = 0;
    try {
      const unknown = await service.rest(`/invoices/${invoice!.id}/payments`, {
        method: 'POST',
        headers: { ...operator, 'idempotency-key': request.idempotencyKey },
        json: { ...request, idempotencyKey: undefined },
      });
      assert.is(unknown.status, 504);
      assert.is(await reasonOf(unknown), 'upstream_outcome_unknown');
      assert.ok(unknown.headers.get('retry-after'));
      posts = service.sim.calls(/^POST \/api\/facturas\//);
      const early = await trpcRefusal(service.operator.payments.register.mutate(request));
      assert.is(early, 'upstream_outcome_unknown', 'no second POST while the first may still commit');
      assert.is(service.sim.calls(/^POST \/api\/facturas\//), posts);
    } finally {
      service.sim.resetFaults();
    }
    await new Promise((resolve) => setTimeout(resolve, 1600)); // WRITE_SETTLE_MS here
    const done = await service.operator.payments.register.mutate(request);
    assert.is(done.status, 'registered');
    assert.is(done.reconciled, false, 'sent again once the settle window showed the invoice unpaid');
    assert.is(service.sim.calls(/^POST \/api\/facturas\//), posts + 1);
    assert.is(service.sim.billing.payments.filter((payment) => payment.invoiceId === Number(invoice!.id)).length, 1);
  },
);

collections('promises.create: within the rules, Spanish refusals, one active at a time; the promise shows on the invoices', async () => {
  const { serviceId } = debtor();
  const token = await service.verify(serviceId);
  const api = service.clientWith(token);
  const [invoice] = (await invoicesOf(serviceId, token)).invoices;
  const tooFar = await service.rest(`/clients/${serviceId}/invoices/${invoice!.id}/promise`, {
    method: 'POST',
    headers: { 'x-verification-token': token },
    json: { until: localDay(30) },
  });
  assert.is(tooFar.status, 400);
  const farBody = (await tooFar.json()) as RestErrorBody;
  assert.is(farBody.error.reason, 'promise_not_allowed');
  assert.match(farBody.error.message, /como máximo hasta el/);
  assert.is(
    await trpcRefusal(api.promises.create.mutate({ serviceId, invoiceId: invoice!.id, until: localDay(-1) })),
    'promise_not_allowed',
  );
  const agreed = await api.promises.create.mutate({ serviceId, invoiceId: invoice!.id, until: localDay(3), comment: 'Me pagan el jueves' });
  assert.is(agreed.status, 'agreed');
  assert.match(agreed.message, /promesa de pago hasta el/);
  const stored = service.sim.billing.promises.at(-1)!;
  assert.equal(
    { invoiceId: stored.invoiceId, until: stored.until, comment: stored.comment },
    {
      invoiceId: Number(invoice!.id),
      until: localDay(3),
      comment: 'Me pagan el jueves',
    },
  );
  assert.is((await invoicesOf(serviceId, token)).activePromise?.until, localDay(3));
  const second = await service.rest(`/clients/${serviceId}/invoices/${invoice!.id}/promise`, {
    method: 'POST',
    headers: { 'x-verification-token': token },
    json: { until: localDay(2) },
  });
  assert.is(second.status, 409);
  const secondBody = (await second.json()) as RestErrorBody;
  assert.is(secondBody.error.reason, 'promise_already_active');
  assert.match(secondBody.error.message, /Ya tiene una promesa de pago activa/);
});

collections(
  'promises.create: none within PROMISE_COOLDOWN_DAYS after a broken promise; a suspended service is not reconnected unless the ISP allows it',
  async () => {
    const { serviceId } = debtor();
    const token = await service.verify(serviceId);
    const [invoice] = (await invoicesOf(serviceId, token)).invoices;
    // A promise this service agreed ten days ago for a date five days ago; the invoice is still unpaid.
    const auditId = await service.services.audit.record({
      action: 'promise.create',
      keyName: 'bot:test',
      role: 'bot',
      requestId: 'earlier',
      serviceId,
      invoiceId: invoice!.id,
      amount: null,
      reference: null,
      until: localDay(-5),
    });
    await service.services.audit.settle(auditId, 'confirmed');
    const refused = await service.rest(`/clients/${serviceId}/invoices/${invoice!.id}/promise`, {
      method: 'POST',
      headers: { 'x-verification-token': token },
      json: { until: localDay(2) },
    });
    assert.is(refused.status, 400);
    const body = (await refused.json()) as RestErrorBody;
    assert.is(body.error.details?.reason, 'after_broken_promise');
    assert.match(body.error.message, /Podrá acordar una nueva a partir del/);

    const suspended = debtor();
    const suspendedToken = await service.verify(suspended.serviceId);
    const [owed] = (await invoicesOf(suspended.serviceId, suspendedToken)).invoices;
    await service.operator.service.suspend.mutate({ serviceId: suspended.serviceId, reason: 'mora' });
    const agreed = await service
      .clientWith(suspendedToken)
      .promises.create.mutate({ serviceId: suspended.serviceId, invoiceId: owed!.id, until: localDay(1) });
    // PROMISE_RECONNECTS_SUSPENDED is off by default: the promise is kept, the service stays as staff left it.
    assert.is(agreed.reconnectRequested, false);
    assert.not.match(agreed.message, /reactivará/);
    assert.is(await statusOf(suspended.serviceId), 'suspended');
  },
);

collections(
  'promises.create: upstream 403 (the ISP’s key lacks the permission) is 502 upstream_permission_missing, not a 500',
  async () => {
    const { serviceId } = debtor();
    const token = await service.verify(serviceId);
    const [invoice] = (await invoicesOf(serviceId, token)).invoices;
    service.sim.setDialect({ promisePermission: false });
    try {
      const response = await service.rest(`/clients/${serviceId}/invoices/${invoice!.id}/promise`, {
        method: 'POST',
        headers: { 'x-verification-token': token },
        json: { until: localDay(1) },
      });
      assert.is(response.status, 502);
      const body = (await response.json()) as RestErrorBody;
      assert.is(body.error.reason, 'upstream_permission_missing');
      assert.match(body.error.message, /Un asesor debe habilitarla/);
      const audit = await adminAudit(serviceId);
      assert.is(audit.find((entry) => entry.action === 'promise.create')?.outcome, 'refused');
    } finally {
      service.sim.resetDialect();
    }
    // Upstream's promise endpoint takes no GET.
    const get = await fetch(`${service.sim.url}/api/promesa-pago/`, { headers: { authorization: `Api-Key ${service.sim.apiKey}` } });
    assert.is(get.status, 405);
  },
);

collections(
  'sources spell registrar-pago and the promise endpoint two ways: the gateway finds the one that exists, records nothing twice',
  async () => {
    const { serviceId } = debtor(2);
    const token = await service.verify(serviceId);
    const [first, second] = (await invoicesOf(serviceId, token)).invoices;
    service.sim.setDialect({ registerPaymentPath: 'action-first', promisePath: 'promesas-de-pago' });
    try {
      service.sim.resetCalls();
      const paid = await service.operator.payments.register.mutate({
        invoiceId: first!.id,
        serviceId,
        method: methodId(),
        amount: first!.amount,
        paidAt: new Date().toISOString(),
        reference: `ALT-${serviceId}`,
      });
      assert.is(paid.status, 'registered');
      assert.is(service.sim.calls(`POST /api/facturas/${first!.id}/registrar-pago/`), 1, 'the documented spelling: HTML 404');
      assert.is(service.sim.calls(`POST /api/facturas/registrar-pago/${first!.id}/`), 1, 'then the other, once');
      assert.is(service.sim.billing.payments.filter((payment) => payment.invoiceId === Number(first!.id)).length, 1);
      const agreed = await service.clientWith(token).promises.create.mutate({ serviceId, invoiceId: second!.id, until: localDay(1) });
      assert.is(agreed.status, 'agreed');
      assert.is(service.sim.calls('POST /api/promesas-de-pago/'), 1);
    } finally {
      service.sim.resetDialect();
    }
  },
);

collections(
  'a suspend still running at the deadline answers pending; service.taskStatus follows it and settles its audit entry',
  async () => {
    const slow = await startTestService({ SIM_PING_DELAY_MS: '1500', PING_DEADLINE_MS: '200', PING_POLL_INTERVAL_MS: '20' });
    try {
      const raw = slow.sim.data.clients.find((client) => simClient.isActive(client))!;
      const serviceId = Number(raw.id_servicio);
      const started = await slow.operator.service.suspend.mutate({ serviceId, reason: 'Mora de 60 días' });
      assert.is(started.status, 'pending');
      const taskId = started.taskId!;
      const openEntry = (await slow.services.audit.list({ serviceId })).find((entry) => entry.action === 'service.suspend')!;
      assert.is(openEntry.outcome, 'unknown', 'open while the task runs');
      assert.is((await slow.operator.service.taskStatus.query({ taskId })).status, 'pending');
      let status = 'pending';
      for (let tries = 0; tries < 100 && status === 'pending'; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (await slow.operator.service.taskStatus.query({ taskId })).status;
      }
      assert.is(status, 'done');
      const settled = (await slow.services.audit.list({ serviceId })).find((entry) => entry.id === openEntry.id)!;
      assert.is(settled.outcome, 'confirmed');
      assert.is(fullView(await slow.operator.clients.byServiceId.query({ serviceId })).status, 'suspended');
      // Only staff follow it, and only tasks this service started.
      const asBot = await slow.rest(`/service-tasks/${taskId}`);
      assert.is(asBot.status, 403);
      assert.is((await slow.staff('/service-tasks/no-such-task')).status, 404);
    } finally {
      await slow.stop();
    }
  },
);

collections(
  'service.suspend and service.reconnect (operator): the task is polled to its end and the client reads the new state',
  async () => {
    const { serviceId } = debtor();
    const suspended = await service.operator.service.suspend.mutate({ serviceId, reason: 'Mora de 60 días' });
    assert.equal({ status: suspended.status, action: suspended.action }, { status: 'done', action: 'suspend' });
    assert.is(await statusOf(serviceId), 'suspended');
    const response = await service.rest(`/clients/${serviceId}/reconnect`, { method: 'POST', headers: operator, json: { reason: 'Pagó' } });
    assert.is(response.status, 200);
    assert.is(((await response.json()) as { status: string }).status, 'done');
    assert.is(await statusOf(serviceId), 'active');
    const audit = await adminAudit(serviceId);
    assert.equal(
      audit.map((entry) => [entry.action, entry.outcome, entry.keyName, entry.role]),
      [
        ['service.reconnect', 'confirmed', 'desk', 'operator'],
        ['service.suspend', 'confirmed', 'desk', 'operator'],
      ],
    );
  },
);

type AuditEntry = { action: string; outcome: string; keyName: string; role: string; requestId: string; detail: string | null };

async function statusOf(serviceId: number): Promise<string> {
  return fullView(await service.operator.clients.byServiceId.query({ serviceId })).status;
}

async function adminAudit(serviceId: number, headers: Record<string, string> = { 'x-api-key': ADMIN_KEY }): Promise<AuditEntry[]> {
  const response = await fetch(`${service.url}/admin/audit?serviceId=${serviceId}`, { headers });
  assert.is(response.status, 200);
  return ((await response.json()) as { entries: AuditEntry[] }).entries;
}

collections('the audit trail: every money action with key, role and request id; admin keys only; bad queries are 400', async () => {
  const { serviceId } = debtor();
  const token = await service.verify(serviceId);
  const [invoice] = (await invoicesOf(serviceId, token)).invoices;
  const response = await postReport(
    serviceId,
    invoice!.id,
    receiptForm({ method: String(methodId()), reference: `AUDIT-${serviceId}`, paidAt: new Date().toISOString() }, PNG),
    { 'x-verification-token': token, 'x-request-id': 'req-audit-1' },
  );
  assert.is(response.status, 201);
  const [entry] = await adminAudit(serviceId);
  assert.equal(
    { action: entry!.action, outcome: entry!.outcome, keyName: entry!.keyName, role: entry!.role, requestId: entry!.requestId },
    { action: 'payment.report', outcome: 'confirmed', keyName: 'bot:test', role: 'bot', requestId: 'req-audit-1' },
  );
  const bot = await fetch(`${service.url}/admin/audit`, { headers: { 'x-api-key': BOT_KEY } });
  assert.is(bot.status, 403);
  const bad = await fetch(`${service.url}/admin/audit?since=yesterday`, { headers: { 'x-api-key': ADMIN_KEY } });
  assert.is(bad.status, 400);
  const future = await fetch(`${service.url}/admin/audit?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`, {
    headers: { 'x-api-key': ADMIN_KEY },
  });
  assert.equal(((await future.json()) as { entries: unknown[] }).entries, []);
});

collections('a report whose answer is lost: 202 unconfirmed, the receipt kept beside the trail, the entry unknown', async () => {
  const { serviceId } = debtor();
  const token = await service.verify(serviceId);
  const [invoice] = (await invoicesOf(serviceId, token)).invoices;
  service.sim.setFaults({ commitThenReset: true, method: 'POST', pathPrefix: '/api/facturas/reportar-pago/' });
  try {
    const response = await postReport(
      serviceId,
      invoice!.id,
      receiptForm({ method: String(methodId()), reference: `RESET-${serviceId}`, paidAt: new Date().toISOString() }, PNG),
      { 'x-verification-token': token },
    );
    assert.is(response.status, 202);
    const body = (await response.json()) as { status: string; message: string };
    assert.is(body.status, 'unconfirmed');
    assert.match(body.message, /no es necesario enviarlo de nuevo/);
  } finally {
    service.sim.resetFaults();
  }
  const entries = (await service.services.audit.list({ serviceId })).filter((entry) => entry.action === 'payment.report');
  assert.is(entries[0]!.outcome, 'unknown');
  assert.ok(entries[0]!.receiptFile);
  assert.equal(readFileSync(entries[0]!.receiptFile!), PNG, 'the receipt is kept until staff confirm it');
  // Staff download it through the admin endpoint; nobody else.
  const kept = await fetch(`${service.url}/admin/audit/${entries[0]!.id}/receipt`, { headers: { 'x-api-key': ADMIN_KEY } });
  assert.is(kept.status, 200);
  assert.is(kept.headers.get('content-type'), 'image/png');
  assert.equal(Buffer.from(await kept.arrayBuffer()), PNG);
  assert.is((await fetch(`${service.url}/admin/audit/${entries[0]!.id}/receipt`, { headers: operator })).status, 403);
});

collections(
  'a promise and a reconnection whose answers are lost are settled by reading upstream again: done once, never sent twice',
  async () => {
    const { serviceId } = debtor();
    const token = await service.verify(serviceId);
    const [invoice] = (await invoicesOf(serviceId, token)).invoices;
    service.sim.setFaults({ commitThenStallMs: 3000, method: 'POST', pathPrefix: '/api/promesa-pago/' });
    try {
      const agreed = await service.clientWith(token).promises.create.mutate({ serviceId, invoiceId: invoice!.id, until: localDay(2) });
      assert.is(agreed.status, 'agreed');
      assert.is(agreed.reconciled, true);
    } finally {
      service.sim.resetFaults();
    }
    assert.is(service.sim.billing.promises.filter((promise) => promise.serviceId === serviceId).length, 1);

    await service.operator.service.suspend.mutate({ serviceId, reason: 'mora' });
    service.sim.resetCalls();
    service.sim.setFaults({ commitThenReset: true, method: 'POST', pathPrefix: '/api/clientes/activar/' });
    try {
      const reconnected = await service.operator.service.reconnect.mutate({ serviceId, reason: 'pagó' });
      assert.equal({ status: reconnected.status, reconciled: reconnected.reconciled }, { status: 'done', reconciled: true });
    } finally {
      service.sim.resetFaults();
    }
    assert.is(service.sim.calls('POST /api/clientes/activar/'), 1);
    const audit = await adminAudit(serviceId);
    assert.ok(audit.filter((entry) => entry.action !== 'payment.report').every((entry) => entry.outcome === 'confirmed'));
  },
);

collections.run();
