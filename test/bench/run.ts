/**
 * npm run bench [-- --quick]
 * Starts everything it needs on loopback (simulator, service, bare node:http baselines) as child
 * processes, measures, prints a table and writes bench/results.json. Every throughput figure is
 * a ratio against a baseline measured in the same run: these machines are shared and noisy.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { bundle } from '../../scripts/build';
import { ClientDirectory } from '../../server/domain/client-directory';
import { resolveIdentity } from '../../server/domain/identity';
import { generateSimulatorData } from '../../server/simulator/data';
import { toClient } from '../../server/wisphub/client-mapper';
import { upstreamClientSchema } from '../../server/wisphub/schemas';

const quick = process.argv.includes('--quick');
const DURATION_S = quick ? 2 : 10;
const WARMUP_S = quick ? 1 : 3;
const CONNECTIONS = 50;
const API_KEY = 'bench-key-0123456789abcdef';
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  info: Record<string, unknown>;
}

/**
 * Children report their address over IPC; their stdout (the service's info-level JSON logs) goes
 * to /dev/null, so logging costs what it costs in production without a pipe back to this process.
 * `.mjs` scripts (the bundled service) run on plain node; `.ts` ones through tsx.
 */
function startChild(script: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<Started> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script, ...args], {
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

async function load(url: string, headers: Record<string, string> = {}): Promise<LoadResult> {
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_S, headers });
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
  return {
    reqPerSec: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

async function measureAgainstBaseline(name: string, url: string): Promise<Record<string, unknown>> {
  const headers = { 'x-api-key': API_KEY };
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`${name}: ${response.status} ${await response.text()}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'body.json');
  writeFileSync(file, bytes);
  const baseline = await startChild('test/bench/serve-baseline.ts', [file], {});
  const base = await load(String(baseline.info.url));
  await stop(baseline);
  const measured = await load(url, headers);
  return {
    route: name,
    bytes: bytes.length,
    baselineReqPerSec: base.reqPerSec,
    reqPerSec: measured.reqPerSec,
    ratio: Math.round((measured.reqPerSec / base.reqPerSec) * 1000) / 1000,
    p50Ms: measured.p50,
    p99Ms: measured.p99,
    baselineP99Ms: base.p99,
    errors: measured.errors + measured.non2xx,
  };
}

async function simCalls(sim: Started, pattern: RegExp): Promise<number> {
  const body = (await (await fetch(`${String(sim.info.url)}/__sim/calls`)).json()) as { byPath: Record<string, number> };
  return Object.entries(body.byPath).filter(([key]) => pattern.test(key)).reduce((sum, [, count]) => sum + count, 0);
}

async function setFaults(sim: Started, faults: Record<string, unknown>): Promise<void> {
  await fetch(`${String(sim.info.url)}/__sim/faults`, { method: 'PUT', body: JSON.stringify(faults) });
}

const LIST = /^GET \/api\/clientes\/$/;

async function coldLoad(clients: number, concurrent: number): Promise<Record<string, unknown>> {
  const sim = await startChild('test/bench/serve-simulator.ts', [], { SIM_CLIENTS: String(clients) });
  await setFaults(sim, { pageLatencyMs: 400 });
  const service = await startChild(SERVICE, [], serviceEnv(sim, { UPSTREAM_PAGE_SIZE: '1000', UPSTREAM_CONCURRENCY: '10' }));
  const before = await simCalls(sim, LIST);
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: concurrent }, () => fetch(`${String(service.info.url)}/api/v1/clients?limit=1`, { headers: { 'x-api-key': API_KEY } }).then((r) => r.status)),
  );
  const ms = Math.round(performance.now() - started);
  const calls = (await simCalls(sim, LIST)) - before;
  await stop(service);
  await stop(sim);
  return { clients, concurrentRequests: concurrent, msToFirstAnswer: ms, upstreamListCalls: calls, expectedPages: Math.ceil(clients / 1000), allOk: answers.every((s) => s === 200) };
}

async function memory(clients: number): Promise<Record<string, unknown>> {
  const sim = await startChild('test/bench/serve-simulator.ts', [], { SIM_CLIENTS: String(clients) });
  const service = await startChild(SERVICE, [], serviceEnv(sim, { WARM: '1' }), ['--expose-gc']);
  const idle = await startChild(SERVICE, [], serviceEnv(sim, { WARM: '0' }), ['--expose-gc']);
  const idleRss = Math.round(Number(idle.info.rssMb));
  await stop(idle);
  const result = {
    clients,
    idleRssMb: idleRss,
    rssMb: Math.round(Number(service.info.rssMb)),
    heapUsedMb: Math.round(Number(service.info.heapUsedMb)),
    heapTotalMb: Math.round(Number(service.info.heapTotalMb)),
  };
  await stop(service);
  await stop(sim);
  return result;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function scaling(clients: number): Record<string, unknown> {
  const data = generateSimulatorData({ seed: 7, clients, plans: 55, tickets: 0, zones: 20 });
  const directory = ClientDirectory.build(data.clients.map((raw) => toClient(upstreamClientSchema.parse(raw))));
  const queries = ['pena', 'jose munoz', 'vereda esperanza', 'maria', 'gomez lopez', '300', 'barrio san', 'ana', 'cra 12', 'peñas blancas'];
  const searchTimes: number[] = [];
  for (let round = 0; round < (quick ? 30 : 200); round++) {
    for (const query of queries) {
      const started = performance.now();
      directory.search(query, 20, 0);
      searchTimes.push(performance.now() - started);
    }
  }
  const resolveTimes: number[] = [];
  const sample = directory.clients.slice(0, quick ? 100 : 500);
  for (const client of sample) {
    const started = performance.now();
    resolveIdentity(directory, { name: client.name, address: client.address ?? '', planName: client.plan?.name ?? '', planPrice: client.planPrice ?? 0 });
    resolveTimes.push(performance.now() - started);
  }
  searchTimes.sort((a, b) => a - b);
  resolveTimes.sort((a, b) => a - b);
  const round3 = (value: number) => Math.round(value * 1000) / 1000;
  return {
    clients,
    searchP50Ms: round3(percentile(searchTimes, 50)),
    searchP99Ms: round3(percentile(searchTimes, 99)),
    resolveP50Ms: round3(percentile(resolveTimes, 50)),
    resolveP99Ms: round3(percentile(resolveTimes, 99)),
  };
}

function table(title: string, rows: Record<string, unknown>[]): void {
  console.log(`\n## ${title}`);
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  console.log(`| ${columns.join(' | ')} |`);
  console.log(`|${columns.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${columns.map((column) => String(row[column])).join(' | ')} |`);
}

async function main(): Promise<void> {
  await bundle('test/bench/serve-service.ts', SERVICE);
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    quick,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1073741824) },
    runtime: { node: process.version, platform: process.platform },
    connections: CONNECTIONS,
    durationSeconds: DURATION_S,
  };

  // 1-2. Cached reads vs a bare node:http baseline answering the same bytes.
  const sim = await startChild('test/bench/serve-simulator.ts', [], { SIM_CLIENTS: quick ? '2000' : '10000' });
  const service = await startChild(SERVICE, [], serviceEnv(sim, { WARM: '1' }));
  const base = String(service.info.url);
  const directory = (await (await fetch(`${base}/api/v1/clients?limit=500&offset=100`, { headers: { 'x-api-key': API_KEY } })).json()) as { items: { document: string | null }[] };
  const document = directory.items.find((client) => client.document && /^\d+$/.test(client.document))!.document!;
  const trpcInput = (input: unknown) => encodeURIComponent(JSON.stringify({ json: input }));
  const batch = (procedure: string, input: unknown) =>
    `${base}/trpc/${Array(5).fill(procedure).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(Object.fromEntries([0, 1, 2, 3, 4].map((i) => [i, { json: input }]))))}`;
  const routes: [string, string][] = [
    ['REST clients.byDocument', `${base}/api/v1/clients/by-document/${document}`],
    ['tRPC clients.byDocument', `${base}/trpc/clients.byDocument?input=${trpcInput({ document })}`],
    ['tRPC clients.byDocument x5 batch', batch('clients.byDocument', { document })],
    ['REST clients.search', `${base}/api/v1/clients/search?q=pena&limit=10`],
    ['tRPC clients.search', `${base}/trpc/clients.search?input=${trpcInput({ q: 'pena', limit: 10 })}`],
    ['tRPC clients.search x5 batch', batch('clients.search', { q: 'pena', limit: 10 })],
    ['REST plans.list', `${base}/api/v1/plans`],
    ['tRPC plans.list', `${base}/trpc/plans.list`],
    ['tRPC plans.list x5 batch', `${base}/trpc/plans.list,plans.list,plans.list,plans.list,plans.list?batch=1&input=%7B%7D`],
  ];
  const throughput: Record<string, unknown>[] = [];
  for (const [name, url] of routes) {
    throughput.push(await measureAgainstBaseline(name, url));
    process.stderr.write(`  measured ${name}\n`);
  }
  await stop(service);
  await stop(sim);
  results.cachedReads = throughput;

  // 3. Cold loads at 400 ms per upstream page.
  const sizes = quick ? [1000] : [1000, 10_000, 50_000];
  const cold: Record<string, unknown>[] = [];
  for (const clients of sizes) cold.push(await coldLoad(clients, 1));
  cold.push(await coldLoad(quick ? 1000 : 10_000, 100));
  results.coldLoads = cold;

  // 4. Memory after loading and indexing.
  const mem: Record<string, unknown>[] = [];
  for (const clients of quick ? [1000] : [10_000, 50_000]) mem.push(await memory(clients));
  results.memory = mem;

  // 5. In-process scaling of search and resolve.
  results.scaling = (quick ? [1000, 5000] : [1000, 10_000, 50_000]).map(scaling);

  table(`Cached reads (${CONNECTIONS} connections, ${DURATION_S} s after ${WARMUP_S} s warm-up; ratio = service / bare node:http same bytes)`, throughput);
  table('Cold loads (upstream page latency 400 ms, page size 1000, concurrency 10)', cold);
  table('Memory after loading and indexing (service process only; upstream in its own process)', mem);
  table('In-process search and resolve latency', results.scaling as Record<string, unknown>[]);
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/results.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nwrote bench/results.json');
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  });
