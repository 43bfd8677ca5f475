import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { bundle } from '../../scripts/build';
import { openSqlite } from '../../server/database/connect';
import { redisAvailable, TestRedis } from '../support/redis-server';
import { currentRuntime } from '../support/runtimes';
import { type ServiceProcess, startServiceProcess } from '../support/service-process';

/**
 * The production bundle (`npm run build`) bundles its dependencies, minified, with pino and
 * ioredis left in node_modules. Every other test runs the sources through tsx, so this one proves
 * the bundle is the same service: the same OpenAPI document and MCP tool list as the sources (one
 * zod instance for our schemas and the generator that reads them), the same answers, zod's reasons
 * on bad input, pino's request lines, and the lazily loaded chunks (OpenAPI, MCP, Redis) resolving.
 */

const KEY = 'dev-local-key-not-for-production';
const OUT_DIR = join(process.cwd(), '.bench-build', `bundle-test-${currentRuntime}-${process.pid}`);
const BOOKS_FILE = join(OUT_DIR, 'books.db');
const env = {
  NODE_ENV: 'production',
  ALLOW_SIMULATOR_IN_PRODUCTION: 'true',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  SIM_CLIENTS: '600',
  SIM_LATENCY_MS: '0',
  SIM_JITTER_MS: '0',
};

const built = suite('production: the bundle serves what the sources serve');
let redis: TestRedis | null = null;
let fromBundle: ServiceProcess;
let fromSources: ServiceProcess;

built.before(async () => {
  await bundle('server/main.ts', join(OUT_DIR, 'main.mjs'));
  if (redisAvailable()) redis = await TestRedis.start();
  [fromBundle, fromSources] = await Promise.all([
    startServiceProcess({ ...env, DATABASE_FILE: BOOKS_FILE, ...(redis ? { REDIS_URL: redis.url } : {}) }, [
      process.execPath,
      [join(OUT_DIR, 'main.mjs')],
    ]),
    startServiceProcess(env),
  ]);
});

built.after(async () => {
  for (const service of [fromBundle, fromSources]) {
    service?.child.kill('SIGTERM');
    await service?.exited;
  }
  await redis?.stop();
  rmSync(OUT_DIR, { recursive: true, force: true });
});

const get = (service: ServiceProcess, path: string) => fetch(`${service.url}${path}`, { headers: { 'x-api-key': KEY } });
const mcpToolList = (service: ServiceProcess) =>
  fetch(`${service.url}/mcp`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });

async function untilReady(service: ServiceProcess): Promise<Record<string, unknown>> {
  for (const until = Date.now() + 20_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 100))) {
    const response = await get(service, '/ready');
    if (response.status === 200) return (await response.json()) as Record<string, unknown>;
  }
  throw new Error(`not ready in 20 s: ${service.output().slice(-2000)}`);
}

built('the OpenAPI document and the MCP tool list are the sources’ own, byte for byte', async () => {
  const [bundled, sources] = await Promise.all([get(fromBundle, '/openapi.json'), get(fromSources, '/openapi.json')]);
  assert.is(bundled.status, 200);
  const document = await bundled.text();
  assert.is(document, await sources.text());
  assert.ok(Object.keys((JSON.parse(document) as { paths: object }).paths).length > 20);
  const [bundledTools, sourceTools] = await Promise.all([mcpToolList(fromBundle), mcpToolList(fromSources)]);
  assert.is(bundledTools.status, 200);
  const tools = await bundledTools.text();
  assert.is(tools, await sourceTools.text());
  assert.match(tools, /"name":"account_balance"/);
});

built('reads answer alike over tRPC and REST, and bad input gets zod’s reason', async () => {
  await Promise.all([untilReady(fromBundle), untilReady(fromSources)]);
  for (const path of ['/trpc/plans.list', '/api/v1/clients/search?q=maria&limit=3']) {
    const [bundled, sources] = await Promise.all([get(fromBundle, path), get(fromSources, path)]);
    assert.is(bundled.status, 200, path);
    assert.equal(await bundled.json(), await sources.json(), path);
  }
  const path = '/api/v1/clients/by-document/...';
  const [bad, badFromSources] = await Promise.all([get(fromBundle, path), get(fromSources, path)]);
  assert.is(bad.status, 400);
  const withoutId = async (response: Response): Promise<Record<string, unknown>> => {
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    return { ...error, requestId: undefined };
  };
  const error = await withoutId(bad);
  assert.is(error.reason, 'invalid_input');
  assert.equal(error, await withoutId(badFromSources));
});

built('request lines are pino’s JSON, and Redis (when installed) is reached through the lazy chunk', async () => {
  const ready = await untilReady(fromBundle);
  if (redis) assert.is((ready.checks as Record<string, unknown>).redis, 'up');
  await get(fromBundle, '/health');
  const lines = fromBundle
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"request"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(lines.length > 0, fromBundle.output().slice(-2000));
  assert.is(lines[0]!.service, 'wisphub-gateway');
  assert.is(lines[0]!.level, 30);
});

built('the books are written by the bundle’s own writer thread (usage-writer.mjs)', async () => {
  assert.ok(existsSync(join(OUT_DIR, 'usage-writer.mjs')));
  assert.match(fromBundle.output(), /"usageWriter":"thread"/);
  const answer = await fetch(`${fromBundle.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-request-id': 'bundle-books-1' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hola' }] }),
  });
  assert.is(answer.status, 200, await answer.clone().text());
  const books = await openSqlite(BOOKS_FILE);
  try {
    let rows: { request_id: string; outcome: string }[] = [];
    for (
      const until = Date.now() + 10_000;
      rows.length === 0 && Date.now() < until;
      await new Promise((resolve) => setTimeout(resolve, 100))
    ) {
      rows = await books.db
        .selectFrom('usage_requests')
        .select(['request_id', 'outcome'])
        .where('request_id', '=', 'bundle-books-1')
        .execute();
    }
    assert.equal(rows, [{ request_id: 'bundle-books-1', outcome: 'ok' }], fromBundle.output().slice(-2000));
  } finally {
    await books.close();
  }
});

built.run();
