import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { normalisedRequest } from '../../server/llm/response-cache';
import { llmSimOf, openAiFor } from '../support/llm';
import { OPERATOR_KEY, serviceFor } from '../support/service';

/**
 * The response cache: deterministic requests (temperature 0, or X-WispHub-Cache: force) answered
 * again without a provider call, replayed as streams when streamed; never across keys; off on
 * request; a nondeterministic request never cached.
 */

const cache = suite('llm: the response cache');
const service = serviceFor(cache);
const messages = [{ role: 'user' as const, content: '¿Cuáles son los medios de pago?' }];

cache.before.each(() => {
  llmSimOf(service).resetCalls();
  llmSimOf(service).resetFaults();
});

cache('temperature 0: the second ask is a hit, same answer, no provider call, no cost', async () => {
  const client = openAiFor(service);
  const first = await client.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages }).withResponse();
  const second = await client.chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages }).withResponse();
  assert.is(first.response.headers.get('x-wisphub-cache'), 'miss');
  assert.is(second.response.headers.get('x-wisphub-cache'), 'hit');
  assert.equal(second.data, first.data);
  assert.is(second.response.headers.get('x-wisphub-cost-usd'), '0.00000000');
  assert.is(llmSimOf(service).calls(), 1);
});

cache('a hit replays as a stream when streamed, usage included when asked', async () => {
  const client = openAiFor(service);
  const ask = {
    model: 'claude-3-5-haiku-latest',
    temperature: 0,
    messages: [{ role: 'user' as const, content: 'hola, ¿cuál es el horario?' }],
  };
  const whole = await client.chat.completions.create(ask);
  const stream = await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } }).withResponse();
  let text = '';
  let usage: unknown = null;
  for await (const chunk of stream.data) {
    text += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.is(stream.response.headers.get('x-wisphub-cache'), 'hit');
  assert.is(text, whole.choices[0]!.message.content);
  assert.equal(usage, whole.usage);
  assert.is(llmSimOf(service).calls(), 1);
});

cache('a streamed answer fills the cache for a later whole ask', async () => {
  const client = openAiFor(service);
  const ask = {
    model: 'gemini-2.0-flash',
    temperature: 0,
    tools: undefined,
    messages: [{ role: 'user' as const, content: 'dime la dirección de la oficina' }],
  };
  let text = '';
  for await (const chunk of await client.chat.completions.create({ ...ask, stream: true })) text += chunk.choices[0]?.delta?.content ?? '';
  const again = await client.chat.completions.create(ask).withResponse();
  assert.is(again.response.headers.get('x-wisphub-cache'), 'hit');
  assert.is(again.data.choices[0]!.message.content, text);
  assert.is(llmSimOf(service).calls(), 1);
});

cache('never across keys: another key asking the same misses', async () => {
  await openAiFor(service).chat.completions.create({
    model: 'gpt-4o-mini',
    temperature: 0,
    messages: [{ role: 'user', content: 'mi clave es secreta' }],
  });
  const other = await openAiFor(service, OPERATOR_KEY)
    .chat.completions.create({ model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'mi clave es secreta' }] })
    .withResponse();
  assert.is(other.response.headers.get('x-wisphub-cache'), 'miss');
  assert.is(llmSimOf(service).calls(), 2);
});

cache('a sampled request is not cached unless forced; off skips a deterministic one', async () => {
  const ask = { model: 'gpt-4o-mini', temperature: 0.7, messages: [{ role: 'user' as const, content: 'cuéntame un chiste' }] };
  const sampled = await openAiFor(service).chat.completions.create(ask).withResponse();
  assert.is(sampled.response.headers.get('x-wisphub-cache'), 'bypass');
  const forced = openAiFor(service, undefined, { 'x-wisphub-cache': 'force' });
  await forced.chat.completions.create(ask);
  const hit = await forced.chat.completions.create(ask).withResponse();
  assert.is(hit.response.headers.get('x-wisphub-cache'), 'hit');
  const off = openAiFor(service, undefined, { 'x-wisphub-cache': 'off' });
  const skipped = await off.chat.completions.create({ ...ask, temperature: 0 }).withResponse();
  assert.is(skipped.response.headers.get('x-wisphub-cache'), 'bypass');
  const bad = await fetch(`${service.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${openAiFor(service).apiKey}`, 'content-type': 'application/json', 'x-wisphub-cache': 'siempre' },
    body: JSON.stringify(ask),
  });
  assert.is(bad.status, 400);
});

cache('the cache key ignores stream and user, and sees everything that changes the answer', () => {
  const base = { model: 'gpt-4o-mini', temperature: 0, messages };
  assert.is(normalisedRequest({ ...base, stream: true, user: 'a' }), normalisedRequest(base));
  assert.is.not(normalisedRequest({ ...base, max_tokens: 5 }), normalisedRequest(base));
  assert.is.not(normalisedRequest({ ...base, model: 'auto' }), normalisedRequest(base));
  assert.is.not(normalisedRequest({ ...base, response_format: { type: 'json_object' } }), normalisedRequest(base));
});

cache.run();
