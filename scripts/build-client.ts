/**
 * npm run build:client: the typed client as an installable package in dist-client/: ESM
 * JavaScript (esbuild) and ONE declaration file with the router's types inlined
 * (dts-bundle-generator, zod's declarations inlined too), so a bot's project needs neither this
 * repository nor its server dependencies: only @trpc/client (with its own peer @trpc/server),
 * superjson and eventsource. `npm pack` in dist-client/ makes the tarball.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'dist-client';
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const PEERS = ['@trpc/client', '@trpc/server', 'superjson', 'eventsource'];

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

await build({
  entryPoints: ['client/index.ts'],
  outfile: `${OUT}/index.js`,
  bundle: true,
  platform: 'neutral',
  format: 'esm',
  target: 'es2022',
  external: PEERS,
  logLevel: 'warning',
});

execFileSync(
  process.execPath,
  [
    'node_modules/dts-bundle-generator/dist/bin/dts-bundle-generator.js',
    '--no-check',
    '--project',
    'tsconfig.json',
    '--external-inlines',
    'zod',
    '--no-banner',
    '--export-referenced-types',
    'false',
    '-o',
    `${OUT}/index.d.ts`,
    'client/index.ts',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
// The server's context (its logger, its Redis client) is in the router's type but not in the
// client's API: declared opaque, so a bot's project needs neither pino nor ioredis.
const declarations = readFileSync(`${OUT}/index.d.ts`, 'utf8')
  .replace(/^import \{ Redis \} from 'ioredis';$/m, '/** The server’s own, not part of the client’s API. */\ntype Redis = unknown;')
  .replace(/^import \{ Logger \} from 'pino';$/m, '/** The server’s own, not part of the client’s API. */\ntype Logger = unknown;')
  // trpc-to-openapi widens zod's GlobalMeta with its OpenAPI fields; the client has no use for them.
  .replace(/^interface GlobalMeta extends ZodOpenApiMetadata \{\n\}$/m, '');
const foreign = [...declarations.matchAll(/^import .* from '([^']+)';$/gm)]
  .map((match) => match[1]!)
  .filter((name) => !PEERS.includes(name));
if (foreign.length > 0) throw new Error(`the declaration file imports packages that are not peers: ${foreign.join(', ')}`);
writeFileSync(`${OUT}/index.d.ts`, declarations);

const versionOf = (name: string) => manifest.dependencies[name] ?? manifest.devDependencies[name] ?? '*';
writeFileSync(
  `${OUT}/package.json`,
  `${JSON.stringify(
    {
      name: '@wisphub-gateway/client',
      version: manifest.version,
      description: 'Typed client for the WispHub Gateway (tRPC): every procedure, input and output typed.',
      type: 'module',
      main: './index.js',
      types: './index.d.ts',
      exports: { '.': { types: './index.d.ts', import: './index.js' } },
      files: ['index.js', 'index.d.ts', 'README.md'],
      sideEffects: false,
      peerDependencies: Object.fromEntries(PEERS.map((name) => [name, `^${versionOf(name)}`])),
      peerDependenciesMeta: { eventsource: { optional: true } },
      license: 'UNLICENSED',
    },
    null,
    2,
  )}\n`,
);
writeFileSync(
  `${OUT}/README.md`,
  `# @wisphub-gateway/client ${manifest.version}\n\nThe typed client of the WispHub Gateway. See the gateway's README, "Use it from your bot".\n`,
);
console.log(`built ${OUT}/ (${(declarations.length / 1024).toFixed(0)} KB of declarations)`);
