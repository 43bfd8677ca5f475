/**
 * The books' behaviour, written once and run on each database (SQLite and Postgres): every /v1
 * request accounted as the provider simulator billed it, budgets and allow lists, the vault, gateway
 * keys created at run time, and the admin door. Each database's test file supplies its settings
 * and a reader of the database's raw bytes on disk.
 */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { costOf, SHIPPED_REGISTRY } from '../../server/llm/registry';
import { llmSimOf, openAiFor } from './llm';
import { BOT_KEY, OPERATOR_KEY, startTestService, type TestService } from './service';

/** The name the test services give their bot key (TEST_KEY). */
export const TEST_KEY_NAME = 'bot:test';
export const ADMIN_KEY = 'admin-key-books-0123456789abcdef';
/** Two 32-byte keys, as ENCRYPTION_KEY takes them (hex and base64). */
export const ENCRYPTION_KEYS = ['4f'.repeat(32), Buffer.alloc(32, 7).toString('base64')] as const;

export interface BooksDatabase {
  /** Settings that point a service at this database. */
  settings(): Promise<Record<string, string>>;
  /** Every byte the database keeps on disk (after a checkpoint), to search for plaintext. */
  rawBytes(): Promise<Buffer>;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

export function admin(service: TestService, method: string, path: string, body?: unknown, key = ADMIN_KEY): Promise<Response> {
  return fetch(`${service.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

export async function adminJson<T = Json>(service: TestService, method: string, path: string, body?: unknown): Promise<T> {
  const response = await admin(service, method, path, body);
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

interface RequestRow {
  key: string;
  model: string | null;
  provider: string | null;
  promptTokens: number;
  completionTokens: number;
  tokensCounted: boolean;
  costUsd: number;
  cache: string;
  stream: boolean;
  outcome: string;
  errorReason: string | null;
  ttftMs: number | null;
  endUser: string | null;
}

export const rowsOf = async (service: TestService, key = TEST_KEY_NAME, extra = ''): Promise<RequestRow[]> =>
  (
    await adminJson<{ requests: RequestRow[] }>(
      service,
      'GET',
      `/admin/llm/usage/requests?key=${encodeURIComponent(key)}&limit=1000${extra}`,
    )
  ).requests.reverse();

const priceOf = (provider: string, model: string, prompt: number, completion: number): number => {
  const entry = SHIPPED_REGISTRY.models.find((candidate) => candidate.provider === provider && candidate.id === model);
  if (!entry) throw new Error(`${provider}/${model} is not in the shipped registry`);
  return costOf(entry, prompt, completion);
};

const say = (content: string) => [{ role: 'user' as const, content }];

export function defineBooksSuite(name: string, database: BooksDatabase): void {
  const books = suite(`books (${name}): usage, budgets, vault, gateway keys`);
  let service: TestService;

  books.before(async () => {
    service = await startTestService({
      ...(await database.settings()),
      ADMIN_API_KEYS: `root=${ADMIN_KEY}`,
      ENCRYPTION_KEY: ENCRYPTION_KEYS[0],
      USAGE_FLUSH_MS: '50',
    });
  });
  books.after(async () => {
    await service?.stop();
    await database.stop();
  });

  books('every request is recorded as the provider simulator billed it: JSON, SSE with and without the usage chunk', async () => {
    const sim = llmSimOf(service);
    sim.resetBilled();
    const client = openAiFor(service, BOT_KEY, { 'x-wisphub-cache': 'off', 'x-end-user': 'wa-573001112233' });
    const whole = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: say('¿Cuánto debo este mes?') });
    const withUsage = await client.chat.completions.create({
      model: 'claude-3-5-haiku-latest',
      messages: say('Hola, no tengo internet desde ayer en la tarde'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let reportedUsage: { prompt_tokens: number; completion_tokens: number } | null = null;
    for await (const chunk of withUsage) if (chunk.usage) reportedUsage = chunk.usage;
    const withoutUsage = await client.chat.completions.create({
      model: 'gemini-2.0-flash',
      messages: say('Quiero cambiar mi plan'),
      stream: true,
    });
    for await (const chunk of withoutUsage) assert.not.ok(chunk.usage, 'no usage chunk unless asked');

    const rows = await rowsOf(service);
    const billed = sim.billed();
    assert.is(billed.length, 3, 'the simulator billed three answers');
    assert.is(rows.length, 3);
    for (const [index, row] of rows.entries()) {
      const bill = billed[index]!;
      assert.is(row.provider, bill.provider);
      assert.is(row.model, `${bill.provider}/${bill.model}`);
      assert.is(row.promptTokens, bill.input, `prompt tokens of ${row.model}`);
      assert.is(row.completionTokens, bill.output, `completion tokens of ${row.model}`);
      assert.is(row.tokensCounted, false);
      assert.ok(Math.abs(row.costUsd - priceOf(bill.provider, bill.model, bill.input, bill.output)) < 1e-6, `cost of ${row.model}`);
      assert.is(row.outcome, 'ok');
      assert.is(row.cache, 'bypass');
      assert.ok(row.endUser !== null && !row.endUser.includes('573001112233'), 'the end user is kept as a digest');
    }
    assert.is(rows[0]!.promptTokens, whole.usage!.prompt_tokens);
    assert.is(rows[1]!.completionTokens, reportedUsage!.completion_tokens);
    assert.equal([rows[0]!.stream, rows[1]!.stream, rows[2]!.stream], [false, true, true]);
    assert.is(rows[0]!.ttftMs, null);
    assert.ok(rows[1]!.ttftMs !== null && rows[1]!.ttftMs >= 0, 'streams keep their time to first token');
  });

  books('a cache hit is recorded at zero cost; a stream cut before its usage is counted with the tokenizer', async () => {
    const client = openAiFor(service, BOT_KEY, { 'x-wisphub-cache': 'force' });
    const before = (await rowsOf(service)).length;
    const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: say('¿Cuál es el horario de atención?') });
    await ask();
    await ask();
    const sim = llmSimOf(service);
    sim.setFaults([{ provider: 'openai', cutAfterChunks: 3, times: 1 }]);
    const cut = await openAiFor(service).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: say('Explíqueme paso a paso cómo reiniciar el router y revisar las luces'),
      stream: true,
    });
    let broke = false;
    try {
      for await (const _ of cut);
    } catch {
      broke = true;
    }
    assert.ok(broke, 'the stream ended with an error');
    sim.resetFaults();
    // A cut stream is recorded once its tokens are counted (the tokenizer may still be loading).
    let rows = (await rowsOf(service)).slice(before);
    for (let tries = 0; rows.length < 3 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rows = (await rowsOf(service)).slice(before);
    }
    assert.is(rows.length, 3);
    assert.is(rows[0]!.cache, 'miss');
    assert.ok(rows[0]!.costUsd > 0);
    assert.is(rows[1]!.cache, 'hit');
    assert.is(rows[1]!.costUsd, 0);
    assert.is(rows[1]!.promptTokens + rows[1]!.completionTokens, 0, 'nothing was spent on a hit');
    assert.is(rows[2]!.outcome, 'stream_broken');
    assert.is(rows[2]!.tokensCounted, true, 'no usage came: counted');
    assert.ok(rows[2]!.promptTokens > 5, `counted prompt tokens (${rows[2]!.promptTokens})`);
    assert.ok(rows[2]!.costUsd > 0, 'what the provider sent before the cut is still priced');
  });

  books('the summary by key, model and day adds up to the request rows', async () => {
    const today = service.services.books.usage.day();
    const rows = await rowsOf(service);
    const summary = await adminJson<{
      rows: { key: string; model: string; day: string; requests: number; costUsd: number; promptTokens: number }[];
    }>(service, 'GET', `/admin/llm/usage?from=${today}&to=${today}&groupBy=day,key,model&key=${encodeURIComponent(TEST_KEY_NAME)}`);
    assert.is(
      summary.rows.reduce((sum, row) => sum + row.requests, 0),
      rows.length,
    );
    assert.ok(Math.abs(summary.rows.reduce((sum, row) => sum + row.costUsd, 0) - rows.reduce((sum, row) => sum + row.costUsd, 0)) < 1e-5);
    assert.is(
      summary.rows.reduce((sum, row) => sum + row.promptTokens, 0),
      rows.reduce((sum, row) => sum + row.promptTokens, 0),
    );
    const mini = summary.rows.find((row) => row.model === 'openai/gpt-4o-mini')!;
    assert.is(mini.day, today);
    assert.is(mini.requests, rows.filter((row) => row.model === 'openai/gpt-4o-mini').length);
    const bad = await admin(service, 'GET', '/admin/llm/usage?from=2026-13-01&to=2026-12-01');
    assert.is(bad.status, 400);
    const backwards = await admin(service, 'GET', `/admin/llm/usage?from=${today}&to=2020-01-01`);
    assert.is(backwards.status, 400);
  });

  books('a key over its monthly budget or its tokens per minute is refused 429 in OpenAI’s shape, before any provider call', async () => {
    const created = await adminJson<{ key: string; name: string; masked: string }>(service, 'POST', '/admin/keys', {
      name: 'bot-tight',
      role: 'bot',
      monthlyBudgetUsd: 0.000001,
    });
    assert.ok(created.key.startsWith('whk_') && !created.masked.includes(created.key.slice(12)), 'shown once, masked in the view');
    const client = openAiFor(service, created.key, { 'x-wisphub-cache': 'off' });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: say('hola') });
    const calls = llmSimOf(service).calls();
    const refused = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: say('hola otra vez') })
      .catch((error: unknown) => error);
    assert.instance(refused, Error);
    const error = refused as { status: number; code: string; type: string };
    assert.is(error.status, 429);
    assert.is(error.code, 'budget_exceeded');
    assert.is(error.type, 'rate_limit_error');
    assert.is(llmSimOf(service).calls(), calls, 'no provider was called for a refused request');

    await adminJson(service, 'POST', '/admin/keys', { name: 'bot-tpm', role: 'bot', tokensPerMinute: 10 });
    const tpmKey = (await adminJson<{ keys: { name: string; id: string }[] }>(service, 'GET', '/admin/keys')).keys.find(
      (key) => key.name === 'bot-tpm',
    )!;
    const rotated = await adminJson<{ key: string }>(service, 'POST', `/admin/keys/${tpmKey.id}/rotate`);
    const tpm = openAiFor(service, rotated.key, { 'x-wisphub-cache': 'off' });
    await tpm.chat.completions.create({ model: 'gpt-4o-mini', messages: say('Necesito la factura de este mes por favor') });
    const limited = (await tpm.chat.completions.create({ model: 'gpt-4o-mini', messages: say('hola') }).catch((e: unknown) => e)) as {
      status: number;
      code: string;
    };
    assert.is(limited.status, 429);
    assert.is(limited.code, 'rate_limited');
    const refusals = await rowsOf(service, 'bot-tight', '&outcome=refused');
    assert.is(refusals.length, 1);
    assert.is(refusals[0]!.errorReason, 'budget_exceeded');
    const budgets = await adminJson<{ budgets: { keyName: string; monthSpendUsd: number | null }[] }>(service, 'GET', '/admin/llm/budgets');
    assert.ok(budgets.budgets.find((budget) => budget.keyName === 'bot-tight')!.monthSpendUsd! > 0.000001);
    const metrics = await (await admin(service, 'GET', '/metrics')).text();
    assert.match(metrics, /wisphub_llm_budget_refusals_total\{key="bot-tight",reason="budget_exceeded"\} 1/);
    assert.match(metrics, /wisphub_usage_rows_total\{result="written"\} \d+/);
  });

  books('an allow list bounds what a key is served: a named model outside it is 403, auto routes inside it', async () => {
    await adminJson(service, 'PUT', `/admin/llm/budgets/${TEST_KEY_NAME}`, { allowedModels: ['gpt-4o-mini'] });
    try {
      const client = openAiFor(service, BOT_KEY, { 'x-wisphub-cache': 'off' });
      const denied = (await client.chat.completions
        .create({ model: 'claude-3-5-haiku-latest', messages: say('hola') })
        .catch((error: unknown) => error)) as { status: number; code: string };
      assert.is(denied.status, 403);
      assert.is(denied.code, 'forbidden_for_key');
      const { response } = await client.chat.completions.create({ model: 'auto', messages: say('hola, buenos días') }).withResponse();
      assert.is(response.headers.get('x-wisphub-model'), 'gpt-4o-mini');
    } finally {
      await adminJson(service, 'DELETE', `/admin/llm/budgets/${TEST_KEY_NAME}`);
    }
  });

  books(
    'a provider key added to the vault is used by the next request, per caller first; never shown; not in the database’s bytes',
    async () => {
      const secretKey = 'sk-vault-global-7a1c9e55d3b2f0e4c6a8';
      const ownKey = 'sk-vault-own-3f2e1d0c9b8a7f6e5d4c';
      const global = await adminJson<{ id: string; masked: string }>(service, 'POST', '/admin/llm/provider-keys', {
        provider: 'openai',
        key: secretKey,
        label: 'cuenta principal',
      });
      assert.is(global.masked, `…${secretKey.slice(-4)}`);
      const client = openAiFor(service, BOT_KEY, { 'x-wisphub-cache': 'off' });
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: say('hola') });
      assert.is(llmSimOf(service).lastHeaders('openai')?.authorization, `Bearer ${secretKey}`);
      const own = await adminJson<{ id: string }>(service, 'POST', '/admin/llm/provider-keys', {
        provider: 'openai',
        key: ownKey,
        owner: TEST_KEY_NAME,
      });
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: say('hola de nuevo') });
      assert.is(llmSimOf(service).lastHeaders('openai')?.authorization, `Bearer ${ownKey}`, 'the caller’s own key first');
      const duplicate = await admin(service, 'POST', '/admin/llm/provider-keys', {
        provider: 'openai',
        key: 'sk-another-one-123456',
        owner: TEST_KEY_NAME,
      });
      assert.is(duplicate.status, 409);
      const unknownProvider = await admin(service, 'POST', '/admin/llm/provider-keys', { provider: 'mistral', key: 'sk-abcdefgh12345' });
      assert.is(unknownProvider.status, 400);
      const unknownOwner = await admin(service, 'POST', '/admin/llm/provider-keys', {
        provider: 'openai',
        key: 'sk-abcdefgh12345',
        owner: 'nobody',
      });
      assert.is(unknownOwner.status, 404);

      const listing = await (await admin(service, 'GET', '/admin/llm/provider-keys')).text();
      assert.not.ok(listing.includes(secretKey) || listing.includes(ownKey), 'the list never shows a key');
      assert.is((JSON.parse(listing) as { keys: unknown[] }).keys.length, 2);
      await service.services.books.usage.flush();
      const bytes = await database.rawBytes();
      assert.ok(bytes.length > 0);
      assert.not.ok(bytes.includes(secretKey) || bytes.includes(ownKey), 'no plaintext provider key in the database’s bytes');
      assert.ok(bytes.includes('cuenta principal'), 'the bytes searched are the ones that hold the vault');

      await adminJson(service, 'DELETE', `/admin/llm/provider-keys/${own.id}`);
      await adminJson(service, 'DELETE', `/admin/llm/provider-keys/${global.id}`);
      await client.chat.completions.create({ model: 'gpt-4o-mini', messages: say('hola, tercera vez') });
      assert.is.not(llmSimOf(service).lastHeaders('openai')?.authorization, `Bearer ${secretKey}`, 'deleted: the settings’ key again');
    },
  );

  books('a gateway key created at run time works on every surface until rotated or revoked', async () => {
    const created = await adminJson<{ id: string; key: string }>(service, 'POST', '/admin/keys', { name: 'bot-runtime', role: 'bot' });
    const plans = (key: string) => fetch(`${service.url}/api/v1/plans`, { headers: { 'x-api-key': key } });
    assert.is((await plans(created.key)).status, 200);
    const models = await openAiFor(service, created.key).models.list();
    assert.ok(models.data.length > 0);
    const listing = await (await admin(service, 'GET', '/admin/keys')).text();
    assert.not.ok(listing.includes(created.key), 'listed masked only');
    const rotated = await adminJson<{ key: string }>(service, 'POST', `/admin/keys/${created.id}/rotate`);
    assert.is((await plans(created.key)).status, 403, 'the old secret stops at once');
    assert.is((await plans(rotated.key)).status, 200);
    await adminJson(service, 'DELETE', `/admin/keys/${created.id}`);
    assert.is((await plans(rotated.key)).status, 403, 'revoked');
    const taken = await admin(service, 'POST', '/admin/keys', { name: TEST_KEY_NAME, role: 'bot' });
    assert.is(taken.status, 409, 'a configured key’s name cannot be taken');
    const adminRole = await admin(service, 'POST', '/admin/keys', { name: 'sneaky', role: 'admin' });
    assert.is(adminRole.status, 400, 'admin keys are never created at run time');
  });

  books('the books’ admin endpoints refuse bot and operator keys, and runtime keys', async () => {
    const runtime = await adminJson<{ key: string }>(service, 'POST', '/admin/keys', { name: 'ops-runtime', role: 'operator' });
    for (const key of [BOT_KEY, OPERATOR_KEY, runtime.key]) {
      for (const [method, path] of [
        ['GET', '/admin/llm/usage?from=2026-01-01&to=2026-01-02'],
        ['GET', '/admin/llm/provider-keys'],
        ['POST', '/admin/keys'],
        ['PUT', `/admin/llm/budgets/${TEST_KEY_NAME}`],
      ] as const) {
        const response = await admin(service, method, path, method === 'GET' ? undefined : {}, key);
        assert.is(response.status, 403, `${method} ${path}`);
      }
    }
  });

  books('malformed admin input gets a 4xx with its reason, never a 500', async () => {
    const send = (method: string, path: string, body: string, type = 'application/json') =>
      fetch(`${service.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': type }, body });
    const cases: [string, string, string, string, number][] = [
      ['POST', '/admin/keys', '{"name":', 'application/json', 400],
      ['POST', '/admin/keys', '{"name":"x y","role":"bot"}', 'application/json', 400],
      ['POST', '/admin/keys', 'name=x', 'application/x-www-form-urlencoded', 415],
      ['POST', '/admin/keys', JSON.stringify({ name: 'big', role: 'bot', pad: 'x'.repeat(40_000) }), 'application/json', 413],
      ['PUT', `/admin/llm/budgets/${TEST_KEY_NAME}`, '{"monthlyBudgetUsd":-5}', 'application/json', 400],
      ['PUT', `/admin/llm/budgets/${TEST_KEY_NAME}`, '{"allowedModels":[]}', 'application/json', 400],
      ['POST', '/admin/llm/provider-keys', '{"provider":"openai","key":"short"}', 'application/json', 400],
      ['POST', '/admin/llm/provider-keys', '{"provider":"openai","key":"sk with spaces 123"}', 'application/json', 400],
      [
        'POST',
        '/admin/llm/provider-keys/00000000-0000-4000-8000-000000000000/rotate',
        '{"key":"sk-abcdefgh1234"}',
        'application/json',
        404,
      ],
      ['DELETE', '/admin/keys/00000000-0000-4000-8000-000000000000', '', 'application/json', 404],
      ['GET', '/admin/llm/usage/requests?limit=0', '', 'application/json', 400],
      ['GET', "/admin/llm/usage/requests?since=' OR 1=1", '', 'application/json', 400],
      ['PATCH', '/admin/keys', '{}', 'application/json', 405],
    ];
    for (const [method, path, body, type, status] of cases) {
      const response = await send(method, path, method === 'GET' ? (undefined as unknown as string) : body, type);
      const answer = (await response.json()) as { error?: { reason?: string } };
      assert.is(response.status, status, `${method} ${path} ${body.slice(0, 40)}`);
      assert.ok(answer.error?.reason, 'a reason is given');
    }
  });

  books('migrations ran at start and running them again changes nothing', async () => {
    assert.equal(await service.services.books.migrate(), []);
  });

  books.run();
}
