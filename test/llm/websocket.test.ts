import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { BOT_KEY, llmSimOf, openAiFor } from '../support/llm';
import { serviceFor, startTestService } from '../support/service';

/**
 * /v1/ws: many completions on one socket, each answered with the chunks SSE would send; the key
 * checked on the upgrade; every request counted against the key's limit; bad messages answered
 * without closing the socket.
 */

const sockets = suite('llm: /v1/ws carries many streamed completions on one socket');
const service = serviceFor(sockets);

interface Message {
  id: string | null;
  meta?: { model: string; provider: string; cache: string };
  chunk?: { choices: { delta: { content?: string } }[]; usage?: unknown };
  done?: boolean;
  error?: { code: string; type: string };
}

function open(
  url: string,
  key: string | null = BOT_KEY,
): Promise<{ socket: WebSocket; messages: Message[]; next: (test: (message: Message) => boolean) => Promise<Message> }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/ws`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const messages: Message[] = [];
  const waiting: { test: (message: Message) => boolean; resolve: (message: Message) => void }[] = [];
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as Message;
    messages.push(message);
    for (const waiter of [...waiting]) {
      if (waiter.test(message)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  });
  const next = (test: (message: Message) => boolean) =>
    new Promise<Message>((resolve, reject) => {
      const found = messages.find(test);
      if (found) return resolve(found);
      waiting.push({ test, resolve });
      setTimeout(() => reject(new Error('no such message within 5 s')), 5000).unref();
    });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, messages, next }));
    socket.once('unexpected-response', (_request, response) =>
      reject(Object.assign(new Error('refused'), { status: response.statusCode })),
    );
    socket.once('error', reject);
  });
}

const textOf = (messages: Message[], id: string) =>
  messages
    .filter((message) => message.id === id && message.chunk)
    .map((message) => message.chunk!.choices[0]?.delta.content ?? '')
    .join('');

sockets('no key, or a wrong one: the upgrade is refused with an HTTP status, no socket opened', async () => {
  for (const [key, status] of [
    [null, 401],
    ['wrong-key-0123456789abcdef', 403],
  ] as const) {
    try {
      await open(service.url, key);
      assert.unreachable();
    } catch (error) {
      assert.is((error as { status?: number }).status, status);
    }
  }
});

sockets('upgrades without a valid key are limited per address like every keyed surface', async () => {
  const guarded = await startTestService({ UNAUTHENTICATED_RATE_LIMIT_PER_S: '0.1', UNAUTHENTICATED_RATE_LIMIT_BURST: '2' });
  try {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await open(guarded.url, `wrong-key-${attempt}-0123456789abcdef`).then(
        ({ socket }) => socket.close(),
        (error: { status?: number }) => statuses.push(error.status ?? 0),
      );
    }
    assert.equal(statuses, [403, 403, 429]);
    const { socket } = await open(guarded.url);
    socket.close();
  } finally {
    await guarded.stop();
  }
});

sockets('three requests at once on one socket: each gets its meta, the same text as a whole answer, and done', async () => {
  const { socket, messages, next } = await open(service.url);
  try {
    const asks = ['gpt-4o-mini', 'claude-3-5-haiku-latest', 'gemini-2.0-flash'].map((model, index) => ({
      id: `r${index}`,
      body: { model, messages: [{ role: 'user', content: `pregunta número ${index}` }], stream_options: { include_usage: true } },
    }));
    for (const ask of asks) socket.send(JSON.stringify(ask));
    for (const ask of asks) await next((message) => message.id === ask.id && message.done === true);
    for (const ask of asks) {
      const whole = await openAiFor(service).chat.completions.create({ model: ask.body.model, messages: ask.body.messages as never });
      assert.is(textOf(messages, ask.id), whole.choices[0]!.message.content);
      const meta = messages.find((message) => message.id === ask.id && message.meta)!.meta!;
      assert.is(meta.model, ask.body.model);
      assert.ok(
        messages.some((message) => message.id === ask.id && message.chunk?.usage),
        'usage chunk when asked',
      );
      assert.ok(
        messages.findIndex((message) => message.id === ask.id && message.meta) <
          messages.findIndex((message) => message.id === ask.id && message.chunk),
      );
    }
  } finally {
    socket.close();
  }
});

sockets('bad messages get an error and the socket stays usable; a duplicate id is refused', async () => {
  const { socket, next } = await open(service.url);
  try {
    socket.send('{not json');
    assert.is((await next((message) => message.error?.code === 'invalid_json')).id, null);
    socket.send(JSON.stringify({ body: {} }));
    await next((message) => message.id === null && message.error?.code === 'invalid_input');
    socket.send(JSON.stringify({ id: 'bad', body: { model: 'auto', messages: [] } }));
    assert.is((await next((message) => message.id === 'bad' && message.error !== undefined)).error!.type, 'invalid_request_error');
    socket.send(JSON.stringify({ id: 'nomodel', body: { model: 'no-such-model', messages: [{ role: 'user', content: 'hola' }] } }));
    assert.is((await next((message) => message.id === 'nomodel' && message.error !== undefined)).error!.code, 'model_not_found');
    socket.send(JSON.stringify({ id: 'fine', body: { model: 'auto', messages: [{ role: 'user', content: 'hola' }] } }));
    await next((message) => message.id === 'fine' && message.done === true);
  } finally {
    socket.close();
  }
});

sockets('a cancelled request stops without falling back; the others on the socket go on', async () => {
  llmSimOf(service).resetCalls();
  llmSimOf(service).setFaults([{ model: 'gpt-4o-mini', firstTokenDelayMs: 800 }]);
  const { socket, messages, next } = await open(service.url);
  try {
    socket.send(JSON.stringify({ id: 'slow', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hola' }] } }));
    socket.send(JSON.stringify({ id: 'quick', body: { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'hola' }] } }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.send(JSON.stringify({ id: 'slow', cancel: true }));
    await next((message) => message.id === 'quick' && message.done === true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.not.ok(
      messages.some((message) => message.id === 'slow' && (message.chunk || message.done)),
      'nothing streamed for the cancelled request',
    );
    assert.is(llmSimOf(service).calls('gpt-4o-mini'), 1, 'no fallback and no retry for a caller that went away');
  } finally {
    llmSimOf(service).resetFaults();
    llmSimOf(service).resetCalls();
    socket.close();
  }
});

sockets('every request on a socket counts against the key’s rate limit', async () => {
  const limited = await startTestService({ RATE_LIMIT_PER_S: '0.1', RATE_LIMIT_BURST: '2' });
  const { socket, next } = await open(limited.url);
  try {
    for (const id of ['a', 'b', 'c'])
      socket.send(JSON.stringify({ id, body: { model: 'auto', messages: [{ role: 'user', content: 'hola' }] } }));
    await next((message) => message.id === 'a' && message.done === true);
    await next((message) => message.id === 'b' && message.done === true);
    assert.is((await next((message) => message.id === 'c' && message.error !== undefined)).error!.code, 'rate_limited');
  } finally {
    socket.close();
    await limited.stop();
  }
});

sockets.run();
