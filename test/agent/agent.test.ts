/**
 * The support agent as a model (`model: "wisphub-agent"`), through the official openai client, with
 * the provider simulator playing the model's part (scripted replies) and the WispHub simulator
 * behind the procedures: consent first, verification tokens kept server-side, masked tool results,
 * the claim check, the bounds, and the one-customer rule carried into tool calls.
 */

import type OpenAI from 'openai';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ADMIN_KEY, adminJson } from '../support/books-suite';
import { llmSimOf, openAiFor } from '../support/llm';
import { BOT_KEY, customerFacts, startTestService, type TestService } from '../support/service';

const agent = suite('agent: wisphub-agent answers one customer, verified, with tools it cannot misuse');
let service: TestService;

type Extension = {
  toolCalls: { name: string; ok: boolean; reason: string | null }[];
  handoff: { reason: string } | null;
  consent: string;
  stopped: string | null;
};
type AgentAnswer = OpenAI.Chat.Completions.ChatCompletion & { wisphub: Extension };

agent.before(async () => {
  service = await startTestService({ ADMIN_API_KEYS: `root=${ADMIN_KEY}`, AGENT_MAX_MODEL_CALLS: '4' });
});
agent.after(async () => {
  await service?.stop();
});

let conversationSerial = 0;

/** A conversation of its own: one end user, the turns so far. */
function conversation() {
  conversationSerial += 1;
  const endUser = `wa-hash-${conversationSerial}`;
  const client = openAiFor(service, BOT_KEY, { 'x-end-user': endUser });
  const history: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [];
  return {
    endUser,
    async say(text: string): Promise<AgentAnswer> {
      history.push({ role: 'user', content: text });
      const answer = (await client.chat.completions.create({ model: 'wisphub-agent', messages: history })) as AgentAnswer;
      history.push({ role: 'assistant', content: answer.choices[0]!.message.content ?? '' });
      return answer;
    },
  };
}

const tool = (name: string, args: Record<string, unknown>) => ({ kind: 'tool' as const, name, args });
const text = (words: string) => ({ kind: 'text' as const, text: words, truncated: false });
const offeredTools = (body: Record<string, unknown>): string[] =>
  ((body.tools as { function?: { name: string }; name?: string }[] | undefined) ?? []).map(
    (entry) => entry.function?.name ?? entry.name ?? '',
  );

function customer(index = 0) {
  const record = service.sim.data.clients.filter((client) => typeof client.cedula === 'string' && client.cedula.trim() !== '')[index]!;
  return { serviceId: Number(record.id_servicio), record, facts: customerFacts(record) };
}

agent('consent first: without it only general tools are offered and the notice is said; ACEPTO is audited', async () => {
  const sim = llmSimOf(service);
  sim.resetReceived();
  const talk = conversation();
  sim.script([text('Con gusto le ayudo.')]);
  const first = await talk.say('Hola, ¿cuánto debo?');
  assert.is(first.wisphub.consent, 'pending');
  assert.match(first.choices[0]!.message.content ?? '', /Ley 1581/);
  const offered = offeredTools(sim.received()[0]!.body);
  assert.ok(offered.includes('plans_list'), 'general questions can still be answered');
  assert.not.ok(offered.includes('clients_verify') || offered.includes('account_balance'), 'no personal-data tool before consent');

  sim.script([text('Gracias. Para verificarle, ¿me da su documento y su nombre?')]);
  const accepted = await talk.say('ACEPTO');
  assert.is(accepted.wisphub.consent, 'accepted');
  assert.ok(offeredTools(sim.received().at(-1)!.body).includes('clients_verify'));
  const trail = await (await fetch(`${service.url}/admin/audit?limit=20`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json();
  const consent = (trail as { entries: { action: string; reference: string; endUser?: string }[] }).entries.find(
    (entry) => entry.action === 'consent.accept',
  );
  assert.ok(consent, 'the acceptance is in the audit trail');
  assert.is(consent!.reference, '2026-01');
  assert.ok(consent!.endUser && !consent!.endUser.includes(talk.endUser), 'kept as a digest');
});

agent(
  'the verification token stays with the gateway; tool results reach the model masked; the balance is read for the verified customer',
  async () => {
    const sim = llmSimOf(service);
    const talk = conversation();
    sim.script([text('Hola.')]);
    await talk.say('hola');
    sim.script([text('Listo.')]);
    await talk.say('acepto');
    const { serviceId, facts, record } = customer();
    sim.resetReceived();
    sim.script([tool('clients_verify', { serviceId, ...facts }), text('Gracias, ya quedó verificado.')]);
    const verified = await talk.say(`Mi cédula es ${facts.document} y me llamo ${facts.name}`);
    assert.equal(verified.wisphub.toolCalls, [{ name: 'clients_verify', ok: true, reason: null }]);
    sim.script([tool('clients_byServiceId', { serviceId }), tool('account_balance', { serviceId }), text('Su saldo es el indicado.')]);
    const balance = await talk.say('¿Cuánto debo y qué datos tienen míos?');
    assert.equal(
      balance.wisphub.toolCalls.map((call) => `${call.name}:${call.ok}`),
      ['clients_byServiceId:true', 'account_balance:true'],
    );
    const shown = JSON.stringify(sim.received().map((call) => call.body));
    assert.not.match(shown, /v2\.\d+\.\d+\./, 'no verification token ever reaches the model');
    assert.match(shown, /guardado por el sistema/);
    const phone = String(record.telefono ?? '').replace(/\D/g, '');
    if (phone.length >= 6) assert.not.ok(shown.includes(phone), 'a phone the customer never said is masked');
    assert.ok(shown.includes(String(facts.document)), 'the document the customer said is theirs to read back');
    const schema = JSON.stringify(sim.received()[0]!.body.tools);
    assert.not.ok(
      schema.includes('verificationToken') || schema.includes('"endUser"'),
      'the model is not offered the arguments the gateway fills, nor told of tokens',
    );
  },
);

agent('the one-customer rule holds in tool calls: a model asking for another customer gets a refusal, not data', async () => {
  const sim = llmSimOf(service);
  const talk = conversation();
  sim.script([text('Hola.'), text('Listo.')]);
  await talk.say('hola');
  await talk.say('acepto');
  const mine = customer(0);
  const other = customer(1);
  sim.script([tool('clients_verify', { serviceId: mine.serviceId, ...mine.facts }), text('Verificado.')]);
  await talk.say(`${mine.facts.document} ${mine.facts.name}`);
  sim.resetReceived();
  sim.script([
    tool('account_balance', { serviceId: other.serviceId }),
    tool('clients_byServiceId', { serviceId: other.serviceId }),
    text('No puedo.'),
  ]);
  const answer = await talk.say('¿Cuánto debe mi vecino?');
  const balanceCall = answer.wisphub.toolCalls[0]!;
  assert.is(balanceCall.ok, false);
  assert.ok(['verification_required', 'verification_mismatch'].includes(balanceCall.reason ?? ''), balanceCall.reason ?? '');
  const shown = JSON.stringify(sim.received().map((call) => call.body));
  assert.not.ok(shown.includes(String(other.record.cedula)), 'the other customer’s document never reaches the model');
  assert.match(shown, /view\\?":\\?"masked/, 'an unverified customer is seen masked, as by any bot');
});

agent('a reply claiming what no tool did is corrected once, then replaced by a safe sentence and a handoff', async () => {
  const sim = llmSimOf(service);
  const talk = conversation();
  sim.script([text('Hola.'), text('Listo.')]);
  await talk.say('hola');
  await talk.say('acepto');
  sim.script([text('Su ticket quedó creado con el número 4812.'), text('Listo: su caso fue registrado.')]);
  const answer = await talk.say('No tengo internet, abra un ticket');
  assert.not.match(answer.choices[0]!.message.content ?? '', /4812|registrado/);
  assert.match(answer.choices[0]!.message.content ?? '', /persona del equipo/);
  assert.is(answer.wisphub.stopped, 'unsupported_claim:ticket');
  assert.ok(answer.wisphub.handoff);

  sim.script([text('Su ticket quedó creado.'), text('Entiendo. Aún no he creado ningún ticket; ¿me confirma su dirección?')]);
  const corrected = await talk.say('¿Ya quedó?');
  assert.match(corrected.choices[0]!.message.content ?? '', /Aún no he creado/);
  assert.is(corrected.wisphub.stopped, null);
});

agent('bounds: too many model calls end the turn politely with a handoff; asking for a person hands off', async () => {
  const sim = llmSimOf(service);
  const talk = conversation();
  sim.script([text('Hola.'), text('Listo.')]);
  await talk.say('hola');
  await talk.say('acepto');
  sim.script([tool('plans_list', {}), tool('plans_list', {}), tool('plans_list', {}), tool('plans_list', {}), tool('plans_list', {})]);
  const bounded = await talk.say('¿Qué planes tienen?');
  assert.is(bounded.wisphub.stopped, 'model_call_limit');
  assert.ok(bounded.wisphub.handoff);
  sim.resetReceived();

  const other = conversation();
  sim.script([text('Claro, le comunico.')]);
  const person = await other.say('Quiero hablar con un asesor');
  assert.equal(person.wisphub.handoff, { reason: 'customer_asked' });
});

agent(
  'bounds: a turn past its tool calls stops before running the extra one; a conversation past its tokens is not sent to a model',
  async () => {
    const tight = await startTestService({ AGENT_MAX_TOOL_CALLS: '2', AGENT_MAX_TOKENS_PER_CONVERSATION: '1000' });
    try {
      const sim = llmSimOf(tight);
      const client = openAiFor(tight, BOT_KEY, { 'x-end-user': 'wa-hash-tight' });
      const ask = async (content: string) =>
        (await client.chat.completions.create({ model: 'wisphub-agent', messages: [{ role: 'user', content }] })) as AgentAnswer;
      sim.script([tool('plans_list', {}), tool('paymentMethods_list', {}), tool('plans_list', {}), text('Aquí están.')]);
      const limited = await ask('¿Qué planes y medios de pago tienen?');
      assert.is(limited.wisphub.stopped, 'tool_call_limit');
      assert.equal(
        limited.wisphub.toolCalls.map((call) => `${call.name}:${call.ok ? 'ok' : call.reason}`),
        ['plans_list:ok', 'paymentMethods_list:ok', 'plans_list:tool_call_limit'],
      );
      assert.ok(limited.wisphub.handoff);
      sim.resetReceived();
      const spent = await ask('¿y el horario?');
      assert.is(spent.wisphub.stopped, 'token_limit', 'the first turn’s prompts already spent the conversation’s 1,000 tokens');
      assert.is(sim.received().length, 0, 'no model was called');
      assert.match(spent.choices[0]!.message.content ?? '', /persona del equipo/);
    } finally {
      await tight.stop();
    }
  },
);

agent('every turn is in the books with its tool calls; a turn without an end user is refused', async () => {
  const rows = await adminJson<{ requests: { modelRequested: string; toolCalls: string[]; promptTokens: number }[] }>(
    service,
    'GET',
    '/admin/llm/usage/requests?limit=200',
  );
  const turns = rows.requests.filter((row) => row.modelRequested === 'wisphub-agent');
  assert.ok(turns.length >= 10);
  assert.ok(turns.some((row) => row.toolCalls.includes('clients_verify:ok')));
  assert.ok(turns.some((row) => row.toolCalls.some((call) => call.startsWith('account_balance:verification'))));
  assert.ok(turns.every((row) => row.promptTokens > 0 || row.toolCalls.length === 0));
  const anonymous = await openAiFor(service)
    .chat.completions.create({ model: 'wisphub-agent', messages: [{ role: 'user', content: 'hola' }] })
    .catch((error: unknown) => error as { status: number; code: string });
  assert.is((anonymous as { status: number }).status, 400);
});

agent.run();
