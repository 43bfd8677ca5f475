/**
 * npm run build: bundles the service into dist/main.mjs for `npm run start:prod` (plain node,
 * no TypeScript loader: ~40 MB less RSS than tsx).
 */
import { cpSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Packages the bundle leaves in node_modules: pino starts its transports (pino-pretty) as worker
 * threads from files it resolves at run time, and ioredis is only imported when REDIS_URL is set.
 * Everything else is bundled: one module graph instead of a few hundred files to resolve and keep
 * as source, ~4 MB less RSS at start-up (docs/benchmarks.md). The OpenAPI generator and the MCP SDK
 * are bundled too (in their lazy chunks): left outside, they would load a second zod from
 * node_modules beside the bundled one that built our schemas.
 */
const LEFT_IN_NODE_MODULES = ['pino', 'pino-pretty', 'ioredis'];

/**
 * CommonJS packages in an ESM bundle call `require` for Node built-ins; an ES module has none, so
 * every output file defines one (the usual esbuild answer: evanw/esbuild#1921).
 */
const REQUIRE_FOR_BUNDLED_COMMONJS =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Code split: what the service imports on demand (the MCP SDK on the first /mcp call, the
 * OpenAPI generator on the first /docs or openapi.json) stays in its own chunk, so start-up does
 * not load it (a single-file bundle hoists it to the top). Whitespace and syntax are minified
 * (less source held in memory); names are kept, so stack traces in logs stay readable.
 */
export async function bundle(entry: string, outfile: string, dependencies: 'bundled' | 'external' = 'bundled'): Promise<void> {
  await build({
    // The books' SQLite writer runs in a worker thread of its own, from a file beside the entry (threaded-writer.ts).
    entryPoints: { [basename(outfile, extname(outfile))]: entry, 'usage-writer': 'server/llm/usage/writer-thread.ts' },
    outdir: dirname(outfile),
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // 'external' leaves every package in node_modules (npm run bench:imports reads which ones start-up imports).
    ...(dependencies === 'bundled' ? { external: LEFT_IN_NODE_MODULES } : { packages: 'external' as const }),
    banner: { js: REQUIRE_FOR_BUNDLED_COMMONJS },
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  // The console's own page files, read at run time beside the bundle.
  cpSync(fileURLToPath(new URL('../server/http/console/assets', import.meta.url)), join(dirname(outfile), 'assets'), { recursive: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundle('server/main.ts', 'dist/main.mjs');
  console.log('built dist/main.mjs');
}
