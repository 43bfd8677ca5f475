import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startLlmSimulator } from '../../server/llm-simulator/server';
import { BOT_KEY, openAiFor } from '../support/llm';
import { captureLogs } from '../support/log-capture';
import { statusBeforeBody } from '../support/raw-http';
import { startTestService, type TestService } from '../support/service';

/**
 * Who may call /v1, with what key, and what they can learn: the door is the same as every keyed
 * surface (key before body, per-key limits), admin and metrics keys are not model keys, and the
 * provider keys the gateway holds never appear in an answer, an error or a log line.
 */

const door = suite('security: /v1 (who may spend tokens, what leaks)');
const ADMIN = 'admin-key-0123456789abcdefgh';
const METRICS = 'metrics-key-0123456789abcdefgh';
const PROVIDER_SECRET = 'sk-live-provider-secret-do-not-leak-0123456789';
let service: TestService;
let logs: ReturnType<typeof captureLogs>;
let providers: Awaited<ReturnType<typeof startLlmSimulator>>;

door.before(async () => {
  logs = captureLogs('debug');
  // Real-looking provider keys, on a simulator that accepts only the OpenAI one.
  providers = await startLlmSimulator({ keys: { openai: PROVIDER_SECRET, anthropic: 'another-value', google: 'yet-another' } });
  service = await startTestService(
    {
      ADMIN_API_KEYS: `root=${ADMIN}`,
      METRICS_API_KEYS: `prom=${METRICS}`,
      OPENAI_API_KEY: PROVIDER_SECRET,
      OPENAI_BASE_URL: `${providers.url}/v1`,
      ANTHROPIC_API_KEY: `${PROVIDER_SECRET}-anthropic`,
      ANTHROPIC_BASE_URL: providers.url,
      LLM_RETRIES: '0',
      LOG_LEVEL: 'debug',
    },
    { logger: logs.logger },
  );
});
door.after(async () => {
  await service.stop();
  await providers.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${service.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOT_KEY}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

door('no key, or a wrong one: refused before a byte of a 6 MB body is read', async () => {
  const attempts: Record<string, string>[] = [
    { 'content-type': 'application/json' },
    { 'content-type': 'application/json', authorization: 'Bearer wrong-0123456789abcdef' },
  ];
  for (const headers of attempts) {
    const status = await statusBeforeBody(service.url, '/v1/chat/completions', headers, 6_000_000);
    assert.match(status ?? '', / 40[13] /);
  }
});

door('admin and metrics keys are not model keys', async () => {
  for (const key of [ADMIN, METRICS]) {
    const response = await post({ model: 'auto', messages: [{ role: 'user', content: 'hola' }] }, { authorization: `Bearer ${key}` });
    assert.is(response.status, 403);
    assert.is(((await response.json()) as { error: { code: string } }).error.code, 'api_key_invalid');
  }
});

door('only configured providers serve: the ones without a key are not in the model list', async () => {
  const ids: string[] = [];
  for await (const model of openAiFor(service).models.list()) ids.push(model.id);
  assert.ok(ids.includes('openai/gpt-4o-mini'));
  assert.ok(ids.includes('anthropic/claude-3-5-haiku-latest'));
  assert.not.ok(ids.some((id) => id.startsWith('google/') || id.startsWith('ollama/')));
});

door('a provider key never appears in an answer, an error or a log line', async () => {
  const ok = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hola' }] });
  assert.is(ok.status, 200);
  const okText = await ok.text();
  // Anthropic refuses our (wrong) key: a fallback to OpenAI serves, the failure is in the headers only as an outcome.
  const fallback = await post({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hola' }] });
  assert.match(fallback.headers.get('x-wisphub-fallbacks') ?? '', 'anthropic/claude-3-5-haiku-latest:auth');
  const fallbackText = await fallback.text();
  providers.setFaults([{ status: 500 }]);
  const down = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hola' }] });
  assert.is(down.status, 503);
  const downText = await down.text();
  providers.setFaults([{ status: 400 }]);
  const rejected = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hola' }] });
  const rejectedText = await rejected.text();
  providers.resetFaults();
  const models = await (await fetch(`${service.url}/v1/models`, { headers: { authorization: `Bearer ${BOT_KEY}` } })).text();
  const metrics = await (await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text();
  const everything = [okText, fallbackText, downText, rejectedText, models, metrics, JSON.stringify(logs.lines)].join('\n');
  assert.not.match(everything, PROVIDER_SECRET);
  assert.not.match(everything, 'provider-secret');
  // The metrics count the traffic by model and key name (bounded), never by key value.
  assert.match(metrics, 'wisphub_llm_requests_total{model="openai/gpt-4o-mini"');
  assert.not.match(metrics, BOT_KEY);
});

door('limits: the key’s rate limit holds on /v1, in OpenAI’s shape with Retry-After', async () => {
  const limited = await startTestService({ RATE_LIMIT_PER_S: '0.1', RATE_LIMIT_BURST: '2' });
  try {
    const statuses: number[] = [];
    let last: Response | null = null;
    for (let index = 0; index < 3; index++) {
      last = await fetch(`${limited.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BOT_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hola' }] }),
      });
      statuses.push(last.status);
    }
    assert.equal(statuses, [200, 200, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.is(((await last!.json()) as { error: { type: string } }).error.type, 'rate_limit_error');
  } finally {
    await limited.stop();
  }
});

door('malformed bodies get a 4xx with a reason, never a 500', async () => {
  const cases: [string | unknown, number, string][] = [
    ['{not json', 400, 'invalid_json'],
    [[], 400, 'invalid_input'],
    [{ model: 'auto' }, 400, 'invalid_input'],
    [{ model: 'auto', messages: [{ role: 'wizard', content: 'x' }] }, 400, 'invalid_input'],
    [
      {
        model: 'claude-3-5-haiku-latest',
        messages: [
          { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'x', arguments: '{not json' } }] },
          { role: 'tool', tool_call_id: 'c', content: 'r' },
        ],
      },
      400,
      'provider_rejected_request',
    ],
    [{ model: 'x'.repeat(201), messages: [{ role: 'user', content: 'hola' }] }, 400, 'invalid_input'],
  ];
  for (const [body, status, code] of cases) {
    const response = await post(body);
    assert.is(response.status, status, JSON.stringify(body).slice(0, 80));
    assert.is(((await response.json()) as { error: { code: string } }).error.code, code);
  }
  const huge = await post({ model: 'auto', messages: [{ role: 'user', content: 'x'.repeat(11_000_000) }] });
  assert.is(huge.status, 413);
  const wrongType = await post('{}', { 'content-type': 'text/plain' });
  assert.is(wrongType.status, 415);
  const wrongMethod = await fetch(`${service.url}/v1/chat/completions`, { headers: { authorization: `Bearer ${BOT_KEY}` } });
  assert.is(wrongMethod.status, 405);
  const nowhere = await fetch(`${service.url}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${BOT_KEY}` } });
  assert.is(nowhere.status, 404);
  assert.is(((await nowhere.json()) as { error: { type: string } }).error.type, 'not_found_error');
});

door.run();
