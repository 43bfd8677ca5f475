import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { typescriptCommand } from '../support/runtimes';
import { startTestService, type TestService } from '../support/service';

/**
 * The README's examples, run as printed against a fresh service on its embedded simulator with the
 * development keys (what `npm start` serves): every shell block that calls the service (curl), and
 * every TypeScript block. Only the address is changed (localhost:3000 → this test's port) and the
 * client package's import pointed at the sources. An example that rots fails here, not a newcomer.
 * (docs/operating.md's shell blocks start services with real settings or run npm scripts: not
 * examples of calls.)
 */

const docs = suite('house: every README example runs as printed');
let service: TestService;
const OUT = join(process.cwd(), '.bench-build', `doc-examples-${process.pid}`);

docs.before(async () => {
  // No keys configured: the development keys, as `npm start` has them.
  service = await startTestService({ API_KEYS: '', OPERATOR_API_KEYS: '', SIM_PING_DELAY_MS: '50' });
  mkdirSync(OUT, { recursive: true });
});
docs.after(async () => {
  await service.stop();
  rmSync(OUT, { recursive: true, force: true });
});

function blocks(file: string, language: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1]!);
}

const local = (text: string) => text.replaceAll('localhost:3000', new URL(service.url).host);

/** Runs a command without blocking this process (the service under test answers from it). */
function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // No colours: the assertions read plain text (the test runner may force colours on).
  const child = spawn(command, args, {
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

docs('the shell examples (curl): each answers without an error, in order, sharing their variables', async () => {
  const script = blocks('README.md', 'sh').filter((block) => block.includes('curl'));
  assert.ok(script.length >= 2, 'the README has shell examples');
  const result = await run('bash', ['-c', `set -euo pipefail\n${local(script.join('\n')).replaceAll('curl ', 'curl -sS ')}`]);
  assert.is(result.code, 0, result.stderr);
  assert.not.match(result.stdout, /"error":\s*\{/, result.stdout.slice(0, 2000));
  assert.match(result.stdout, /"view":"masked"/, 'the bot sees hints');
  assert.match(result.stdout, /"isValid":true/, 'the documented customer verifies');
  assert.match(result.stdout, /"invoices":\[/);
  assert.match(result.stdout, /"status":"(received|unconfirmed)"/, 'the payment report with the shipped receipt');
});

async function runTypeScript(name: string, source: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const file = join(OUT, `${name}.ts`);
  writeFileSync(file, source);
  const [command, args] = typescriptCommand(file);
  const { code, stdout, stderr } = await run(command, args, env);
  return { code, output: stdout + stderr };
}

docs('the typed-client examples: find, verify, read invoices, then watch a ping to its diagnosis', async () => {
  const [client, watch] = blocks('README.md', 'ts');
  const source = `${local(client!).replace("from './client'", "from '../../client/index'")}
console.log('invoices', invoices.length);
${watch}
setTimeout(() => process.exit(0), 8000);
`;
  const { code, output } = await runTypeScript('typed-client', source, { KEY: 'dev-local-key-not-for-production' });
  assert.is(code, 0, output);
  assert.match(output, /invoices \d+/, output);
  assert.match(output, /(stable|intermittent|antenna_only|no_internet|router_error|known_outage)/, output);
});

docs('the bot example: verify, open a ticket (or find the open one), errors typed', async () => {
  const bot = blocks('README.md', 'ts').find((block) => block.includes('@wisphub-gateway/client'))!;
  const source = bot.replace("from '@wisphub-gateway/client'", "from '../../client/index'");
  const { code, output } = await runTypeScript('bot', source, {
    GATEWAY_URL: service.url,
    GATEWAY_KEY: 'dev-local-key-not-for-production',
  });
  assert.is(code, 0, output);
  assert.match(output, /^(created|existing|pending_confirmation)$/m, output);
});

docs.run();
