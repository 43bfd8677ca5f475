import OpenAI from 'openai';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { llmSimOf, openAiFor } from '../support/llm';
import { serviceFor, startTestService } from '../support/service';

/**
 * Reliability under each provider fault the simulator plays: retries on what is retryable
 * (Retry-After honoured), fallbacks to the next model, a stream falling back only before its first
 * token, 503/504 in OpenAI's shape with every attempt listed, the breaker skipping a provider
 * that keeps failing.
 */

const fallbacks = suite('llm: retries and fallbacks under provider faults');
const service = serviceFor(fallbacks, {
  LLM_RETRY_BASE_MS: '5',
  LLM_TIMEOUT_MS: '400',
  LLM_FIRST_TOKEN_TIMEOUT_MS: '250',
  LLM_STREAM_IDLE_TIMEOUT_MS: '300',
  LLM_MAX_RETRY_AFTER_MS: '300',
  LLM_BREAKER_THRESHOLD: '1000',
  LLM_DEADLINE_MS: '2500',
});

const ask = (model: string, extra: Partial<OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming> = {}) =>
  openAiFor(service)
    .chat.completions.create({ model, messages: [{ role: 'user', content: 'No tengo internet desde ayer' }], ...extra })
    .withResponse();

fallbacks.before.each(() => {
  llmSimOf(service).resetFaults();
  llmSimOf(service).resetCalls();
});

fallbacks('a 429 with a short Retry-After is waited out at the same model', async () => {
  llmSimOf(service).setFaults([{ model: 'gpt-4o-mini', status: 429, retryAfterSeconds: 0, times: 1 }]);
  const { response } = await ask('gpt-4o-mini');
  assert.is(response.headers.get('x-wisphub-model'), 'gpt-4o-mini');
  assert.is(response.headers.get('x-wisphub-fallbacks'), 'openai/gpt-4o-mini:rate_limited');
  assert.is(llmSimOf(service).calls('openai gpt-4o-mini'), 2);
});

fallbacks('a 429 asking for longer than we wait moves on to the next model at once', async () => {
  llmSimOf(service).setFaults([{ model: 'gpt-4o-mini', status: 429, retryAfterSeconds: 30 }]);
  const { response } = await ask('gpt-4o-mini');
  assert.is.not(response.headers.get('x-wisphub-model'), 'gpt-4o-mini');
  assert.is(llmSimOf(service).calls('openai gpt-4o-mini'), 1, 'not retried');
  // The provider is cooling: the next request does not even try it.
  llmSimOf(service).resetCalls();
  const next = await ask('auto');
  assert.is(llmSimOf(service).calls('openai'), 0);
  assert.ok(next.response.headers.get('x-wisphub-provider') !== 'openai');
});

fallbacks('a 5xx is retried once, then the next model serves', async () => {
  llmSimOf(service).setFaults([{ model: 'claude-3-5-haiku-latest', status: 500 }]);
  const { data, response } = await ask('claude-3-5-haiku-latest');
  assert.is(llmSimOf(service).calls('anthropic claude-3-5-haiku-latest'), 2, 'one try and one retry');
  assert.is(
    response.headers.get('x-wisphub-fallbacks'),
    'anthropic/claude-3-5-haiku-latest:server_error, anthropic/claude-3-5-haiku-latest:server_error',
  );
  assert.is.not(response.headers.get('x-wisphub-model'), 'claude-3-5-haiku-latest');
  assert.ok(data.choices[0]!.message.content);
});

fallbacks('a provider that never answers times out and the next serves', async () => {
  llmSimOf(service).setFaults([{ model: 'gemini-2.0-flash', hangMs: 1500 }]);
  const { response } = await ask('gemini-2.0-flash');
  assert.match(response.headers.get('x-wisphub-fallbacks') ?? '', 'google/gemini-2.0-flash:timeout');
  assert.is.not(response.headers.get('x-wisphub-model'), 'gemini-2.0-flash');
});

fallbacks('a bad request is the caller’s to fix: no fallback, a 400', async () => {
  llmSimOf(service).setFaults([{ model: 'gpt-4o-mini', status: 400 }]);
  try {
    await ask('gpt-4o-mini');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, OpenAI.BadRequestError);
    assert.is((error as InstanceType<typeof OpenAI.BadRequestError>).code, 'provider_rejected_request');
  }
  assert.is(llmSimOf(service).calls(), 1);
});

fallbacks('every provider down: 503 in OpenAI shape, every attempt listed, Retry-After', async () => {
  llmSimOf(service).setFaults([{ status: 503 }]);
  const response = await fetch(`${service.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${openAiFor(service).apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hola' }] }),
  });
  assert.is(response.status, 503);
  assert.is(response.headers.get('retry-after'), '5');
  const body = (await response.json()) as {
    error: { type: string; code: string; details: { attempts: { model: string; outcome: string }[] } };
  };
  assert.is(body.error.code, 'provider_unavailable');
  assert.is(body.error.type, 'service_unavailable_error');
  assert.ok(body.error.details.attempts.length >= 4);
  assert.ok(body.error.details.attempts.every((attempt) => attempt.outcome === 'server_error'));
  assert.is(body.error.details.attempts[0]!.model, 'gpt-4o-mini');
});

fallbacks('every provider silent: 504', async () => {
  llmSimOf(service).setFaults([{ hangMs: 1500 }]);
  try {
    await ask('claude-opus-4-1');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, OpenAI.APIError);
    assert.is((error as InstanceType<typeof OpenAI.APIError>).status, 504);
    assert.is((error as InstanceType<typeof OpenAI.APIError>).code, 'provider_timeout');
  }
});

fallbacks('a stream whose first token is late falls back before anything reached the caller', async () => {
  llmSimOf(service).setFaults([{ model: 'gpt-4o-mini', firstTokenDelayMs: 1000 }]);
  const { data: stream, response } = await openAiFor(service)
    .chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hola que tal' }] })
    .withResponse();
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  assert.match(response.headers.get('x-wisphub-fallbacks') ?? '', 'openai/gpt-4o-mini:timeout');
  assert.match(text, 'Respuesta simulada de');
  assert.not.match(text, 'gpt-4o-mini');
});

fallbacks('a stream cut before its first token falls back; cut after it ends with an error event', async () => {
  llmSimOf(service).setFaults([{ model: 'gpt-4o-mini', cutAfterChunks: 1, times: 2 }]);
  const early = await openAiFor(service)
    .chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hola que tal' }] })
    .withResponse();
  for await (const _ of early.data) {
    // drained
  }
  assert.match(early.response.headers.get('x-wisphub-fallbacks') ?? '', 'stream_interrupted');
  llmSimOf(service).resetCalls();
  llmSimOf(service).setFaults([{ model: 'gpt-4o-mini', cutAfterChunks: 3 }]);
  const late = await openAiFor(service).chat.completions.create({
    model: 'gpt-4o-mini',
    stream: true,
    messages: [{ role: 'user', content: 'uno dos tres cuatro cinco seis' }],
  });
  let received = '';
  try {
    for await (const chunk of late) received += chunk.choices[0]?.delta?.content ?? '';
    assert.unreachable('the broken stream must end with an error');
  } catch (error) {
    assert.instance(error, OpenAI.APIError);
    assert.match(String((error as Error).message), 'interrumpió');
  }
  assert.ok(received.length > 0, 'the first tokens had reached the caller');
  assert.is(llmSimOf(service).calls('gpt-4o-mini'), 1, 'never restarted elsewhere after the first token');
});

fallbacks('without fallbacks a named model fails alone', async () => {
  const strict = await startTestService({ LLM_FALLBACKS: 'false', LLM_RETRIES: '0' });
  try {
    llmSimOf(strict).setFaults([{ model: 'gpt-4o-mini', status: 500 }]);
    const response = await fetch(`${strict.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${openAiFor(strict).apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hola' }] }),
    });
    assert.is(response.status, 503);
    assert.is(llmSimOf(strict).calls(), 1);
  } finally {
    await strict.stop();
  }
});

fallbacks('a provider that keeps failing opens its breaker: it is skipped until the cool-down', async () => {
  const guarded = await startTestService({ LLM_BREAKER_THRESHOLD: '2', LLM_BREAKER_COOLDOWN_MS: '60000', LLM_RETRIES: '0' });
  try {
    llmSimOf(guarded).setFaults([{ provider: 'anthropic', status: 500 }]);
    const call = () =>
      openAiFor(guarded)
        .chat.completions.create({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hola' }] })
        .withResponse();
    await call();
    await call();
    assert.is(guarded.services.llm.pool.breakerState('anthropic'), 'open');
    llmSimOf(guarded).resetCalls();
    const { response } = await call();
    assert.is(llmSimOf(guarded).calls('anthropic'), 0, 'an open breaker sends nothing');
    assert.match(response.headers.get('x-wisphub-fallbacks') ?? '', 'breaker_open');
  } finally {
    await guarded.stop();
  }
});

fallbacks.run();
