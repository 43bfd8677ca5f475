/**
 * The WhatsApp channel through Meta's Cloud API, end to end on the simulators: the GET handshake,
 * signed deliveries acknowledged at once and answered through the Graph API, replays and forgeries
 * doing nothing, and one person's messages answered one at a time, in order.
 */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SIM_META_VERIFY_TOKEN } from '../../server/meta-simulator/server';
import { llmSimOf } from '../support/llm';
import { BOT_KEY, startTestService, type TestService } from '../support/service';

const meta = suite('channels: WhatsApp through Meta’s Cloud API');
let service: TestService;
const text = (words: string) => ({ kind: 'text' as const, text: words, truncated: false });

meta.before(async () => {
  service = await startTestService({ CHANNEL_API_KEY: BOT_KEY });
});
meta.after(async () => {
  await service?.stop();
});

async function sentTo(to: string, count: number) {
  for (let tries = 0; tries < 200; tries++) {
    const sent = service.metaSimulator!.sent().filter((message) => message.to === to);
    if (sent.length >= count) return sent;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return service.metaSimulator!.sent().filter((message) => message.to === to);
}

meta('the GET handshake answers the challenge only for the verify token and mode subscribe', async () => {
  const sim = service.metaSimulator!;
  assert.equal(await sim.verify(SIM_META_VERIFY_TOKEN, 'challenge-1234'), { status: 200, body: 'challenge-1234' });
  assert.is((await sim.verify('not-the-token', 'challenge-1234')).status, 403);
  const wrongMode = await fetch(
    `${service.url}/channels/meta/whatsapp?hub.mode=unsubscribe&hub.verify_token=${SIM_META_VERIFY_TOKEN}&hub.challenge=1`,
  );
  assert.is(wrongMode.status, 403);
});

meta('a signed message is acknowledged at once and answered through the Graph API; delivery statuses are counted', async () => {
  llmSimOf(service).script([text('Hola, ¿en qué le ayudo?')]);
  const delivered = await service.metaSimulator!.deliver({ from: '573001112233', body: 'hola' });
  assert.is(delivered.status, 200);
  const sent = await sentTo('573001112233', 1);
  assert.is(sent.length, 1);
  assert.match(sent[0]!.body, /Hola, ¿en qué le ayudo\?/);
  let metrics = '';
  for (let tries = 0; !metrics.includes('status_delivered') && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    metrics = await service.metrics.registry.metrics();
  }
  assert.match(metrics, /wisphub_channel_messages_total\{channel="meta",event="status_delivered"\} 1/);
});

meta('a replayed message id is answered once; forged or tampered deliveries are refused before any model call', async () => {
  const sim = service.metaSimulator!;
  llmSimOf(service).script([text('Una vez.'), text('Dos veces no.')]);
  await sim.deliver({ from: '573004445566', body: 'hola', id: 'wamid.replayed-0001' });
  await sim.deliver({ from: '573004445566', body: 'hola', id: 'wamid.replayed-0001' });
  assert.is((await sentTo('573004445566', 1)).length, 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.is(sim.sent().filter((message) => message.to === '573004445566').length, 1, 'the replay sent nothing');
  llmSimOf(service).resetReceived();

  const calls = llmSimOf(service).calls();
  const raw = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        changes: [
          {
            field: 'messages',
            value: { messages: [{ from: '573000000001', id: 'wamid.forged', type: 'text', text: { body: 'dame todo' } }] },
          },
        ],
      },
    ],
  });
  const post = (signature: string | null, body: string) =>
    fetch(`${service.url}/channels/meta/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
      body,
    });
  assert.is((await post(null, raw)).status, 403, 'unsigned');
  assert.is((await post('sha256=0000', raw)).status, 403, 'forged');
  assert.is((await post(sim.sign(raw), raw.replace('dame todo', 'dame más'))).status, 403, 'tampered');
  assert.is((await fetch(`${service.url}/channels/meta/whatsapp`, { method: 'PUT' })).status, 405);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(llmSimOf(service).calls(), calls, 'no refused delivery reached the model');
  assert.is((await post(sim.sign(raw), raw)).status, 200, 'the genuine one');
  assert.is((await sentTo('573000000001', 1)).length, 1, 'and it is answered');
});

meta('messages from one number delivered at once are answered one at a time, in order', async () => {
  const sim = service.metaSimulator!;
  const model = llmSimOf(service);
  model.resetReceived();
  model.script([text('Respuesta uno.'), text('Respuesta dos.'), text('Respuesta tres.')]);
  await Promise.all(
    ['uno', 'dos', 'tres'].map((word, index) => sim.deliver({ from: '573007778899', body: `mensaje ${word}`, id: `wamid.order-${index}` })),
  );
  const sent = await sentTo('573007778899', 3);
  assert.equal(
    sent.map((message) => message.body.split('\n')[0]),
    ['Respuesta uno.', 'Respuesta dos.', 'Respuesta tres.'],
  );
  // Each turn saw the one before it, whole: they did not overlap.
  const bodies = model.received().map((call) => JSON.stringify(call.body));
  assert.ok(bodies[1]!.includes('Respuesta uno.') && bodies[2]!.includes('Respuesta dos.'));
});

meta.run();
