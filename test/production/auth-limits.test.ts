import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TRPCClientError } from '@trpc/client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type AppRouter, createWispHubClient } from '../../client/index';
import { ApiKeyRegistry } from '../../server/guards/api-keys';
import { type Conversation, conversationKey, type LockoutScope, lockoutSubject } from '../../server/guards/identity-guard';
import { FailureWindow, TokenBucketLimiter } from '../../server/guards/rate-limit';
import { OPERATOR_KEY, type RestErrorBody, startTestService, type TestService } from '../support/service';

/** API keys and limits behave the same on REST and tRPC. */

const dir = mkdtempSync(join(tmpdir(), 'keys-'));
const keysFile = join(dir, 'keys');
writeFileSync(keysFile, '# mounted secret\ncrm:main=crm-key-0123456789abcdef\n');

let service: TestService;
const auth = suite('production: API keys');
auth.before(async () => {
  service = await startTestService({
    API_KEYS: 'bot:whatsapp=bot-key-0123456789abcdef',
    API_KEYS_FILE: keysFile,
    ADMIN_API_KEYS: 'ops=admin-key-0123456789abcdef',
    METRICS_API_KEYS: 'prometheus=metrics-key-0123456789abcdef',
  });
});
auth.after(() => service.stop());

async function trpcReason(apiKey: string | null): Promise<{ reason?: string; status?: number }> {
  const client = createWispHubClient({ url: service.url, apiKey: apiKey ?? '' });
  try {
    await client.plans.list.query();
    return {};
  } catch (error) {
    const data = (error as TRPCClientError<AppRouter>).data;
    return { reason: data?.reason, status: data?.httpStatus };
  }
}

auth('several named keys (from API_KEYS and API_KEYS_FILE), X-API-Key or Bearer', async () => {
  assert.is((await service.rest('/plans', { headers: { 'x-api-key': 'bot-key-0123456789abcdef' } })).status, 200);
  assert.is((await service.rest('/plans', { headers: { authorization: 'Bearer crm-key-0123456789abcdef' } })).status, 200);
  assert.equal(await trpcReason('crm-key-0123456789abcdef'), {});
});

auth('missing key → 401 api_key_missing, wrong key → 403 api_key_invalid, on both surfaces', async () => {
  const missing = await fetch(`${service.url}/api/v1/plans`);
  assert.is(missing.status, 401);
  assert.is(((await missing.json()) as RestErrorBody).error.reason, 'api_key_missing');
  const wrong = await service.rest('/plans', { headers: { 'x-api-key': 'bot-key-0123456789abcdeX' } });
  assert.is(wrong.status, 403);
  assert.is(((await wrong.json()) as RestErrorBody).error.reason, 'api_key_invalid');
  assert.equal(await trpcReason(null), { reason: 'api_key_missing', status: 401 });
  assert.equal(await trpcReason('nope-nope-nope-nope'), { reason: 'api_key_invalid', status: 403 });
  // The development key only exists when no key is configured.
  assert.is((await service.rest('/plans', { headers: { 'x-api-key': 'dev-local-key-not-for-production' } })).status, 403);
});

auth('one keep-alive connection changing keys: every request is judged by its own key', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const status = (key: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${service.url}/api/v1/plans`, { agent, headers: { 'x-api-key': key } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  const sockets = new Set<unknown>();
  agent.on('free', (socket) => sockets.add(socket));
  try {
    assert.equal(
      [
        await status('bot-key-0123456789abcdef'),
        await status('bot-key-0123456789abcdef'),
        await status('bot-key-0123456789abcdeX'),
        await status('crm-key-0123456789abcdef'),
        await status('bot-key-0123456789abcde'),
        await status('bot-key-0123456789abcdef'),
      ],
      [200, 200, 403, 200, 403, 200],
    );
    assert.is(sockets.size, 1, 'all on one connection');
  } finally {
    agent.destroy();
  }
});

auth('the per-connection memory of a key only ever answers for the same key', () => {
  const registry = new ApiKeyRegistry([{ name: 'bot', key: 'bot-key-0123456789abcdef', role: 'bot' }], false);
  const connection = {};
  assert.is(registry.identifyOn(connection, 'bot-key-0123456789abcdef')?.name, 'bot');
  assert.is(registry.identifyOn(connection, 'bot-key-0123456789abcdeX'), null);
  assert.is(registry.identifyOn(connection, 'bot-key-0123456789abcdef')?.name, 'bot');
  assert.is(registry.identifyOn(undefined, 'bot-key-0123456789abcdeX'), null);
  assert.is(registry.identifyOn({}, ''), null);
});

auth('public routes answer without a key; /metrics needs an admin or metrics key, never a bot or operator key', async () => {
  for (const path of ['/health', '/openapi.json', '/docs', '/docs/init.js']) {
    assert.is((await fetch(`${service.url}${path}`)).status, 200, path);
  }
  assert.ok([200, 503].includes((await fetch(`${service.url}/ready`)).status));
  assert.is((await fetch(`${service.url}/metrics`)).status, 401);
  await fetch(`${service.url}/api/v1/plans`, { headers: { authorization: 'Bearer crm-key-0123456789abcdef' } });
  for (const businessKey of ['crm-key-0123456789abcdef', 'bot-key-0123456789abcdef', OPERATOR_KEY]) {
    const refused = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${businessKey}` } });
    assert.is(refused.status, 403, 'a business key never reads every key’s traffic');
    assert.not.match(await refused.text(), /crm:main|whatsapp/);
  }
  for (const scraper of ['admin-key-0123456789abcdef', 'metrics-key-0123456789abcdef']) {
    const metrics = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${scraper}` } });
    assert.is(metrics.status, 200);
    assert.match(await metrics.text(), /wisphub_api_key_requests_total\{key="crm:main"\}/);
  }
  const metricsKeyElsewhere = await fetch(`${service.url}/api/v1/plans`, { headers: { 'x-api-key': 'metrics-key-0123456789abcdef' } });
  assert.is(metricsKeyElsewhere.status, 403, 'a metrics key opens nothing else');
});

auth.run();

const limits = suite('production: rate limits and identity lockouts');
let limited: TestService;
let identity: TestService;
limits.before(async () => {
  limited = await startTestService({ RATE_LIMIT_PER_S: '2', RATE_LIMIT_BURST: '4' });
  identity = await startTestService({ VERIFY_MAX_FAILURES: '5', RESOLVE_MAX_FAILURES_PER_KEY: '3' });
});
limits.after(async () => {
  await limited.stop();
  await identity.stop();
});

limits(
  'RateLimit-Limit / -Remaining / -Reset on REST (full and memoised paths), tRPC and MCP answers, so a bot can pace itself',
  async () => {
    const paced = await startTestService({ RATE_LIMIT_PER_S: '1', RATE_LIMIT_BURST: '30' });
    try {
      const read = (response: Response) =>
        ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((name) => Number(response.headers.get(name)));
      const first = await paced.rest('/plans');
      const second = await paced.rest('/plans'); // memoised: the fast path
      const [limit, remainingFirst, reset] = read(first);
      const [, remainingSecond] = read(second);
      assert.is(limit, 30);
      assert.ok(remainingSecond! < remainingFirst!, `${remainingFirst} then ${remainingSecond}`);
      assert.ok(reset! >= 1);
      const trpc = await fetch(`${paced.url}/trpc/plans.list`, { headers: { 'x-api-key': paced.config.API_KEYS[0]!.key } });
      assert.is(trpc.headers.get('ratelimit-limit'), '30');
      const refused = await paced.rest('/plans/abc');
      assert.is(refused.status, 400);
      assert.ok(refused.headers.get('ratelimit-remaining') !== null, 'errors carry them too');
      const mcp = await fetch(`${paced.url}/mcp`, {
        method: 'POST',
        headers: {
          'x-api-key': paced.config.API_KEYS[0]!.key,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      assert.is(mcp.headers.get('ratelimit-limit'), '30');
    } finally {
      await paced.stop();
    }
  },
);

limits('token bucket per key: past the burst → 429 rate_limited with Retry-After, on both surfaces, other keys unaffected', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await limited.rest('/tickets/subjects')).status);
  assert.equal(statuses.slice(0, 4), [200, 200, 200, 200]);
  const response = await limited.rest('/tickets/subjects');
  assert.is(response.status, 429);
  assert.is(((await response.json()) as RestErrorBody).error.reason, 'rate_limited');
  assert.ok(Number(response.headers.get('retry-after')) >= 1);
  try {
    await limited.client.tickets.subjects.query();
    assert.unreachable();
  } catch (error) {
    assert.is((error as TRPCClientError<AppRouter>).data?.reason, 'rate_limited');
  }
  await new Promise((resolve) => setTimeout(resolve, 1100)); // two tokens back
  assert.is((await limited.rest('/tickets/subjects')).status, 200);
});

limits('5 failed verifications of one service id → 429 verification_locked (also for a correct answer); others unaffected', async () => {
  const raw = identity.sim.data.clients.find((c) => typeof c.cedula === 'string')!;
  const serviceId = raw.id_servicio as number;
  for (let i = 0; i < 5; i++) {
    const response = await identity.rest(`/clients/${serviceId}/verify`, {
      method: 'POST',
      json: { document: `999${i}`, name: 'Alguien Más' },
    });
    assert.is(response.status, 200);
    assert.is(((await response.json()) as { isValid: boolean }).isValid, false);
  }
  const locked = await identity.rest(`/clients/${serviceId}/verify`, {
    method: 'POST',
    json: { document: String(raw.cedula), name: String(raw.nombre) },
  });
  const body = (await locked.json()) as RestErrorBody;
  assert.is(locked.status, 429);
  assert.is(body.error.reason, 'verification_locked');
  assert.ok(Number(locked.headers.get('retry-after')) > 60, 'locked for the window');
  try {
    await identity.client.clients.verify.mutate({ serviceId, document: String(raw.cedula), name: String(raw.nombre) });
    assert.unreachable();
  } catch (error) {
    assert.is((error as TRPCClientError<AppRouter>).data?.reason, 'verification_locked');
  }
  const other = identity.sim.data.clients.find((c) => typeof c.cedula === 'string' && c.id_servicio !== serviceId)!;
  const fine = await identity.client.clients.verify.mutate({
    serviceId: other.id_servicio as number,
    document: String(other.cedula),
    name: String(other.nombre),
  });
  assert.ok(fine.isValid);
});

limits('failed resolves are limited per key', async () => {
  const claims = { name: 'Nadie Nunca', address: 'Ninguna Parte', planName: 'Ninguno' };
  for (let i = 0; i < 3; i++) assert.is((await identity.client.clients.resolve.mutate(claims)).status, 'not_found');
  const locked = await identity.rest('/clients/resolve', { method: 'POST', json: claims });
  assert.is(locked.status, 429);
  assert.is(((await locked.json()) as RestErrorBody).error.reason, 'verification_locked');
});

limits.run();

const units = suite('production: limiter units');
units('token bucket refills continuously up to the burst', () => {
  let now = 0;
  const limiter = new TokenBucketLimiter(2, 3, () => now);
  const take = (key: string) => limiter.take(key).wait;
  assert.equal([take('a'), take('a'), take('a')], [0, 0, 0]);
  assert.is(take('a'), 1);
  assert.is(take('b'), 0, 'keys are independent');
  now += 500;
  assert.is(take('a'), 0);
  now += 10_000;
  assert.equal([take('a'), take('a'), take('a'), take('a') > 0], [0, 0, 0, true]);
  now += 10_000;
  assert.equal(limiter.take('c'), { wait: 0, remaining: 2, resetSeconds: 1, limit: 3 }, 'what is left, and when it is whole again');
});
units('failure window forgets old failures', () => {
  let now = 0;
  const window = new FailureWindow(1000, () => now);
  window.record('x');
  now = 600;
  window.record('x');
  assert.is(window.count('x'), 2);
  assert.is(window.retryAfterSeconds('x'), 1);
  now = 1200;
  assert.is(window.count('x'), 1);
  window.clear('x');
  assert.is(window.count('x'), 0);
});
units('failure window lists the keys at or over a count, within the window, up to a limit', () => {
  let now = 0;
  const window = new FailureWindow(1000, () => now);
  for (const key of ['a', 'a', 'b', 'c', 'c', 'c']) window.record(key);
  assert.equal(
    window.atLeast(2, 10).map(({ key, count }) => [key, count]),
    [
      ['a', 2],
      ['c', 3],
    ],
  );
  assert.is(window.atLeast(1, 2).length, 2, 'the limit holds');
  assert.equal(window.atLeast(1, 0), [], 'even at zero');
  assert.is(window.atLeast(2, 10)[0]!.retryAfterSeconds, 1);
  now = 1500;
  assert.equal(window.atLeast(1, 10), [], 'nothing left in the window');
});
units('a lockout key reads back into the service id, key and end user it names', () => {
  const cases: [LockoutScope, Conversation, number | null][] = [
    ['service-conversation', { keyName: 'bot:wa', endUser: 'whatsapp:+573001234567' }, 42],
    ['service-conversation', { keyName: 'bot:wa', endUser: 'a|3:b|c' }, 7],
    ['service-conversation', { keyName: 'bot:web', endUser: null }, 9],
    ['conversation-verify', { keyName: 'bot:wa', endUser: '' }, null],
    ['conversation-resolve', { keyName: 'bot:wa', endUser: 'x' }, null],
  ];
  for (const [scope, who, serviceId] of cases) {
    const key = serviceId === null ? conversationKey(who) : `${serviceId}|${conversationKey(who)}`;
    assert.equal(lockoutSubject(scope, key), { serviceId, keyName: who.keyName, endUser: who.endUser }, key);
  }
  assert.equal(lockoutSubject('service', '1234'), { serviceId: 1234, keyName: null, endUser: null });
});
units.run();
