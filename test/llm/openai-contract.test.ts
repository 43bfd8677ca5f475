import OpenAI from 'openai';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { LOOKUP_TOOL, MODEL_PER_PROVIDER, openAiFor } from '../support/llm';
import { OPERATOR_KEY, serviceFor, startTestService } from '../support/service';

/**
 * The contract: the official `openai` npm client, pointed at /v1, works unchanged for plain and
 * streamed answers, tools (both round trips), JSON mode, model listing and errors, whichever
 * provider serves behind it.
 */

const contract = suite('llm: the official openai client works unchanged against /v1');
const service = serviceFor(contract);

for (const model of MODEL_PER_PROVIDER) {
  contract(`${model}: a whole answer, with usage and the x-wisphub headers`, async () => {
    const { data, response } = await openAiFor(service)
      .chat.completions.create({
        model,
        messages: [
          { role: 'system', content: 'Sé breve.' },
          { role: 'user', content: '¿Cuánto debo?' },
        ],
        max_tokens: 200,
      })
      .withResponse();
    assert.is(data.object, 'chat.completion');
    assert.match(data.choices[0]!.message.content ?? '', '¿Cuánto debo?');
    assert.is(data.choices[0]!.finish_reason, 'stop');
    assert.ok(data.usage!.prompt_tokens > 0 && data.usage!.completion_tokens > 0);
    assert.is(data.usage!.total_tokens, data.usage!.prompt_tokens + data.usage!.completion_tokens);
    assert.is(response.headers.get('x-wisphub-model'), model.replace(/^ollama\//, ''));
    assert.ok(response.headers.get('x-wisphub-provider'));
    assert.is(response.headers.get('x-wisphub-cache'), 'bypass');
    assert.ok(Number(response.headers.get('x-wisphub-cost-usd')) >= 0);
  });

  contract(`${model}: a stream reassembles to the whole answer, usage last when asked`, async () => {
    const client = openAiFor(service);
    const messages = [{ role: 'user' as const, content: 'No tengo internet desde ayer' }];
    const whole = await client.chat.completions.create({ model, messages });
    const stream = await client.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.is(text, whole.choices[0]!.message.content);
    const last = chunks.at(-1)!;
    assert.equal(last.choices, [], 'the usage chunk carries no choices');
    assert.equal(last.usage, whole.usage);
    assert.is(chunks.at(-2)!.choices[0]!.finish_reason, 'stop');
    // Without include_usage there is no usage chunk.
    const plain = await client.chat.completions.create({ model, messages, stream: true });
    for await (const chunk of plain) assert.ok(chunk.choices.length === 1 && !chunk.usage);
  });

  contract(`${model}: a tool call and its round trip, whole and streamed`, async () => {
    const client = openAiFor(service);
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Mi cédula es 1098765432' }];
    const asked = await client.chat.completions.create({ model, messages, tools: [LOOKUP_TOOL] });
    const call = asked.choices[0]!.message.tool_calls?.[0];
    assert.is(asked.choices[0]!.finish_reason, 'tool_calls');
    assert.ok(call && call.type === 'function');
    assert.is(call.function.name, 'buscar_cliente');
    assert.is(JSON.parse(call.function.arguments).documento, 'Mi cédula es 1098765432');
    // The SDK's stream helper reassembles streamed tool-call arguments.
    const streamed = await client.chat.completions.stream({ model, messages, tools: [LOOKUP_TOOL] }).finalChatCompletion();
    const streamedCall = streamed.choices[0]!.message.tool_calls?.[0];
    assert.ok(streamedCall && streamedCall.type === 'function');
    assert.equal(JSON.parse(streamedCall.function.arguments), JSON.parse(call.function.arguments));
    // The round trip: the tool's answer goes back and the model answers from it.
    const answered = await client.chat.completions.create({
      model,
      tools: [LOOKUP_TOOL],
      messages: [
        ...messages,
        asked.choices[0]!.message,
        { role: 'tool', tool_call_id: call.id, content: '{"servicio":1234,"saldo":130000}' },
      ],
    });
    assert.is(answered.choices[0]!.finish_reason, 'stop');
    assert.match(answered.choices[0]!.message.content ?? '', '130000');
  });
}

contract('JSON mode answers parseable JSON', async () => {
  for (const model of ['gpt-4o-mini', 'gemini-2.0-flash', 'claude-3-5-haiku-latest']) {
    const answer = await openAiFor(service).chat.completions.create({
      model,
      response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: 'Dame mi saldo en JSON' }],
    });
    const parsed = JSON.parse(answer.choices[0]!.message.content ?? '') as { respuesta?: string };
    assert.match(parsed.respuesta ?? '', 'Dame mi saldo en JSON', model);
  }
});

contract('auto picks a tier and says so; tier names force one', async () => {
  const client = openAiFor(service);
  const hello = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hola' }] }).withResponse();
  assert.is(hello.response.headers.get('x-wisphub-tier'), 'SIMPLE');
  const dispute = await client.chat.completions
    .create({
      model: 'auto',
      messages: [{ role: 'user', content: 'Esto es inaceptable: me cobraron doble y exijo la devolución del dinero ya mismo.' }],
    })
    .withResponse();
  assert.is(dispute.response.headers.get('x-wisphub-tier'), 'COMPLEX');
  const forced = await client.chat.completions
    .create({ model: 'auto-expert', messages: [{ role: 'user', content: 'hola' }] })
    .withResponse();
  assert.is(forced.response.headers.get('x-wisphub-tier'), 'EXPERT');
  assert.ok(
    ['o3', 'claude-sonnet-4-5', 'claude-opus-4-1', 'gemini-2.5-pro'].includes(forced.response.headers.get('x-wisphub-model') ?? ''),
  );
});

contract('a key with its own route weights (LLM_KEY_ROUTE_WEIGHTS) is routed by them', async () => {
  const weighted = await startTestService({ LLM_KEY_ROUTE_WEIGHTS: 'bot:test=0:100:0' });
  try {
    const premium = await openAiFor(weighted)
      .chat.completions.create({ model: 'auto-simple', messages: [{ role: 'user', content: 'hola' }] })
      .withResponse();
    assert.is(premium.response.headers.get('x-wisphub-model'), 'claude-opus-4-1', 'quality only: the best model, even for SIMPLE');
    const staff = await openAiFor(weighted, OPERATOR_KEY)
      .chat.completions.create({ model: 'auto-simple', messages: [{ role: 'user', content: 'hola' }] })
      .withResponse();
    assert.is.not(staff.response.headers.get('x-wisphub-model'), 'claude-opus-4-1', 'another key keeps the default weights');
  } finally {
    await weighted.stop();
  }
});

contract('models.list names the routing names and every served model', async () => {
  const ids: string[] = [];
  for await (const model of openAiFor(service).models.list()) ids.push(model.id);
  for (const id of [
    'auto',
    'auto-simple',
    'auto-expert',
    'openai/gpt-4o-mini',
    'anthropic/claude-sonnet-4-5',
    'google/gemini-2.5-pro',
    'ollama/llama3.2',
  ]) {
    assert.ok(ids.includes(id), id);
  }
});

contract('both spellings of the token ceiling, stop and user are accepted', async () => {
  const client = openAiFor(service);
  const short = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    max_completion_tokens: 3,
    stop: ['\n'],
    user: 'conv-1',
    messages: [{ role: 'user', content: 'Cuéntame todo sobre mi plan de internet' }],
  });
  assert.is(short.choices[0]!.finish_reason, 'length');
  const old = await client.chat.completions.create({
    model: 'claude-3-5-haiku-latest',
    max_tokens: 3,
    messages: [{ role: 'user', content: 'Cuéntame todo sobre mi plan de internet' }],
  });
  assert.is(old.choices[0]!.finish_reason, 'length');
});

contract('errors arrive as the SDK error classes, our reason in code', async () => {
  const client = openAiFor(service);
  const refused = async (call: Promise<unknown>, kind: new (...args: never[]) => Error, code: string) => {
    try {
      await call;
      assert.unreachable('should have been refused');
    } catch (error) {
      assert.instance(error, kind);
      assert.is((error as InstanceType<typeof OpenAI.APIError>).code, code);
    }
  };
  await refused(
    openAiFor(service, 'not-a-key-0123456789abcdef').chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'hola' }],
    }),
    OpenAI.PermissionDeniedError,
    'api_key_invalid',
  );
  await refused(client.chat.completions.create({ model: 'auto', messages: [] }), OpenAI.BadRequestError, 'invalid_input');
  await refused(
    client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hola' }] }),
    OpenAI.NotFoundError,
    'model_not_found',
  );
  await refused(
    client.chat.completions.create({ model: 'auto', n: 2, messages: [{ role: 'user', content: 'hola' }] }),
    OpenAI.BadRequestError,
    'invalid_input',
  );
  await refused(
    client.chat.completions.create({
      model: 'auto',
      tools: [LOOKUP_TOOL],
      tool_choice: { type: 'function', function: { name: 'otra' } },
      messages: [{ role: 'user', content: 'hola' }],
    }),
    OpenAI.BadRequestError,
    'invalid_input',
  );
  // The message names the field at fault.
  try {
    await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hola' }], temperature: 7 });
  } catch (error) {
    assert.instance(error, OpenAI.BadRequestError);
    assert.is((error as InstanceType<typeof OpenAI.BadRequestError>).param, 'temperature');
  }
});

contract('an operator key uses /v1 too; a request with no key is 401 in OpenAI shape', async () => {
  const answer = await openAiFor(service, OPERATOR_KEY).chat.completions.create({
    model: 'auto',
    messages: [{ role: 'user', content: 'hola' }],
  });
  assert.ok(answer.choices[0]!.message.content);
  const bare = await fetch(`${service.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.is(bare.status, 401);
  const body = (await bare.json()) as { error: { type: string; code: string } };
  assert.is(body.error.type, 'authentication_error');
  assert.is(body.error.code, 'api_key_missing');
});

contract.run();
