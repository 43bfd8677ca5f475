/**
 * On WhatsApp the sender's number is the possession fact (from the signed request, never from the
 * model) and a photo the customer sends reaches payments.report as the receipt, end to end to the
 * WispHub simulator, on both channels; the model only ever names the file by its id.
 */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pngFile } from '../support/files';
import { llmSimOf } from '../support/llm';
import { BOT_KEY, startTestService, type TestService } from '../support/service';
import { claimRecord, simClient } from '../support/sim-data';

const receipts = suite('channels: the sender’s number verifies, a sent photo is the receipt');
let service: TestService;
const text = (words: string) => ({ kind: 'text' as const, text: words, truncated: false });
const tool = (name: string, args: Record<string, unknown>) => ({ kind: 'tool' as const, name, args });

receipts.before(async () => {
  service = await startTestService({ CHANNEL_API_KEY: BOT_KEY });
});
receipts.after(async () => {
  await service?.stop();
});

/** A customer who owes, with one mobile number on record, as WhatsApp would show it. */
function debtorWithMobile() {
  const raw = claimRecord(
    service.sim.data.clients,
    (client) =>
      simClient.owes(client, 15_000) &&
      simClient.isActive(client) &&
      typeof client.telefono === 'string' &&
      /^3\d{9}$/.test(client.telefono),
  );
  return { raw, serviceId: simClient.serviceId(raw), mobile: String(raw.telefono), name: String(raw.nombre) };
}

async function firstInvoice(serviceId: number): Promise<string> {
  const response = await service.staff(`/clients/${serviceId}/invoices`);
  const body = (await response.json()) as { invoices: { id: string }[] };
  return body.invoices[0]!.id;
}

receipts('Twilio: verified by number and name alone; "ya pagué" with a photo reports the payment with that photo', async () => {
  const customer = debtorWithMobile();
  const from = `whatsapp:+57${customer.mobile}`;
  const twilio = service.twilioSimulator!;
  const webhook = `${service.url}/channels/twilio/whatsapp`;
  const model = llmSimOf(service);
  model.script([text('Hola.'), text('Gracias por aceptar.')]);
  await twilio.deliver(webhook, { from, body: 'hola' });
  await twilio.deliver(webhook, { from, body: 'ACEPTO' });

  model.resetReceived();
  model.script([tool('clients_verify', { serviceId: customer.serviceId, name: customer.name }), text('Listo, verificado.')]);
  const verified = await twilio.deliver(webhook, { from, body: `Soy ${customer.name}, servicio ${customer.serviceId}` });
  assert.match(verified.body, /Listo, verificado/);
  const toolResult = JSON.stringify(model.received()[1]!.body);
  assert.match(toolResult, /isValid\\?":true/, 'the number from the signed request was the possession fact');
  assert.not.ok(JSON.stringify(model.received()).includes(customer.mobile), 'the model never saw the number');

  const invoiceId = await firstInvoice(customer.serviceId);
  const photo = pngFile(400);
  const url = twilio.media(photo, 'image/png');
  model.resetReceived();
  model.script([
    tool('payments_report', {
      serviceId: customer.serviceId,
      invoiceId,
      method: Number(service.sim.data.paymentMethods[0]!.id),
      reference: 'NEQUI-WA-7781',
      paidAt: '2026-12-04T10:15:00-05:00',
      receipt: 'adjunto-1',
    }),
    text('Recibí su comprobante y reporté el pago; el equipo lo confirmará.'),
  ]);
  const reported = await twilio.deliver(webhook, {
    from,
    body: 'ya pagué, le envío el comprobante',
    media: [{ url, contentType: 'image/png' }],
  });
  assert.match(reported.body, /reporté el pago/);
  const stored = service.sim.billing.reports.at(-1)!;
  assert.is(stored.reference, 'NEQUI-WA-7781');
  assert.is(stored.invoiceId, Number(invoiceId));
  assert.equal(stored.file, { name: 'comprobante-adjunto-1.png', type: 'image/png', size: photo.length });
  const shown = JSON.stringify(model.received().map((call) => call.body));
  assert.match(shown, /\[adjunto-1: image\/png\]/, 'the model is told a file came, by its id');
  assert.not.ok(shown.includes(photo.subarray(0, 24).toString('base64')), 'its bytes never reach the model');
});

receipts('a number not on record verifies nobody; a receipt id the customer never sent is refused', async () => {
  const customer = debtorWithMobile();
  const twilio = service.twilioSimulator!;
  const webhook = `${service.url}/channels/twilio/whatsapp`;
  const from = 'whatsapp:+573219990000';
  const model = llmSimOf(service);
  model.script([text('Hola.'), text('Gracias.')]);
  await twilio.deliver(webhook, { from, body: 'hola' });
  await twilio.deliver(webhook, { from, body: 'acepto' });
  model.resetReceived();
  model.script([tool('clients_verify', { serviceId: customer.serviceId, name: customer.name }), text('No coincide.')]);
  await twilio.deliver(webhook, { from, body: `Soy ${customer.name}` });
  assert.match(JSON.stringify(model.received()[1]!.body), /isValid\\?":false/, 'someone else’s number is no possession fact');
  model.resetReceived();
  model.script([
    tool('payments_report', {
      serviceId: customer.serviceId,
      invoiceId: '1',
      method: 1,
      reference: 'X-1',
      paidAt: '2026-12-04T10:15:00-05:00',
      receipt: 'adjunto-7',
    }),
    text('No pude.'),
  ]);
  const reports = service.sim.billing.reports.length;
  await twilio.deliver(webhook, { from, body: 'reporte mi pago' });
  assert.match(JSON.stringify(model.received()[1]!.body), /attachment_missing/);
  assert.is(service.sim.billing.reports.length, reports);
});

receipts('Meta: a photo sent through the Cloud API reaches the same report path (Graph media lookup, then download)', async () => {
  const customer = debtorWithMobile();
  const meta = service.metaSimulator!;
  const from = `57${customer.mobile}`;
  const model = llmSimOf(service);
  model.script([
    text('Hola.'),
    text('Gracias.'),
    tool('clients_verify', { serviceId: customer.serviceId, name: customer.name }),
    text('Verificado.'),
  ]);
  const waitFor = async (count: number) => {
    for (let tries = 0; tries < 200 && meta.sent().filter((message) => message.to === from).length < count; tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
  };
  await meta.deliver({ from, body: 'hola' });
  await waitFor(1);
  await meta.deliver({ from, body: 'ACEPTO' });
  await waitFor(2);
  await meta.deliver({ from, body: `Soy ${customer.name}` });
  await waitFor(3);
  const invoiceId = await firstInvoice(customer.serviceId);
  const photo = pngFile(300);
  const mediaId = meta.media(photo, 'image/png');
  model.script([
    tool('payments_report', {
      serviceId: customer.serviceId,
      invoiceId,
      method: Number(service.sim.data.paymentMethods[0]!.id),
      reference: 'BANCOLOMBIA-META-99',
      paidAt: '2026-12-04T11:00:00-05:00',
      receipt: 'adjunto-1',
    }),
    text('Pago reportado.'),
  ]);
  await meta.deliver({ from, body: 'ya pagué', image: { id: mediaId, mimeType: 'image/png' } });
  await waitFor(4);
  const stored = service.sim.billing.reports.at(-1)!;
  assert.is(stored.reference, 'BANCOLOMBIA-META-99');
  assert.equal(stored.file, { name: 'comprobante-adjunto-1.png', type: 'image/png', size: photo.length });
});

receipts.run();
