/**
 * The LLM gateway's cost, side by side in one run: a bare node:http provider called directly
 * (serve-mock-provider.ts), the same provider behind this service's /v1, behind Portkey's
 * open-source gateway (@portkey-ai/gateway, stock, from npm), and behind the two floors of any
 * gateway on this machine (serve-proxy-floor.ts: a TCP byte pipe and a bare node:http proxy). Saturation throughput with
 * autocannon; added latency at a fixed rate below saturation with an open-loop client timed to
 * the microsecond (fixed-rate.ts), whole answers and streams (time to the first event).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { Classifier, loadTokenCounter, SHIPPED_CLASSIFIER_RULES } from '../../server/llm/classifier';
import { TIERS } from '../../server/llm/registry';
import { evaluate, labelledSet } from '../support/classifier-set';
import { fixedRate } from './fixed-rate';

export interface Started {
  child: ChildProcess;
  info: Record<string, unknown>;
}

export interface LlmBenchDeps {
  runtime: string;
  quick: boolean;
  connections: number;
  roundSeconds: number;
  apiKey: string;
  startChild(script: string, env: Record<string, string>): Promise<Started>;
  /** The service (bundled), on the runtime under test, with these settings on top of the bench's. */
  startService(env: Record<string, string>): Promise<Started>;
  stop(started: Started): Promise<void>;
}

const BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Eres el asistente de soporte de un ISP.' },
    { role: 'user', content: '¿Cuánto debo este mes?' },
  ],
});
const STREAM_BODY = JSON.stringify({ ...JSON.parse(BODY), stream: true, stream_options: { include_usage: true } });

/** Portkey's gateway on Node, headless, on a port of its own; resolves once it answers. */
async function startPortkey(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['node_modules/@portkey-ai/gateway/build/start-server.js', `--port=${port}`, '--headless'], {
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  for (let tries = 0; tries < 100; tries++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return child;
    } catch {
      // not yet listening
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error('Portkey gateway did not start');
}

async function saturate(url: string, headers: Record<string, string>, body: string, connections: number, seconds: number) {
  const options = { url, method: 'POST' as const, connections, headers: { 'content-type': 'application/json', ...headers }, body };
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: seconds });
  return {
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

export async function measureLlmGateway(deps: LlmBenchDeps): Promise<Record<string, unknown>[]> {
  const provider = await deps.startChild('test/bench/serve-mock-provider.ts', {});
  const providerUrl = String(provider.info.url);
  const service = await deps.startService({
    OPENAI_API_KEY: 'sk-bench-not-a-real-key',
    OPENAI_BASE_URL: `${providerUrl}/v1`,
    LLM_SIMULATOR: 'off',
    LLM_CACHE: 'off',
  });
  const floors = await Promise.all([
    deps.startChild('test/bench/serve-proxy-floor.ts', { FLOOR: 'tcp', TARGET: providerUrl }),
    deps.startChild('test/bench/serve-proxy-floor.ts', { FLOOR: 'http', TARGET: providerUrl }),
  ]);
  const portkeyPort = 18_787 + Math.floor(Math.random() * 1000);
  const portkey = await startPortkey(portkeyPort);
  const targets: { name: string; url: string; headers: Record<string, string> }[] = [
    { name: 'direct', url: `${providerUrl}/v1/chat/completions`, headers: { authorization: 'Bearer sk-bench' } },
    {
      name: 'floor: TCP byte pipe',
      url: `${String(floors[0].info.url)}/v1/chat/completions`,
      headers: { authorization: 'Bearer sk-bench' },
    },
    {
      name: 'floor: bare node:http proxy',
      url: `${String(floors[1].info.url)}/v1/chat/completions`,
      headers: { authorization: 'Bearer sk-bench' },
    },
    { name: 'this gateway', url: `${String(service.info.url)}/v1/chat/completions`, headers: { authorization: `Bearer ${deps.apiKey}` } },
    {
      name: 'portkey',
      url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
      headers: { authorization: 'Bearer sk-bench', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${providerUrl}/v1` },
    },
  ];
  const rate = 500;
  const fixedSeconds = deps.quick ? 3 : 10;
  try {
    const rows: Record<string, unknown>[] = [];
    for (const target of targets) {
      // Warm each path (JIT, keep-alive sockets) before it is timed.
      await fixedRate(target.url, target.headers, BODY, 200, 1);
      const atRate = await fixedRate(target.url, target.headers, BODY, rate, fixedSeconds);
      const streamAtRate = await fixedRate(target.url, target.headers, STREAM_BODY, rate, fixedSeconds);
      const saturated = await saturate(target.url, target.headers, BODY, deps.connections, deps.roundSeconds);
      rows.push({
        path: target.name,
        runtime: target.name === 'this gateway' ? deps.runtime : 'node',
        [`p50Ms@${rate}`]: atRate.p50Ms,
        [`p99Ms@${rate}`]: atRate.p99Ms,
        // Stock Portkey 1.15.2 on Node answers every stream 500 (TypeError: immutable; Portkey-AI/gateway#1389).
        [`streamFirstEventP50Ms@${rate}`]: streamAtRate.errors === streamAtRate.sent ? 'all failed' : streamAtRate.firstByteP50Ms,
        [`streamFirstEventP99Ms@${rate}`]: streamAtRate.errors === streamAtRate.sent ? 'all failed' : streamAtRate.firstByteP99Ms,
        errorsAtRate: atRate.errors + streamAtRate.errors,
        saturationReqPerSec: saturated.reqPerSec,
        saturationP99Ms: saturated.p99Ms,
        saturationNon2xx: saturated.non2xx + saturated.errors,
      });
    }
    const direct = rows[0]!;
    const httpFloor = rows[2]!;
    for (const row of rows.slice(1)) {
      row.addedP50Ms = Math.round((Number(row[`p50Ms@${rate}`]) - Number(direct[`p50Ms@${rate}`])) * 1000) / 1000;
      row.addedP99Ms = Math.round((Number(row[`p99Ms@${rate}`]) - Number(direct[`p99Ms@${rate}`])) * 1000) / 1000;
      row.addedFirstEventP50Ms =
        Math.round((Number(row[`streamFirstEventP50Ms@${rate}`]) - Number(direct[`streamFirstEventP50Ms@${rate}`])) * 1000) / 1000;
      row.throughputRatio = Math.round((Number(row.saturationReqPerSec) / Number(direct.saturationReqPerSec)) * 1000) / 1000;
      // What is left once the two HTTP exchanges are paid: against the bare node:http proxy.
      row.ratioToHttpFloor = Math.round((Number(row.saturationReqPerSec) / Number(httpFloor.saturationReqPerSec)) * 1000) / 1000;
      row.addedP50OverHttpFloorMs = Math.round((Number(row[`p50Ms@${rate}`]) - Number(httpFloor[`p50Ms@${rate}`])) * 1000) / 1000;
    }
    return rows;
  } finally {
    portkey.kill('SIGTERM');
    for (const floor of floors) await deps.stop(floor);
    await deps.stop(service);
    await deps.stop(provider);
  }
}

/** The classifier on its labelled set (the rules were tuned on it) and on the held-out set: accuracy and confusion (rows: label). */
export async function classifierReport(): Promise<Record<string, unknown>[]> {
  const classifier = new Classifier(SHIPPED_CLASSIFIER_RULES, await loadTokenCounter());
  const started = performance.now();
  const sets = [
    ['labelled (tuned on)', evaluate(classifier, labelledSet())],
    ['held-out', evaluate(classifier, labelledSet('classifier-heldout.jsonl'))],
  ] as const;
  const perRequestUs = Math.round(((performance.now() - started) * 1000) / sets.reduce((sum, [, result]) => sum + result.total, 0));
  return sets.flatMap(([name, result]) =>
    TIERS.map((tier) => ({
      set: name,
      accuracy: `${(result.accuracy * 100).toFixed(1)} % (${result.correct}/${result.total})`,
      label: tier,
      ...Object.fromEntries(TIERS.map((predicted) => [`→ ${predicted}`, result.confusion[tier][predicted]])),
      classifyUs: perRequestUs,
    })),
  );
}
