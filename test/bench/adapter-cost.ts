/**
 * npm run bench:adapters — what a provider call costs the gateway's process: our adapters
 * (node:http + our transforms) against each provider's official SDK (openai, @anthropic-ai/sdk,
 * @google/genai) on the same simulated provider (a child process). Sequential calls, so the
 * figure is the client's own CPU time and wall time per call, not the provider's throughput.
 */
import { fork } from 'node:child_process';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { ChatRequest } from '../../server/llm/chat';
import { PROVIDER_ADAPTERS } from '../../server/llm/providers/index';

const CALLS = process.argv.includes('--quick') ? 300 : 2000;
const KEY = 'bench-provider-key';

const child = fork('test/bench/serve-llm-simulator.ts', [], {
  execArgv: ['--import', 'tsx'],
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
const { url } = (await new Promise((resolve) => child.once('message', resolve))) as { url: string };

const request: ChatRequest = {
  model: 'x',
  max_tokens: 200,
  messages: [
    { role: 'system', content: 'Eres el asistente de soporte de un ISP.' },
    { role: 'user', content: '¿Cuánto debo este mes?' },
  ],
};
const messages = [{ role: 'user' as const, content: '¿Cuánto debo este mes?' }];

async function measure(name: string, call: () => Promise<unknown>): Promise<Record<string, unknown>> {
  for (let index = 0; index < 100; index++) await call();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let index = 0; index < CALLS; index++) await call();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    client: name,
    cpuUsPerCall: Math.round((used.user + used.system) / CALLS),
    wallMsPerCall: Math.round((wall / CALLS) * 1000) / 1000,
  };
}

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable) {
    // read to the end
  }
}

const openai = new OpenAI({ apiKey: KEY, baseURL: `${url}/v1`, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: KEY, baseURL: url, maxRetries: 0 });
const google = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: url } });
const target = (baseUrl: string, model: string) => ({ baseUrl, model, apiKey: KEY, timeoutMs: 5000 });

const rows = [
  await measure('ours: openai, whole', () => PROVIDER_ADAPTERS.openai.complete(request, target(`${url}/v1`, 'gpt-4o-mini'))),
  await measure('openai SDK 7.60, whole', () => openai.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 200 })),
  await measure('ours: openai, stream', () => drain(PROVIDER_ADAPTERS.openai.stream(request, target(`${url}/v1`, 'gpt-4o-mini')))),
  await measure('openai SDK 7.60, stream', async () =>
    drain(await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 200, stream: true })),
  ),
  await measure('ours: anthropic, whole', () => PROVIDER_ADAPTERS.anthropic.complete(request, target(url, 'claude-3-5-haiku-latest'))),
  await measure('@anthropic-ai/sdk 1.17, whole', () =>
    anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 200, messages }),
  ),
  await measure('ours: anthropic, stream', () =>
    drain(PROVIDER_ADAPTERS.anthropic.stream(request, target(url, 'claude-3-5-haiku-latest'))),
  ),
  await measure('@anthropic-ai/sdk 1.17, stream', async () =>
    drain(await anthropic.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 200, messages, stream: true })),
  ),
  await measure('ours: google, whole', () => PROVIDER_ADAPTERS.google.complete(request, target(url, 'gemini-2.0-flash'))),
  await measure('@google/genai 1.52, whole', () =>
    google.models.generateContent({ model: 'gemini-2.0-flash', contents: '¿Cuánto debo este mes?' }),
  ),
  await measure('ours: google, stream', () => drain(PROVIDER_ADAPTERS.google.stream(request, target(url, 'gemini-2.0-flash')))),
  await measure('@google/genai 1.52, stream', async () =>
    drain(await google.models.generateContentStream({ model: 'gemini-2.0-flash', contents: '¿Cuánto debo este mes?' })),
  ),
];
console.log(
  `\n## Provider clients: CPU and wall time per call in this process (${CALLS} sequential calls each, after 100 warm-up calls; the provider is the simulator in another process)`,
);
console.log(
  `| ${Object.keys(rows[0]!).join(' | ')} |\n|${Object.keys(rows[0]!)
    .map(() => '---')
    .join('|')}|`,
);
for (const row of rows) console.log(`| ${Object.values(row).join(' | ')} |`);
child.kill('SIGTERM');
