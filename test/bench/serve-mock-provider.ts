/**
 * Bench child: a bare node:http model provider answering OpenAI's Chat Completions with fixed
 * bytes (a JSON completion, or an SSE stream when the body asks for one) as fast as node:http
 * can. The "direct" baseline of the LLM benchmark: whatever a gateway adds is measured against it.
 */
import { createServer } from 'node:http';

const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_765_000_000,
  model: 'gpt-4o-mini',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Su saldo es de 130.000 pesos.', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33 },
});
const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_765_000_000, model: 'gpt-4o-mini', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
const stream = [
  chunk({ role: 'assistant', content: '' }),
  ...['Su ', 'saldo ', 'es ', 'de ', '130.000 ', 'pesos.'].map((piece) => chunk({ content: piece })),
  chunk({}, 'stop'),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_765_000_000, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 24, completion_tokens: 9, total_tokens: 33 } })}\n\n`,
  'data: [DONE]\n\n',
].join('');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (part: Buffer) => chunks.push(part));
  req.on('end', () => {
    if (Buffer.concat(chunks).includes('"stream":true')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(stream);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
    res.end(completion);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.send?.({ url: `http://127.0.0.1:${address.port}` });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
