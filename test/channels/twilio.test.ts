/**
 * The WhatsApp channel through Twilio, end to end on the simulators: the embedded Twilio delivers
 * signed webhooks (its signature checked against the official `twilio` package), the agent answers
 * in TwiML or, when slower, through the Messages API with delivery callbacks; forged, unsigned and
 * replayed webhooks do nothing.
 */

import twilio from 'twilio';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { twilioSignature } from '../../server/twilio-simulator/server';
import { ADMIN_KEY, adminJson } from '../support/books-suite';
import { llmSimOf } from '../support/llm';
import { BOT_KEY, startTestService, type TestService } from '../support/service';

const channel = suite('channels: WhatsApp through Twilio');
let service: TestService;
let slow: TestService;
const text = (words: string) => ({ kind: 'text' as const, text: words, truncated: false });

channel.before(async () => {
  service = await startTestService({ ADMIN_API_KEYS: `root=${ADMIN_KEY}`, CHANNEL_API_KEY: BOT_KEY });
  slow = await startTestService({ CHANNEL_API_KEY: BOT_KEY, TWILIO_REPLY_WITHIN_MS: '0' });
});
channel.after(async () => {
  await service?.stop();
  await slow?.stop();
});

const webhookOf = (running: TestService) => `${running.url}/channels/twilio/whatsapp`;

channel('the simulator signs as Twilio does: the official validator accepts its signature', () => {
  const params = { Body: 'hola', From: 'whatsapp:+573001112233', MessageSid: 'SM0123456789abcdef' };
  const url = 'https://isp.example.co/channels/twilio/whatsapp';
  assert.ok(twilio.validateRequest('token-0123456789abcdef', twilioSignature('token-0123456789abcdef', url, params), url, params));
  assert.is(
    twilioSignature('token-0123456789abcdef', url, params),
    twilio.getExpectedTwilioSignature('token-0123456789abcdef', url, params),
  );
});

channel('a customer’s message is answered in the webhook’s TwiML; the end user is a digest of the number', async () => {
  const sim = llmSimOf(service);
  sim.script([text('¡Hola! ¿En qué le ayudo?')]);
  const delivered = await service.twilioSimulator!.deliver(webhookOf(service), { from: 'whatsapp:+573001112233', body: 'Hola buenas' });
  assert.is(delivered.status, 200);
  assert.match(delivered.body, /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>¡Hola! ¿En qué le ayudo\?/);
  assert.match(delivered.body, /Ley 1581/, 'a new person is asked for consent first');
  const rows = await adminJson<{ requests: { endUser: string | null; modelRequested: string }[] }>(
    service,
    'GET',
    '/admin/llm/usage/requests?limit=5',
  );
  const turn = rows.requests.find((row) => row.modelRequested === 'wisphub-agent')!;
  assert.ok(turn.endUser && !turn.endUser.includes('3001112233'), 'the number is never stored');
});

channel('a webhook Twilio retries (same MessageSid) is answered once', async () => {
  const sim = llmSimOf(service);
  sim.resetReceived();
  sim.script([text('Primera respuesta.'), text('No debería usarse.')]);
  const first = await service.twilioSimulator!.deliver(webhookOf(service), {
    from: 'whatsapp:+573009998877',
    body: 'hola',
    messageSid: 'SMretry0000000000000001',
  });
  const again = await service.twilioSimulator!.deliver(webhookOf(service), {
    from: 'whatsapp:+573009998877',
    body: 'hola',
    messageSid: 'SMretry0000000000000001',
  });
  assert.match(first.body, /Primera respuesta/);
  assert.is(again.status, 200);
  assert.is(again.body, '<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  assert.is(sim.received().length, 1, 'the model was asked once');
  sim.resetReceived();
});

channel('unsigned, forged, tampered or wrongly typed webhooks are refused before anything runs', async () => {
  const url = webhookOf(service);
  const params = { MessageSid: 'SMforged00000000000000001', From: 'whatsapp:+573001234567', Body: 'dame los datos de todos' };
  const post = (headers: Record<string, string>, body: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
  const calls = llmSimOf(service).calls();
  assert.is((await post({}, new URLSearchParams(params).toString())).status, 403, 'unsigned');
  assert.is(
    (await post({ 'x-twilio-signature': twilioSignature('not-the-token', url, params) }, new URLSearchParams(params).toString())).status,
    403,
    'signed with another token',
  );
  const signed = twilioSignature(service.twilioSimulator!.authToken, url, params);
  assert.is(
    (await post({ 'x-twilio-signature': signed }, new URLSearchParams({ ...params, Body: 'otra cosa' }).toString())).status,
    403,
    'tampered',
  );
  const json = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-twilio-signature': signed },
    body: JSON.stringify(params),
  });
  assert.is(json.status, 415);
  assert.is((await fetch(url)).status, 405);
  assert.is(llmSimOf(service).calls(), calls, 'no model call for any of them');
});

channel(
  'a turn longer than TWILIO_REPLY_WITHIN_MS is answered at once and replied through the Messages API, with delivery callbacks',
  async () => {
    llmSimOf(slow).script([text('Le respondo por aquí.')]);
    const delivered = await slow.twilioSimulator!.deliver(webhookOf(slow), { from: 'whatsapp:+573005556677', body: 'hola' });
    assert.is(delivered.body, '<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    let sent = slow.twilioSimulator!.sent();
    for (let tries = 0; sent.length === 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      sent = slow.twilioSimulator!.sent();
    }
    assert.is(sent.length, 1);
    assert.is(sent[0]!.to, 'whatsapp:+573005556677');
    assert.match(sent[0]!.body, /Le respondo por aquí/);
    assert.is(sent[0]!.statusCallback, `${slow.url}/channels/twilio/status`);
    let metrics = '';
    for (let tries = 0; !metrics.includes('status_delivered') && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      metrics = slow.metrics.registry ? await slow.metrics.registry.metrics() : '';
    }
    assert.match(metrics, /wisphub_channel_messages_total\{channel="twilio",event="replied_later"\} 1/);
    assert.match(metrics, /wisphub_channel_messages_total\{channel="twilio",event="status_delivered"\} 1/);
  },
);

channel.run();
