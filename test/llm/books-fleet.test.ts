/**
 * Two instances on one Postgres enforce one set of books: a key created on one works on the other,
 * a budget spent through one is refused by the other, a key revoked on one is refused by the other,
 * each within the refresh interval (polled with a bound, never timed).
 */

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ADMIN_KEY, adminJson } from '../support/books-suite';
import { openAiFor } from '../support/llm';
import { postgresAvailable, TestPostgres } from '../support/postgres-server';
import { redisAvailable, TestRedis } from '../support/redis-server';
import { startTestService, type TestService } from '../support/service';

const fleet = suite('books: two instances on one Postgres (and one Redis) enforce one budget and one key list');
let server: TestPostgres;
let redis: TestRedis | null = null;
let first: TestService;
let second: TestService;

/** Polls until `check` holds (at most `ms`). */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

fleet.before(async () => {
  server = await TestPostgres.start();
  // The fleet shares Redis too, as a deployment of several instances does.
  redis = redisAvailable() ? await TestRedis.start() : null;
  const settings = {
    ...(redis ? { REDIS_URL: redis.url } : {}),
    DATABASE_URL: await server.database('fleet'),
    ADMIN_API_KEYS: `root=${ADMIN_KEY}`,
    USAGE_FLUSH_MS: '50',
    BOOKS_REFRESH_MS: '200',
    BUDGET_TOTALS_MAX_AGE_MS: '100',
  };
  first = await startTestService(settings);
  second = await startTestService(settings);
});

fleet.after(async () => {
  await first?.stop();
  await second?.stop();
  await server?.stop();
  await redis?.stop();
});

fleet(
  'a key made on one instance is served by the other; its budget spent on one is refused by the other; revoked on one, refused by both',
  async () => {
    const created = await adminJson<{ id: string; key: string }>(first, 'POST', '/admin/keys', {
      name: 'bot-fleet',
      role: 'bot',
      monthlyBudgetUsd: 0.000001,
    });
    const plans = (service: TestService) => fetch(`${service.url}/api/v1/plans`, { headers: { 'x-api-key': created.key } });
    await within(3000, async () => (await plans(second)).status === 200);

    // One request through the first instance spends the whole budget.
    await openAiFor(first, created.key, { 'x-wisphub-cache': 'off' }).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hola' }],
    });
    // Once the first instance has written its rows, the second's very first request for the key is refused.
    await first.services.books.usage.flush();
    const calls = first.llmSimulator!.calls() + second.llmSimulator!.calls();
    const refused = (await openAiFor(second, created.key, { 'x-wisphub-cache': 'off' })
      .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hola' }] })
      .catch((error: unknown) => error)) as { status?: number; code?: string };
    assert.is(refused.status, 429);
    assert.is(refused.code, 'budget_exceeded');
    assert.is(first.llmSimulator!.calls() + second.llmSimulator!.calls(), calls, 'no provider call for the refused request');

    await adminJson(first, 'DELETE', `/admin/keys/${created.id}`);
    await within(3000, async () => (await plans(second)).status === 403);
    assert.is((await plans(first)).status, 403);
  },
);

if (postgresAvailable()) fleet.run();
