import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChatChunk, ChatRequest } from '../../server/llm/chat';
import { DEFAULT_MAX_TOKENS, fromAnthropicEvents } from '../../server/llm/providers/anthropic/chat';
import { geminiSchema } from '../../server/llm/providers/google/chat';
import { PROVIDER_ADAPTERS } from '../../server/llm/providers/index';
import { ProviderError, type ProviderTarget } from '../../server/llm/providers/types';
import { type LlmSimulator, startLlmSimulator } from '../../server/llm-simulator/server';
import { LOOKUP_TOOL } from '../support/llm';

/**
 * Each provider's translation, both ways, against the provider simulator (an independent reading
 * of the providers' API references): what the adapter sends (the simulator keeps the last body
 * and headers) and what it makes of the answers, streamed and whole.
 */

const providers = suite('llm: provider adapters translate both ways');
let sim: LlmSimulator;
providers.before(async () => {
  sim = await startLlmSimulator({ keys: { openai: 'sk-openai', anthropic: 'sk-ant', google: 'g-key' } });
});
providers.after(() => sim.close());

const target = (kind: 'openai' | 'anthropic' | 'google', model: string, apiKey: string): ProviderTarget => ({
  baseUrl: kind === 'openai' ? `${sim.url}/v1` : sim.url,
  model,
  apiKey,
  timeoutMs: 2000,
});

const IMAGE = 'data:image/png;base64,iVBORw0KGgo=';

/** A conversation with every kind of message: system, image, an earlier tool round trip. */
const conversation: ChatRequest = {
  model: 'x',
  temperature: 0.2,
  max_completion_tokens: 300,
  stop: 'FIN',
  user: 'conv-42',
  tools: [LOOKUP_TOOL],
  tool_choice: 'auto',
  messages: [
    { role: 'system', content: 'Eres el asistente del ISP.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Mira mi router' },
        { type: 'image_url', image_url: { url: IMAGE } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'buscar_cliente', arguments: '{"documento":"123"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '{"servicio":1234}' },
    { role: 'user', content: '¿Y mi saldo?' },
  ],
};

async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const all: ChatChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

providers('anthropic: system apart, tool_use and tool_result blocks, images as base64, a default ceiling', async () => {
  await PROVIDER_ADAPTERS.anthropic.complete(conversation, target('anthropic', 'claude-3-5-haiku-latest', 'sk-ant'));
  const body = sim.lastBody('anthropic') as Record<string, unknown>;
  const headers = sim.lastHeaders('anthropic')!;
  assert.is(headers['x-api-key'], 'sk-ant');
  assert.is(headers['anthropic-version'], '2023-06-01');
  assert.is(body.system, 'Eres el asistente del ISP.');
  assert.is(body.max_tokens, 300);
  assert.equal(body.stop_sequences, ['FIN']);
  assert.equal(body.metadata, { user_id: 'conv-42' });
  assert.equal(body.tools, [
    { name: 'buscar_cliente', description: 'Busca un cliente por su documento.', input_schema: LOOKUP_TOOL.function.parameters },
  ]);
  assert.equal(body.messages, [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Mira mi router' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      ],
    },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'buscar_cliente', input: { documento: '123' } }] },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_1', content: '{"servicio":1234}' },
        { type: 'text', text: '¿Y mi saldo?' },
      ],
    },
  ]);
  await PROVIDER_ADAPTERS.anthropic.complete(
    { model: 'x', messages: [{ role: 'user', content: 'hola' }] },
    target('anthropic', 'claude-3-5-haiku-latest', 'sk-ant'),
  );
  assert.is((sim.lastBody('anthropic') as { max_tokens: number }).max_tokens, DEFAULT_MAX_TOKENS);
  // tool_choice: required → any, a named function → tool, none → no tools at all.
  await PROVIDER_ADAPTERS.anthropic.complete({ ...conversation, tool_choice: 'required' }, target('anthropic', 'c', 'sk-ant'));
  assert.equal((sim.lastBody('anthropic') as { tool_choice: unknown }).tool_choice, { type: 'any' });
  await PROVIDER_ADAPTERS.anthropic.complete(
    { ...conversation, tool_choice: { type: 'function', function: { name: 'buscar_cliente' } } },
    target('anthropic', 'c', 'sk-ant'),
  );
  assert.equal((sim.lastBody('anthropic') as { tool_choice: unknown }).tool_choice, { type: 'tool', name: 'buscar_cliente' });
  await PROVIDER_ADAPTERS.anthropic.complete({ ...conversation, tool_choice: 'none' }, target('anthropic', 'c', 'sk-ant'));
  assert.is((sim.lastBody('anthropic') as { tools?: unknown }).tools, undefined);
});

providers('anthropic: answers and stream events become completions and chunks', async () => {
  const whole = await PROVIDER_ADAPTERS.anthropic.complete(
    { model: 'x', messages: [{ role: 'user', content: 'hola' }], tools: [LOOKUP_TOOL] },
    target('anthropic', 'claude-3-5-haiku-latest', 'sk-ant'),
  );
  assert.is(whole.choices[0]!.finish_reason, 'tool_calls');
  assert.is(whole.choices[0]!.message.tool_calls![0]!.id.startsWith('toolu_'), true);
  const chunks = await collect(
    PROVIDER_ADAPTERS.anthropic.stream(
      { model: 'x', messages: [{ role: 'user', content: 'hola' }], tools: [LOOKUP_TOOL] },
      target('anthropic', 'claude-3-5-haiku-latest', 'sk-ant'),
    ),
  );
  const args = chunks
    .flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []))
    .map((call) => call.function?.arguments ?? '')
    .join('');
  assert.equal(JSON.parse(args), JSON.parse(whole.choices[0]!.message.tool_calls![0]!.function.arguments));
  assert.equal(chunks.at(-1)!.usage, whole.usage);
});

providers('anthropic: an error event mid-stream and a stream without message_stop are failures', async () => {
  const events = async function* () {
    yield { type: 'message_start' as const, message: { id: 'm', model: 'c', usage: { input_tokens: 3, output_tokens: 1 } } };
    yield { type: 'error' as const, error: { type: 'overloaded_error', message: 'Overloaded' } };
  };
  try {
    await collect(fromAnthropicEvents(events(), 0));
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ProviderError);
    assert.is((error as ProviderError).failure, 'server_error');
  }
  const cut = async function* () {
    yield { type: 'message_start' as const, message: { id: 'm', model: 'c', usage: { input_tokens: 3, output_tokens: 1 } } };
  };
  try {
    await collect(fromAnthropicEvents(cut(), 0));
    assert.unreachable();
  } catch (error) {
    assert.is((error as ProviderError).failure, 'stream_interrupted');
  }
});

providers('gemini: contents and roles, functionCall/functionResponse named from the call, JSON mode, schema cleaned', async () => {
  await PROVIDER_ADAPTERS.google.complete(
    { ...conversation, response_format: { type: 'json_object' } },
    target('google', 'gemini-2.0-flash', 'g-key'),
  );
  const body = sim.lastBody('google') as Record<string, unknown>;
  assert.is(sim.lastHeaders('google')!['x-goog-api-key'], 'g-key');
  assert.equal(body.systemInstruction, { parts: [{ text: 'Eres el asistente del ISP.' }] });
  assert.equal(body.generationConfig, {
    temperature: 0.2,
    maxOutputTokens: 300,
    stopSequences: ['FIN'],
    responseMimeType: 'application/json',
  });
  assert.equal(body.contents, [
    { role: 'user', parts: [{ text: 'Mira mi router' }, { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } }] },
    { role: 'model', parts: [{ functionCall: { name: 'buscar_cliente', args: { documento: '123' } } }] },
    { role: 'user', parts: [{ functionResponse: { name: 'buscar_cliente', response: { servicio: 1234 } } }, { text: '¿Y mi saldo?' }] },
  ]);
  const declared = (body.tools as { functionDeclarations: { parameters: Record<string, unknown> }[] }[])[0]!.functionDeclarations[0]!;
  assert.is(declared.parameters.additionalProperties, undefined, 'Gemini refuses additionalProperties');
  assert.equal(body.toolConfig, { functionCallingConfig: { mode: 'AUTO' } });
  assert.equal(geminiSchema({ type: 'object', $schema: 'x', properties: { a: { type: 'string', additionalProperties: false } } }), {
    type: 'object',
    properties: { a: { type: 'string' } },
  });
});

providers('gemini: a streamed answer ends with its finish reason and usage; a stream cut before it fails', async () => {
  const whole = await PROVIDER_ADAPTERS.google.complete(
    { model: 'x', messages: [{ role: 'user', content: 'hola que tal' }] },
    target('google', 'gemini-2.0-flash', 'g-key'),
  );
  const chunks = await collect(
    PROVIDER_ADAPTERS.google.stream(
      { model: 'x', messages: [{ role: 'user', content: 'hola que tal' }] },
      target('google', 'gemini-2.0-flash', 'g-key'),
    ),
  );
  const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  assert.is(text, whole.choices[0]!.message.content);
  assert.is(chunks.at(-2)!.choices[0]!.finish_reason, 'stop');
  assert.equal(chunks.at(-1)!.usage, whole.usage);
  sim.setFaults([{ provider: 'google', cutAfterChunks: 2 }]);
  try {
    await collect(
      PROVIDER_ADAPTERS.google.stream(
        { model: 'x', messages: [{ role: 'user', content: 'hola que tal estas hoy' }] },
        target('google', 'gemini-2.0-flash', 'g-key'),
      ),
    );
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ProviderError);
    assert.is((error as ProviderError).failure, 'stream_interrupted');
  } finally {
    sim.resetFaults();
  }
});

providers('openai: the request passes with the provider model, usage asked on streams; a cut stream fails', async () => {
  await PROVIDER_ADAPTERS.openai.complete(conversation, target('openai', 'gpt-4o-mini', 'sk-openai'));
  const body = sim.lastBody('openai') as Record<string, unknown>;
  assert.is(sim.lastHeaders('openai')!.authorization, 'Bearer sk-openai');
  assert.is(body.model, 'gpt-4o-mini');
  assert.equal(body.messages, conversation.messages);
  assert.is(body.stream, undefined);
  await collect(PROVIDER_ADAPTERS.openai.stream(conversation, target('openai', 'gpt-4o-mini', 'sk-openai')));
  assert.equal((sim.lastBody('openai') as { stream_options: unknown }).stream_options, { include_usage: true });
  sim.setFaults([{ provider: 'openai', cutAfterChunks: 2 }]);
  try {
    await collect(
      PROVIDER_ADAPTERS.openai.stream(
        { model: 'x', messages: [{ role: 'user', content: 'uno dos tres cuatro' }] },
        target('openai', 'gpt-4o-mini', 'sk-openai'),
      ),
    );
    assert.unreachable();
  } catch (error) {
    assert.is((error as ProviderError).failure, 'stream_interrupted');
  } finally {
    sim.resetFaults();
  }
});

providers('provider refusals become failures the gateway can act on', async () => {
  const cases: [number, string][] = [
    [429, 'rate_limited'],
    [500, 'server_error'],
    [529, 'server_error'],
    [400, 'bad_request'],
    [404, 'model_not_found'],
  ];
  for (const kind of ['openai', 'anthropic', 'google'] as const) {
    for (const [status, failure] of cases) {
      sim.setFaults([{ provider: kind, status, retryAfterSeconds: 3 }]);
      const key = kind === 'openai' ? 'sk-openai' : kind === 'anthropic' ? 'sk-ant' : 'g-key';
      try {
        await PROVIDER_ADAPTERS[kind].complete({ model: 'x', messages: [{ role: 'user', content: 'hola' }] }, target(kind, 'm', key));
        assert.unreachable();
      } catch (error) {
        assert.instance(error, ProviderError);
        assert.is((error as ProviderError).failure, failure, `${kind} ${status}`);
        assert.is((error as ProviderError).retryAfterMs, 3000);
        assert.is((error as ProviderError).message, `Simulated ${status}`);
      }
    }
    sim.resetFaults();
    // A wrong key is `auth` (fall back), a body that is not JSON `bad_response`, silence `timeout`.
    await PROVIDER_ADAPTERS[kind].complete({ model: 'x', messages: [{ role: 'user', content: 'hola' }] }, target(kind, 'm', 'wrong')).then(
      () => assert.unreachable(),
      (error: ProviderError) => assert.is(error.failure, 'auth'),
    );
    const key = kind === 'openai' ? 'sk-openai' : kind === 'anthropic' ? 'sk-ant' : 'g-key';
    sim.setFaults([{ provider: kind, malformed: true, times: 1 }]);
    await PROVIDER_ADAPTERS[kind].complete({ model: 'x', messages: [{ role: 'user', content: 'hola' }] }, target(kind, 'm', key)).then(
      () => assert.unreachable(),
      (error: ProviderError) => assert.is(error.failure, 'bad_response'),
    );
    sim.setFaults([{ provider: kind, hangMs: 400, times: 1 }]);
    await PROVIDER_ADAPTERS[kind]
      .complete({ model: 'x', messages: [{ role: 'user', content: 'hola' }] }, { ...target(kind, 'm', key), timeoutMs: 100 })
      .then(
        () => assert.unreachable(),
        (error: ProviderError) => assert.is(error.failure, 'timeout'),
      );
    sim.resetFaults();
  }
});

providers.run();
