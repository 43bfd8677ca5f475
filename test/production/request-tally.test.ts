import { Counter, Histogram, Registry } from 'prom-client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RequestTally } from '../../server/observability/request-tally';

/**
 * Request metrics are tallied in plain arrays and handed to prom-client at scrape time. Whatever
 * the tally does, /metrics must read exactly as prom-client's own counters and histogram would
 * have after observing the same requests, in both the text and the JSON exposition.
 */

const tally = suite('production: request metrics tallied between scrapes');

type Observation = [surface: string, procedure: string, status: number, seconds: number, key: string | null];

const OBSERVATIONS: Observation[] = [
  ['rest', 'plans.list', 200, 0.0004, 'bot:whatsapp'],
  ['rest', 'plans.list', 200, 0.001, 'bot:whatsapp'], // exactly on a bound: counted in it (le)
  ['rest', 'plans.list', 304, 0.0031, 'bot:whatsapp'],
  ['trpc', 'clients.search', 200, 0.02, 'crm:main'],
  ['trpc', 'batch', 200, 0.7, 'crm:main'],
  ['rest', 'plans.byId', 404, 12, null], // past the largest bound: only in +Inf
  ['service', 'unmatched', 401, 0, null],
];

/** The same metrics as ServiceMetrics declared them before the tally: the reference. */
function reference(observations: readonly Observation[]): Registry {
  const registry = new Registry();
  const requests = new Counter({
    name: 'wisphub_http_requests_total',
    help: 'Requests by surface, procedure and status.',
    labelNames: ['surface', 'procedure', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'wisphub_http_request_duration_seconds',
    help: 'Request latency by surface and procedure.',
    labelNames: ['surface', 'procedure'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const keys = new Counter({
    name: 'wisphub_api_key_requests_total',
    help: 'Authenticated requests per API key name.',
    labelNames: ['key'],
    registers: [registry],
  });
  for (const [surface, procedure, status, seconds, key] of observations) {
    requests.inc({ surface, procedure, status: String(status) });
    duration.observe({ surface, procedure }, seconds);
    if (key) keys.inc({ key });
  }
  return registry;
}

function tallied(observations: readonly Observation[]): { registry: Registry; tally: RequestTally } {
  const registry = new Registry();
  const requests = new RequestTally(registry);
  for (const observation of observations) requests.observe(...observation);
  return { registry, tally: requests };
}

tally('the text exposition equals prom-client’s after the same requests', async () => {
  const expected = await reference(OBSERVATIONS).metrics();
  const actual = await tallied(OBSERVATIONS).registry.metrics();
  assert.fixture(actual, expected);
  assert.match(actual, /wisphub_http_request_duration_seconds_bucket\{le="0.001",surface="rest",procedure="plans.list"\} 2/);
});

tally('the JSON exposition equals prom-client’s', async () => {
  const expected = await reference(OBSERVATIONS).getMetricsAsJSON();
  const actual = await tallied(OBSERVATIONS).registry.getMetricsAsJSON();
  assert.equal(actual, expected);
});

tally('counts keep growing across scrapes: requests between two scrapes are added once, never twice or lost', async () => {
  const { registry, tally: requests } = tallied(OBSERVATIONS.slice(0, 3));
  await registry.metrics();
  await registry.metrics(); // a second scrape with nothing new changes nothing
  for (const observation of OBSERVATIONS.slice(3)) requests.observe(...observation);
  assert.fixture(await registry.metrics(), await reference(OBSERVATIONS).metrics());
});

tally('nothing observed: the metrics are declared with no samples, as prom-client declares them', async () => {
  assert.fixture(await tallied([]).registry.metrics(), await reference([]).metrics());
});

tally.run();
