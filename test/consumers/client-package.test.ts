import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JsonRecord } from '../../server/simulator/data';
import { currentRuntime, runtimeExecutable, typescriptArgs } from '../support/runtimes';
import { BOT_KEY, serviceFor } from '../support/service';
import { activeTicketsIn } from '../support/sim-data';

/**
 * The client as a bot in another repository uses it: the package is built and packed, installed
 * in a fresh project OUTSIDE this repository with only its peers, type-checked (a deliberate type
 * error must fail), and run against a running gateway (Node, or Bun on the Bun run).
 */

const pkg = suite('consumers: the client package in a fresh project');
const service = serviceFor(pkg);
const ROOT = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};
const version = (name: string) => manifest.dependencies[name] ?? manifest.devDependencies[name];

const BOT = `import { createWispHubClient, isGatewayError, type GatewayErrorReason, type RouterOutputs } from '@wisphub-gateway/client';

const [url, apiKey, phone, document] = process.argv.slice(2) as [string, string, string, string];
let token: string | null = null;
const wisphub = createWispHubClient({ url, apiKey, verificationToken: () => token });
const found: RouterOutputs['clients']['byPhone'] = await wisphub.clients.byPhone.query({ phone });
const me = found.items[0]!;
const check = await wisphub.clients.verify.mutate({ serviceId: me.serviceId, document, phone });
token = check.verificationToken;
const created = await wisphub.tickets.create.mutate({ serviceId: me.serviceId, subject: 'Internet Lento', description: 'Desde el paquete.', idempotencyKey: 'pkg-' + me.serviceId });
let refused: GatewayErrorReason | 'none' = 'none';
try {
  await wisphub.clients.byServiceId.query({ serviceId: 999999999 });
} catch (error) {
  if (isGatewayError(error)) refused = error.reason;
}
console.log(JSON.stringify({ serviceId: me.serviceId, verified: check.isValid, status: created.status, refused }));
`;

const BAD = `import { createWispHubClient } from '@wisphub-gateway/client';
const wisphub = createWispHubClient({ url: 'http://x', apiKey: 'k' });
// serviceId is a number: the package's types must refuse a string.
await wisphub.clients.byServiceId.query({ serviceId: 'uno' });
`;

/** Runs a command without blocking this process: the gateway the bot calls runs here. */
function run(command: string, args: string[], cwd: string): Promise<{ status: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, npm_config_update_notifier: 'false' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('close', (status) => done({ status, output }));
  });
}

pkg('build, pack, install outside the repository with only the peers, type-check (and fail on a type error), run a bot', async () => {
  execFileSync(runtimeExecutable('node'), typescriptArgs('node', 'scripts/build-client.ts'), { cwd: ROOT, stdio: 'ignore' });
  const work = mkdtempSync(join(tmpdir(), 'wisphub-bot-'));
  assert.not.ok(work.startsWith(ROOT), 'the bot lives outside this repository');
  execFileSync('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: join(ROOT, 'dist-client'), stdio: 'ignore' });
  const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'))!;
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'a-bot', private: true, type: 'module' }));
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'es2022',
        lib: ['es2022', 'esnext.disposable', 'dom'],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        outDir: 'out',
        skipLibCheck: false,
        types: ['node'],
      },
      files: ['bot.ts'],
    }),
  );
  writeFileSync(join(work, 'bot.ts'), BOT);
  writeFileSync(join(work, 'bad.ts'), BAD);
  // The peers, and what any TypeScript bot on Node has: typescript and Node's types.
  const peers = ['@trpc/client', '@trpc/server', 'superjson', 'eventsource', 'typescript', '@types/node'].map((name) => `${name}@${version(name)}`);
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`, ...peers], work);
  assert.is(install.status, 0, install.output);
  const installed = readdirSync(join(work, 'node_modules'));
  for (const absent of ['zod', 'pino', 'ioredis']) assert.not.ok(installed.includes(absent), `${absent} is not needed`);

  const tsc = join(work, 'node_modules', 'typescript', 'bin', 'tsc');
  const checked = await run(runtimeExecutable('node'), [tsc, '-p', '.'], work);
  assert.is(checked.status, 0, checked.output);
  writeFileSync(join(work, 'tsconfig.bad.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: true }, files: ['bad.ts'] }));
  const bad = await run(runtimeExecutable('node'), [tsc, '-p', 'tsconfig.bad.json'], work);
  assert.is.not(bad.status, 0, 'a deliberate type error fails tsc');
  assert.match(bad.output, /bad\.ts\(4,\d+\): error TS2322/);

  const customer = service.sim.data.clients.find(
    (client: JsonRecord) =>
      typeof client.cedula === 'string' &&
      typeof client.telefono === 'string' &&
      /^3\d{9}$/.test(client.telefono) &&
      !(client.router as JsonRecord | null)?.falla_general &&
      activeTicketsIn(service.sim.data, (client.zona as { id: number }).id) === 0,
  )!;
  const args = [service.url, BOT_KEY, String(customer.telefono), String(customer.cedula)];
  const bot = await (currentRuntime === 'bun'
    ? run(runtimeExecutable('bun'), ['bot.ts', ...args], work)
    : run(runtimeExecutable('node'), ['out/bot.js', ...args], work));
  assert.is(bot.status, 0, bot.output);
  assert.equal(JSON.parse(bot.output.trim().split('\n').at(-1)!), {
    serviceId: customer.id_servicio,
    verified: true,
    status: 'created',
    refused: 'client_not_found',
  });
});

pkg.run();
