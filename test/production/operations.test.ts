import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { captureLogs } from '../support/log-capture';
import { startTestService, type TestService } from '../support/service';

/** Logs, request ids, metrics, readiness, CORS and security headers. */

const { logger, lines } = captureLogs('info');

let service: TestService;
const operations = suite('production: observability and hardening');
operations.before(async () => {
  service = await startTestService(
    { CORS_ORIGINS: 'https://bot.example.com', API_KEYS: 'bot:whatsapp=bot-key-0123456789abcdef', METRICS_API_KEYS: `prom=${METRICS_KEY}` },
    { logger },
  );
});
operations.after(() => service.stop());
const key = { 'x-api-key': 'bot-key-0123456789abcdef' };
const METRICS_KEY = 'metrics-key-0123456789abcdef';

operations('one JSON log line per request with id, key name, procedure, status, duration, cache; documents and phones masked', async () => {
  const raw = service.sim.data.clients.find(
    (c) => typeof c.cedula === 'string' && /^\d{8,}$/.test(c.cedula) && typeof c.telefono === 'string' && /^3\d{9}$/.test(c.telefono),
  )!;
  lines.length = 0;
  await service.rest(`/clients/by-document/${String(raw.cedula)}`, { headers: { ...key, 'x-request-id': 'trace-doc-1' } });
  await service.rest(`/clients/by-phone/${String(raw.telefono)}`, { headers: key });
  await service.client.clients.byServiceId.query({ serviceId: raw.id_servicio as number }).catch(() => null);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const requests = lines.filter((line) => line.msg === 'request');
  const documentLine = requests.find((line) => line.requestId === 'trace-doc-1')!;
  assert.ok(documentLine, 'the request id given is the one logged');
  assert.is(documentLine.key, 'bot:whatsapp');
  assert.is(documentLine.procedure, 'clients.byDocument');
  assert.is(documentLine.status, 200);
  assert.type(documentLine.ms, 'number');
  assert.ok(['hit', 'miss', 'stale'].includes(String(documentLine.cache)));
  assert.ok(requests.some((line) => line.surface === 'trpc'));
  const all = JSON.stringify(lines);
  assert.not.ok(all.includes(String(raw.cedula)), 'the document is masked');
  assert.not.ok(all.includes(String(raw.telefono)), 'the phone is masked');
  assert.not.ok(all.includes('bot-key-0123456789abcdef'), 'the API key is never logged');
  assert.not.ok(all.includes(service.sim.apiKey), 'the upstream key is never logged');
});

operations(
  '/metrics: requests by procedure and status, key usage, cache hits/misses/stale, upstream calls, breaker, in-flight',
  async () => {
    await service.rest('/plans', { headers: key });
    await service.rest('/plans', { headers: key });
    await service.rest('/plans/99999', { headers: key });
    const text = await (await fetch(`${service.url}/metrics`, { headers: { 'x-api-key': METRICS_KEY } })).text();
    for (const pattern of [
      /wisphub_http_requests_total\{surface="rest",procedure="plans.list",status="200"\} [2-9]/,
      /wisphub_http_requests_total\{surface="rest",procedure="plans.byId",status="404"\} 1/,
      /wisphub_http_request_duration_seconds_bucket\{le="0.005",surface="rest",procedure="plans.list"\}/,
      /wisphub_api_key_requests_total\{key="bot:whatsapp"\} \d+/,
      /wisphub_cache_requests_total\{resource="plans",result="miss"\} 1/,
      /wisphub_cache_requests_total\{resource="plans",result="hit"\} [1-9]/,
      /wisphub_cache_entries\{resource="plans"\} 1/,
      /wisphub_upstream_calls_total\{endpoint="\/api\/plan-internet\/",method="GET",status="200"\} 1/,
      /wisphub_upstream_breaker_state 0/,
      /wisphub_http_requests_in_flight \d/,
      /wisphub_upstream_skipped_items_total \d/,
    ]) {
      assert.match(text, pattern);
    }
  },
);

operations('/ready: 503 with a reason until clients and plans are loaded, then 200', async () => {
  // WARMUP is off in tests: nothing is loaded until the first reads.
  const cold = await startTestService();
  try {
    const before = await fetch(`${cold.url}/ready`);
    const beforeBody = (await before.json()) as { status: string; reasons: string[] };
    assert.is(before.status, 503);
    assert.equal(beforeBody.reasons, ['warming_up']);
    await cold.operator.clients.list.query({ limit: 1 });
    assert.is((await fetch(`${cold.url}/ready`)).status, 503, 'plans still missing');
    await cold.client.plans.list.query();
    const after = await fetch(`${cold.url}/ready`);
    assert.is(after.status, 200);
    assert.is(((await after.json()) as { status: string }).status, 'ready');
  } finally {
    await cold.stop();
  }
});

operations('warm-up at start loads clients and plans in the background: /ready turns 200 without traffic', async () => {
  const warming = await startTestService({ WARMUP: 'true' });
  try {
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await fetch(`${warming.url}/ready`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.is(status, 200);
    assert.is(warming.sim.calls(/^GET \/api\/plan-internet\/$/), 1);
  } finally {
    await warming.stop();
  }
});

operations('/ready says the upstream is unreachable when nothing is cached and calls fail', async () => {
  const cold = await startTestService({ UPSTREAM_BREAKER_THRESHOLD: '1', UPSTREAM_RETRIES: '0', METRICS_API_KEYS: `prom=${METRICS_KEY}` });
  try {
    cold.sim.setFaults({ forceStatus: 503 });
    await cold.staff('/clients?limit=1');
    const ready = await fetch(`${cold.url}/ready`);
    assert.is(ready.status, 503);
    const body = (await ready.json()) as { reasons: string[]; checks: { upstreamBreaker: string } };
    assert.equal(body.reasons, ['upstream_unreachable']);
    assert.is(body.checks.upstreamBreaker, 'open');
    const metrics = await (await fetch(`${cold.url}/metrics`, { headers: { 'x-api-key': METRICS_KEY } })).text();
    assert.match(metrics, /wisphub_upstream_breaker_state 2/);
  } finally {
    await cold.stop();
  }
});

operations('CORS only for configured origins (no wildcard); preflight answers; security headers on REST', async () => {
  const allowed = await service.rest('/plans', { headers: { ...key, origin: 'https://bot.example.com' } });
  assert.is(allowed.headers.get('access-control-allow-origin'), 'https://bot.example.com');
  assert.match(allowed.headers.get('access-control-expose-headers') ?? '', /x-request-id/);
  const other = await service.rest('/plans', { headers: { ...key, origin: 'https://evil.example.com' } });
  assert.is(other.headers.get('access-control-allow-origin'), null);
  const preflight = await fetch(`${service.url}/api/v1/tickets`, {
    method: 'OPTIONS',
    headers: {
      origin: 'https://bot.example.com',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'x-api-key, content-type',
    },
  });
  assert.is(preflight.status, 204);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /x-api-key/);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /idempotency-key/);
  for (const [name, value] of [
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
    ['referrer-policy', 'no-referrer'],
    ['cache-control', 'no-store'],
  ]) {
    assert.is(allowed.headers.get(name!), value, name);
  }
  assert.match(allowed.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.ok(allowed.headers.get('x-request-id'));
});

operations('every answer carries the same common headers: fast path, full path, errors, tRPC, docs, preflight', async () => {
  const origin = 'https://bot.example.com';
  const common = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'access-control-allow-origin'];
  const answers: [string, Response][] = [];
  const get = async (label: string, path: string, init: RequestInit = {}) => {
    const response = await fetch(`${service.url}${path}`, { ...init, headers: { ...key, origin, ...init.headers } });
    await response.arrayBuffer();
    answers.push([label, response]);
    return response;
  };
  await get('rest miss or hit', '/api/v1/plans');
  const memoHit = await get('rest memo hit', '/api/v1/plans');
  assert.is(memoHit.headers.get('x-cache'), 'hit');
  await get('trpc', '/trpc/plans.list');
  await get('trpc full path (unknown procedure)', '/trpc/nope.nothing');
  await get('unknown route', '/nowhere');
  await get('wrong method', '/health', { method: 'DELETE' });
  await get('health', '/health');
  const docs = await get('docs', '/docs');
  await get('preflight', '/api/v1/plans', { method: 'OPTIONS', headers: { 'access-control-request-method': 'GET' } });
  const reference = answers[0]![1];
  for (const [label, response] of answers) {
    assert.ok(response.headers.get('x-request-id'), `${label}: x-request-id`);
    for (const name of common) assert.is(response.headers.get(name), reference.headers.get(name), `${label}: ${name}`);
    // tRPC adds its own vary tokens; Origin must survive them on every path.
    assert.ok(/(^|,\s*)origin(,|$)/i.test(response.headers.get('vary') ?? ''), `${label}: vary ${response.headers.get('vary')}`);
  }
  assert.is(reference.headers.get('access-control-allow-origin'), origin);
  // The docs page keeps its own policy (it runs Swagger UI's script), never the JSON one.
  assert.not.match(docs.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.match(docs.headers.get('content-type') ?? '', /text\/html/);
});

operations.run();
