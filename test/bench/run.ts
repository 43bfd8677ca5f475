/**
 * npm run bench [-- --quick] [-- --runtime node|bun|all] [-- --only=llm]
 * Starts everything it needs on loopback (simulator, service, bare node:http baselines) as child
 * processes, measures, prints tables and writes bench/results.json. The service, its bare-server
 * baseline and the in-process search run on the runtime under test; the simulator (the upstream)
 * and the load generator always run on Node, so both runtimes face the same upstream and load.
 * Every throughput figure is a ratio against a baseline on the same runtime in the same run:
 * these machines are shared and noisy. Results of a runtime not measured in this run are kept
 * from the previous bench/results.json, with their own date, so the tables stay side by side.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { bundle } from '../../scripts/build';
import { RUNTIME_NAMES, type Runtime, runtimeExecutable, takeRuntimeFlag, typescriptArgs } from '../support/runtimes';
import { classifierReport, measureLlmGateway } from './llm-gateway';
import { median, round3 } from './stats';
import { type AfterCollection, runSteadyLoad } from './steady-load';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
/** `--only=llm`: the LLM gateway section alone (npm run bench:llm). */
const only = argv.find((arg) => arg.startsWith('--only='))?.split('=')[1] ?? null;
const runtimes = takeRuntimeFlag(argv, 'node');
const RESULTS_FILE = 'bench/results.json';
/** Seconds a side of each measured round, and rounds (each on a fresh service instance). */
const ROUND_S = quick ? 2 : 4;
const ROUNDS = quick ? 2 : 5;
/** Steady traffic: ten minutes in a full run (memory growth after the first minute, upstream calls an hour). */
const STEADY_S = Number(argv.find((arg) => arg.startsWith('--steady-seconds='))?.split('=')[1] ?? (quick ? 20 : 600));
const STEADY_SETTLE_S = quick ? 5 : 60;
const STEADY_RATE = 25;
const OPERATOR_KEY = 'bench-operator-0123456789abcdef';
const WARMUP_S = quick ? 1 : 3;
const CONNECTIONS = 50;
const API_KEY = 'bench-key-0123456789abcdef';
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  info: Record<string, unknown>;
}

/**
 * Children report over IPC; their stdout (the service's info-level JSON logs) goes to /dev/null,
 * so logging costs what it costs in production without a pipe back to this process.
 * `.mjs` scripts (the bundled service) run as they are; `.ts` ones through tsx on Node.
 */
function startChild(
  runtime: Runtime,
  script: string,
  args: string[],
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Started> {
  const scriptArgs = script.endsWith('.ts') ? typescriptArgs(runtime, script, args) : [script, ...args];
  const child = spawn(runtimeExecutable(runtime), [...(runtime === 'node' ? nodeArgs : []), ...scriptArgs], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 120_000);
    child.once('message', (info) => {
      clearTimeout(timer);
      resolve({ child, info: info as Record<string, unknown> });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

const SERVICE = '.bench-build/serve-service.mjs';
/** Built like the service, so neither carries tsx (see serve-idle-floor.ts). */
const IDLE_FLOOR = '.bench-build/serve-idle-floor.mjs';

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null) return;
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGTERM');
  await exited;
}

function serviceEnv(sim: Started, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    WISPHUB_NET_HOST: String(sim.info.url),
    WISPHUB_NET_KEY: String(sim.info.apiKey),
    API_KEYS: `bench=${API_KEY}`,
    OPERATOR_API_KEYS: `bench-operator=${OPERATOR_KEY}`,
    VERIFICATION_SECRET: 'bench-verification-secret-0123456789abcdef',
    RATE_LIMIT_PER_S: '1000000',
    RATE_LIMIT_BURST: '1000000',
    WARMUP: 'false',
    ...extra,
  };
}

interface LoadResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function warmUp(url: string, headers: Record<string, string> = {}): Promise<void> {
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_S, headers });
}

async function load(url: string, headers: Record<string, string> = {}): Promise<LoadResult> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: ROUND_S, headers });
  return {
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

interface Baseline {
  started: Started;
  url: string;
  bytes: number;
}

/** A bare node:http server answering the bytes the service answers on `path`, warmed up. */
async function startBaseline(runtime: Runtime, name: string, serviceUrl: string, path: string): Promise<Baseline> {
  const response = await fetch(`${serviceUrl}${path}`, { headers: { 'x-api-key': API_KEY } });
  if (response.status !== 200) throw new Error(`${name}: ${response.status} ${await response.text()}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'body.json');
  writeFileSync(file, bytes);
  const started = await startChild(runtime, 'test/bench/serve-baseline.ts', [file], {});
  const url = String(started.info.url);
  await warmUp(url);
  return { started, url, bytes: bytes.length };
}

/**
 * Cached reads (name, path) against their bare baselines. Every round runs on a fresh service
 * instance (`first` is the first round's): an instance's speed stays with it for life (most likely
 * the JIT decisions of its warm-up), and two instances of one bundle differ by up to ±15% in req/s
 * (an A/A of 10 fresh pairs read 0.83-1.15 a pair), so rounds on one instance measure that
 * instance. In a round, each route is warmed up on the new instance, then its bare server and the
 * service are loaded one after the other; each figure is the median of its rounds, so a burst of
 * neighbour load lands in one round, not in one whole side.
 */
async function measureCachedReads(
  runtime: Runtime,
  first: Started,
  startService: () => Promise<Started>,
  routes: [string, string][],
): Promise<Record<string, unknown>[]> {
  const headers = { 'x-api-key': API_KEY };
  let service = first;
  const baselines: Baseline[] = [];
  for (const [name, path] of routes) baselines.push(await startBaseline(runtime, name, String(service.info.url), path));
  const bases: LoadResult[][] = routes.map(() => []);
  const measured: LoadResult[][] = routes.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    if (round > 0) {
      await stop(service);
      service = await startService();
    }
    for (const [index, [, path]] of routes.entries()) {
      const url = `${String(service.info.url)}${path}`;
      await warmUp(url, headers);
      bases[index]!.push(await load(baselines[index]!.url));
      measured[index]!.push(await load(url, headers));
    }
    process.stderr.write(`  ${runtime}: cached reads, round ${round + 1} of ${ROUNDS}\n`);
  }
  await stop(service);
  for (const baseline of baselines) await stop(baseline.started);
  return routes.map(([name], index) => {
    const serviceRounds = measured[index]!;
    const baseRounds = bases[index]!;
    const ratios = serviceRounds.map((result, round) => result.reqPerSec / baseRounds[round]!.reqPerSec);
    return {
      route: name,
      bytes: baselines[index]!.bytes,
      baselineReqPerSec: Math.round(median(baseRounds.map((result) => result.reqPerSec))),
      reqPerSec: Math.round(median(serviceRounds.map((result) => result.reqPerSec))),
      ratio: round3(median(ratios)),
      roundRatios: ratios.map(round3),
      p50Ms: median(serviceRounds.map((result) => result.p50)),
      p99Ms: median(serviceRounds.map((result) => result.p99)),
      p99MsRounds: serviceRounds.map((result) => result.p99),
      baselineP99Ms: median(baseRounds.map((result) => result.p99)),
      errors: serviceRounds.reduce((sum, result) => sum + result.errors + result.non2xx, 0),
    };
  });
}

async function simCalls(sim: Started, pattern: RegExp): Promise<number> {
  const body = (await (await fetch(`${String(sim.info.url)}/__sim/calls`)).json()) as { byPath: Record<string, number> };
  return Object.entries(body.byPath)
    .filter(([key]) => pattern.test(key))
    .reduce((sum, [, count]) => sum + count, 0);
}

async function setFaults(sim: Started, faults: Record<string, unknown>): Promise<void> {
  await fetch(`${String(sim.info.url)}/__sim/faults`, { method: 'PUT', body: JSON.stringify(faults) });
}

const LIST = /^GET \/api\/clientes\/$/;

function startSimulator(clients: number): Promise<Started> {
  return startChild('node', 'test/bench/serve-simulator.ts', [], { SIM_CLIENTS: String(clients) });
}

/**
 * The floor under a cold load: the same two rounds of pages from the same simulator, only received
 * and JSON-parsed (no validation, mapping or indexing), in the runner on Node. What the service
 * takes beyond this is its own work on the pages.
 */
async function receiveOnly(sim: Started, clients: number): Promise<number> {
  const headers = { Authorization: `Api-Key ${String(sim.info.apiKey)}` };
  const page = async (offset: number) =>
    JSON.parse(await (await fetch(`${String(sim.info.url)}/api/clientes/?limit=1000&offset=${offset}`, { headers })).text()) as unknown;
  const started = performance.now();
  await page(0);
  await Promise.all(Array.from({ length: Math.ceil(clients / 1000) - 1 }, (_, index) => page((index + 1) * 1000)));
  return Math.round(performance.now() - started);
}

/**
 * Cold loads a size is measured: each on a fresh service, the receive floor after each. One cold
 * load is one sample of a ~1 s figure whose spread between runs was ~0.18 s, so the row is a median.
 */
const COLD_SAMPLES = quick ? 1 : 5;

async function coldLoad(runtime: Runtime, clients: number, concurrent: number): Promise<Record<string, unknown>> {
  const sim = await startSimulator(clients);
  await setFaults(sim, { pageLatencyMs: 400 });
  // The upstream is not cold for each of our loads: one receive first, unmeasured, warms the
  // simulator's own page serving, as the floors after each sample always found it.
  await receiveOnly(sim, clients);
  const samples: { ms: number; floorMs: number; calls: number; allOk: boolean }[] = [];
  for (let sample = 0; sample < COLD_SAMPLES; sample++) {
    const service = await startChild(runtime, SERVICE, [], serviceEnv(sim, { UPSTREAM_PAGE_SIZE: '1000', UPSTREAM_CONCURRENCY: '10' }));
    const before = await simCalls(sim, LIST);
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: concurrent }, () =>
        fetch(`${String(service.info.url)}/api/v1/clients?limit=1`, { headers: { 'x-api-key': OPERATOR_KEY } }).then((r) => r.status),
      ),
    );
    const ms = Math.round(performance.now() - started);
    const calls = (await simCalls(sim, LIST)) - before;
    await stop(service);
    samples.push({ ms, floorMs: await receiveOnly(sim, clients), calls, allOk: answers.every((s) => s === 200) });
  }
  await stop(sim);
  return {
    clients,
    concurrentRequests: concurrent,
    msToFirstAnswer: median(samples.map((sample) => sample.ms)),
    receiveOnlyMs: median(samples.map((sample) => sample.floorMs)),
    msToFirstAnswerSamples: samples.map((sample) => sample.ms),
    receiveOnlyMsSamples: samples.map((sample) => sample.floorMs),
    upstreamListCalls: Math.max(...samples.map((sample) => sample.calls)),
    expectedPages: Math.ceil(clients / 1000),
    allOk: samples.every((sample) => sample.allOk),
  };
}

/** RSS of a child from /proc (Linux), in MB. */
function rssOf(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Math.round(Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024);
}

/**
 * How long a process is left alone while its RSS is sampled (once a second): V8's memory reducer
 * returns the load's garbage pages when it judges the process idle, usually within 30 s but not
 * always (one full run read 158 MB at 30 s where others read ~110), so the settled figure is the
 * lowest sample of the window, not one reading at its end.
 */
const SETTLE_MS = quick ? 10_000 : 60_000;

async function lowestRss(children: ChildProcess[], windowMs: number): Promise<number[]> {
  const lowest = children.map(() => Number.POSITIVE_INFINITY);
  for (const until = Date.now() + windowMs; Date.now() < until; ) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    children.forEach((child, index) => {
      lowest[index] = Math.min(lowest[index]!, rssOf(child));
    });
  }
  return lowest;
}

async function memory(runtime: Runtime, clients: number): Promise<Record<string, unknown>> {
  const sim = await startSimulator(clients);
  const service = await startChild(runtime, SERVICE, [], serviceEnv(sim, { WARM: '1' }), ['--expose-gc']);
  const idle = await startChild(runtime, SERVICE, [], serviceEnv(sim, { WARM: '0' }), ['--expose-gc']);
  const floor = await startChild(runtime, IDLE_FLOOR, [], {});
  const [serviceSettled, idleSettled, floorSettled] = await lowestRss([service.child, idle.child, floor.child], SETTLE_MS);
  const result = {
    clients,
    idleRssMb: Math.round(Number(idle.info.rssMb)),
    idleSettledRssMb: idleSettled,
    idleFloorSettledRssMb: floorSettled,
    rssMb: Math.round(Number(service.info.rssMb)),
    settledRssMb: serviceSettled,
    heapUsedMb: Math.round(Number(service.info.heapUsedMb)),
    heapTotalMb: Math.round(Number(service.info.heapTotalMb)),
  };
  await stop(idle);
  await stop(floor);
  await stop(service);
  await stop(sim);
  return result;
}

/**
 * How long the steady phase leaves the service alone after each full collection (its traffic
 * paused) for the lowest RSS: V8's memory reducer returns pooled pages within ~30 s of quiet.
 */
const AFTER_GC_SETTLE_MS = quick ? 2000 : 30_000;

/** Asks a bench service for its heap and settled RSS after a full collection (see serve-service.ts). */
function afterCollection(service: Started): Promise<AfterCollection> {
  return new Promise((resolve) => {
    service.child.once('message', (reply) => {
      const { heapUsedAfterGcMb, rssMb, newSpaceMb } = reply as { heapUsedAfterGcMb: number; rssMb: number; newSpaceMb: number | null };
      resolve({ heapUsedMb: Number(heapUsedAfterGcMb), rssMb: Number(rssMb), newSpaceMb });
    });
    service.child.send({ heap: AFTER_GC_SETTLE_MS });
  });
}

async function steady(runtime: Runtime): Promise<Record<string, unknown>> {
  const sim = await startSimulator(quick ? 2000 : 10_000);
  // Production defaults for every TTL: only the keys and the bench's rate limits are set.
  const service = await startChild(
    runtime,
    SERVICE,
    [],
    serviceEnv(sim, { WARM: '1', OPERATOR_API_KEYS: `bench-operator=${OPERATOR_KEY}`, DEFAULT_TECHNICIAN_ID: '11' }),
    ['--expose-gc'],
  );
  const headers = { 'x-api-key': OPERATOR_KEY };
  const clients: { serviceId: number; document: string | null; name: string; zone: { id: number } | null }[] = [];
  for (let offset = 0; offset < 2000; offset += 500) {
    const page = (await (await fetch(`${String(service.info.url)}/api/v1/clients?limit=500&offset=${offset}`, { headers })).json()) as {
      items: typeof clients;
    };
    clients.push(...page.items);
  }
  const result = await runSteadyLoad({
    serviceUrl: String(service.info.url),
    simUrl: String(sim.info.url),
    servicePid: service.child.pid!,
    seconds: STEADY_S,
    ratePerSecond: STEADY_RATE,
    sampleSeconds: quick ? 1 : 5,
    afterCollection: () => afterCollection(service),
    settleSeconds: STEADY_SETTLE_S,
    botKey: API_KEY,
    operatorKey: OPERATOR_KEY,
    clients: clients.map((client) => ({
      serviceId: client.serviceId,
      document: client.document,
      name: client.name,
      zoneId: client.zone?.id ?? null,
    })),
  });
  await stop(service);
  await stop(sim);
  return { ...result, clients: quick ? 2000 : 10_000 };
}

/**
 * The door under a flood (issue: unauthenticated requests cost nothing): a keyed cached read alone,
 * then while 4 senders without a key post 6.5 MB multipart bodies of 100k parts in a loop. The
 * service refuses those from their headers, before reading a byte; the keyed p99 should barely move.
 */
async function doorUnderFlood(runtime: Runtime): Promise<Record<string, unknown>[]> {
  const sim = await startSimulator(1000);
  const service = await startChild(runtime, SERVICE, [], serviceEnv(sim, { WARM: '1' }));
  try {
    const base = String(service.info.url);
    const url = `${base}/api/v1/plans`;
    const headers = { 'x-api-key': API_KEY };
    await warmUp(url, headers);
    const alone = await load(url, headers);
    const flood = await startChild(
      runtime,
      'test/bench/flood.ts',
      [base, '/api/v1/clients/1001/invoices/1/payment-reports', '4', '100000'],
      {},
    );
    const flooded = await load(url, headers);
    const counts = new Promise<Record<string, unknown>>((resolve) =>
      flood.child.once('message', (message) => resolve(message as Record<string, unknown>)),
    );
    flood.child.kill('SIGTERM');
    const { answered } = await counts;
    const megabytes = (Number(flood.info.bytes) / 1e6).toFixed(1);
    return [
      { case: 'keyed GET /plans alone', reqPerSec: alone.reqPerSec, p50Ms: alone.p50, p99Ms: alone.p99 },
      {
        case: `keyed GET /plans while 4 senders post ${megabytes} MB bodies without a key`,
        reqPerSec: flooded.reqPerSec,
        p50Ms: flooded.p50,
        p99Ms: flooded.p99,
        p99Ratio: Math.round((flooded.p99 / Math.max(alone.p99, 1)) * 100) / 100,
        refusedUploads: answered,
      },
    ];
  } finally {
    await stop(service);
    await stop(sim);
  }
}

async function scaling(runtime: Runtime, sizes: number[]): Promise<Record<string, unknown>[]> {
  const started = await startChild(runtime, 'test/bench/scaling.ts', [...sizes.map(String), ...(quick ? ['--quick'] : [])], {});
  return (started.info as { rows: Record<string, unknown>[] }).rows;
}

function table(title: string, rows: Record<string, unknown>[]): void {
  console.log(`\n## ${title}`);
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  console.log(`| ${columns.join(' | ')} |`);
  console.log(`|${columns.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${columns.map((column) => String(row[column] ?? '')).join(' | ')} |`);
}

function runtimeVersion(runtime: Runtime): string {
  const result = spawnSync(runtimeExecutable(runtime), ['--version'], { encoding: 'utf8' });
  return result.stdout.trim();
}

async function measure(runtime: Runtime): Promise<Record<string, unknown>> {
  const section: Record<string, unknown> = {
    date: new Date().toISOString(),
    quick,
    version: runtimeVersion(runtime),
    connections: CONNECTIONS,
    roundSeconds: ROUND_S,
    rounds: ROUNDS,
  };
  process.stderr.write(`${runtime} ${String(section.version)}\n`);
  section.llm = await llmGateway(runtime);
  if (only === 'llm') return section;

  // 1-2. Cached reads vs a bare node:http baseline answering the same bytes, on the same runtime.
  const sim = await startSimulator(quick ? 2000 : 10_000);
  const startService = () => startChild(runtime, SERVICE, [], serviceEnv(sim, { WARM: '1' }));
  const first = await startService();
  const directory = (await (
    await fetch(`${String(first.info.url)}/api/v1/clients?limit=500&offset=100`, { headers: { 'x-api-key': OPERATOR_KEY } })
  ).json()) as {
    items: { document: string | null }[];
  };
  const document = directory.items.find((client) => client.document && /^\d+$/.test(client.document))!.document!;
  const trpcInput = (input: unknown) => encodeURIComponent(JSON.stringify({ json: input }));
  const batch = (procedure: string, input: unknown) =>
    `/trpc/${Array(5).fill(procedure).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries([0, 1, 2, 3, 4].map((i) => [i, { json: input }]))))}`;
  const routes: [string, string][] = [
    ['REST clients.byDocument', `/api/v1/clients/by-document/${document}`],
    ['tRPC clients.byDocument', `/trpc/clients.byDocument?input=${trpcInput({ document })}`],
    ['tRPC clients.byDocument x5 batch', batch('clients.byDocument', { document })],
    ['REST clients.search', '/api/v1/clients/search?q=pena&limit=10'],
    ['tRPC clients.search', `/trpc/clients.search?input=${trpcInput({ q: 'pena', limit: 10 })}`],
    ['tRPC clients.search x5 batch', batch('clients.search', { q: 'pena', limit: 10 })],
    ['REST plans.list', '/api/v1/plans'],
    ['tRPC plans.list', '/trpc/plans.list'],
    ['tRPC plans.list x5 batch', '/trpc/plans.list,plans.list,plans.list,plans.list,plans.list?batch=1&input=%7B%7D'],
  ];
  const throughput = await measureCachedReads(runtime, first, startService, routes);
  await stop(sim);
  section.cachedReads = throughput;

  // 3. Cold loads at 400 ms per upstream page.
  const cold: Record<string, unknown>[] = [];
  for (const clients of quick ? [1000] : [1000, 10_000, 50_000]) cold.push(await coldLoad(runtime, clients, 1));
  cold.push(await coldLoad(runtime, quick ? 1000 : 10_000, 100));
  section.coldLoads = cold;

  // 4. Memory after loading and indexing.
  const mem: Record<string, unknown>[] = [];
  for (const clients of quick ? [1000] : [10_000, 50_000]) mem.push(await memory(runtime, clients));
  section.memory = mem;

  // 5. In-process scaling of search and resolve, on the runtime under test.
  section.scaling = await scaling(runtime, quick ? [1000, 5000] : [1000, 10_000, 50_000]);

  // 6. Steady bot traffic: memory growth and upstream calls an hour.
  section.steady = await steady(runtime);

  // 7. Keyed reads while unauthenticated uploads flood the door.
  section.door = await doorUnderFlood(runtime);
  return section;
}

/** 8. The LLM gateway against calling the provider directly and against Portkey's gateway, in the same run. */
async function llmGateway(runtime: Runtime): Promise<Record<string, unknown>[]> {
  const sim = await startSimulator(1000);
  try {
    return await measureLlmGateway({
      runtime,
      quick,
      connections: CONNECTIONS,
      roundSeconds: ROUND_S,
      apiKey: API_KEY,
      startChild: (script, env) => startChild('node', script, [], env),
      startService: (env) => startChild(runtime, SERVICE, [], serviceEnv(sim, env)),
      stop,
    });
  } finally {
    await stop(sim);
  }
}

type Section = Record<string, unknown> & {
  cachedReads: Record<string, unknown>[];
  coldLoads: Record<string, unknown>[];
  memory: Record<string, unknown>[];
  scaling: Record<string, unknown>[];
  steady?: Record<string, unknown>;
  door?: Record<string, unknown>[];
  llm?: Record<string, unknown>[];
};

/** One row per key, with each runtime's chosen columns side by side (`node reqPerSec`, `bun reqPerSec`, ...). */
function sideBySide(
  sections: [Runtime, Section][],
  pick: (section: Section) => Record<string, unknown>[],
  key: string,
  columns: string[],
): Record<string, unknown>[] {
  const rows = new Map<string, Record<string, unknown>>();
  for (const [runtime, section] of sections) {
    for (const row of pick(section)) {
      const id = `${String(row[key])}${'concurrentRequests' in row ? ` x${String(row.concurrentRequests)}` : ''}`;
      const merged = rows.get(id) ?? { [key]: id };
      for (const column of columns) merged[`${runtime} ${column}`] = row[column] ?? '';
      rows.set(id, merged);
    }
  }
  return [...rows.values()];
}

function readPrevious(): Record<string, unknown> {
  if (!existsSync(RESULTS_FILE)) return {};
  try {
    const previous = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>;
    return typeof previous.runtimes === 'object' && previous.runtimes !== null ? (previous.runtimes as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  await bundle('test/bench/serve-service.ts', SERVICE);
  await bundle('test/bench/serve-idle-floor.ts', IDLE_FLOOR);
  // Another runtime's section is kept only from a run of the same kind (quick or full), so tables compare like with like.
  const sections: Record<string, unknown> = Object.fromEntries(
    Object.entries(readPrevious()).filter(([, section]) => (section as { quick?: boolean }).quick === quick),
  );
  for (const runtime of runtimes) sections[runtime] = await measure(runtime);
  const results = {
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1073741824), platform: process.platform },
    runtimes: sections,
  };
  const present = RUNTIME_NAMES.filter((runtime) => sections[runtime]).map(
    (runtime) => [runtime, sections[runtime] as Section] as [Runtime, Section],
  );
  for (const [runtime, section] of present) {
    console.log(
      `\n${runtime} ${String(section.version)}: ${section.quick ? 'quick' : 'full'} run of ${String(section.date)}${runtimes.includes(runtime) ? '' : ' (kept from the previous run)'}`,
    );
  }
  for (const [runtime, section] of present) {
    table(
      `${runtime}: the LLM gateway — a bare node:http provider called directly, behind the two floors of any gateway here (a TCP byte pipe; a bare node:http proxy), behind this service's /v1, and behind Portkey's gateway (stock @portkey-ai/gateway on Node); open-loop ${'500'} req/s for the latencies (whole answers; streams: time to the first event), ${CONNECTIONS} connections for saturation`,
      section.llm ?? [],
    );
  }
  table(
    'The complexity classifier on its labelled sets (confusion: rows are labels, columns predictions; classifyUs: mean time per request, tokenizer loaded)',
    await classifierReport(),
  );
  if (only === 'llm') {
    mkdirSync('bench', { recursive: true });
    writeFileSync(
      'bench/llm-results.json',
      `${JSON.stringify({ machine: results.machine, runtimes: Object.fromEntries(present.map(([runtime, section]) => [runtime, section.llm])) }, null, 2)}\n`,
    );
    return;
  }
  table(
    `Cached reads (${CONNECTIONS} connections; ${ROUNDS} rounds, each on a fresh service instance warmed up per route, ${ROUND_S} s per side, medians; ratio = service req/s ÷ bare node:http req/s on the same runtime, same bytes)`,
    sideBySide(present, (s) => s.cachedReads, 'route', ['baselineReqPerSec', 'reqPerSec', 'ratio', 'p99Ms']),
  );
  table(
    `Cold loads (upstream page latency 400 ms, page size 1000, concurrency 10; median of ${COLD_SAMPLES}, each on a fresh service): ms to first answer; receiveOnlyMs: the same pages only fetched and JSON-parsed (runner, Node); upstream list calls (most in one load)`,
    sideBySide(present, (s) => s.coldLoads, 'clients', ['msToFirstAnswer', 'receiveOnlyMs', 'upstreamListCalls']),
  );
  table(
    'Memory right after loading and indexing (a full GC first), and settled (lowest RSS over a minute left alone, once V8 has returned the load garbage); service process only; idleFloorSettledRssMb: bare node:http that has used ICU, crypto and the fetch globals as the service does at rest, settled the same way (serve-idle-floor.ts)',
    sideBySide(present, (s) => s.memory, 'clients', [
      'idleFloorSettledRssMb',
      'idleRssMb',
      'idleSettledRssMb',
      'rssMb',
      'settledRssMb',
      'heapUsedMb',
    ]),
  );
  table(
    `The door: a keyed cached read alone and while unauthenticated multipart uploads flood the service (refused from their headers, unread); ${CONNECTIONS} connections, ${ROUND_S} s each`,
    sideBySide(present, (s) => s.door ?? [], 'case', ['reqPerSec', 'p50Ms', 'p99Ms', 'p99Ratio', 'refusedUploads']),
  );
  table(
    'In-process search and resolve latency (ms)',
    sideBySide(present, (s) => s.scaling, 'clients', [
      'searchP50Ms',
      'searchP99Ms',
      'searchTypoP99Ms',
      'resolveP99Ms',
      'resolvePartialP99Ms',
    ]),
  );
  table(
    `Steady bot traffic (${STEADY_RATE} req/s mixed, default TTLs): lowest RSS in a window after the warm-up and in the last window (growth of that floor), heap left by a full collection and the lowest RSS of a quiet window after it (traffic paused) when the warm-up ends and when the traffic ends, the young generation committed at both, upstream calls an hour`,
    present.map(([runtime, section]) => {
      const steadyRow = (section.steady ?? {}) as Record<string, unknown>;
      return {
        runtime,
        seconds: steadyRow.seconds,
        requests: steadyRow.requests,
        statuses: JSON.stringify(steadyRow.byStatus ?? {}),
        refusals: JSON.stringify(steadyRow.refusals ?? {}),
        floorWindowS: steadyRow.rssFloorWindowSeconds,
        rssFloorAfterSettleMb: steadyRow.rssFloorAfterSettleMb,
        rssFloorEndMb: steadyRow.rssFloorEndMb,
        rssGrowthPct: steadyRow.rssGrowthPct,
        heapAfterGcSettleMb: steadyRow.heapAfterGcSettleMb,
        heapAfterGcEndMb: steadyRow.heapAfterGcEndMb,
        heapGrowthPct: steadyRow.heapGrowthPct,
        rssAfterGcSettleMb: steadyRow.rssAfterGcSettleMb,
        rssAfterGcEndMb: steadyRow.rssAfterGcEndMb,
        rssAfterGcGrowthPct: steadyRow.rssAfterGcGrowthPct,
        newSpaceSettleToEndMb: `${String(steadyRow.newSpaceSettleMb)} → ${String(steadyRow.newSpaceEndMb)}`,
        upstreamCallsPerHour: steadyRow.upstreamCallsPerHourTotal,
      };
    }),
  );
  for (const [runtime, section] of present) {
    const perHour = (section.steady as { upstreamCallsPerHour?: Record<string, number> } | undefined)?.upstreamCallsPerHour ?? {};
    table(
      `${runtime}: upstream calls an hour by endpoint`,
      Object.entries(perHour).map(([endpoint, calls]) => ({ endpoint, calls })),
    );
  }
  mkdirSync('bench', { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${RESULTS_FILE}`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  });
