/**
 * npm run build: bundles the service into dist/main.mjs for `npm run start:prod` (plain node,
 * no TypeScript loader: ~40 MB less RSS than tsx). Dependencies stay in node_modules.
 */
import { basename, dirname, extname } from 'node:path';
import { build } from 'esbuild';

/**
 * Code split: what the service imports on demand (the MCP SDK on the first /mcp call) stays in
 * its own chunk, so start-up does not load it (a single-file bundle hoists it to the top).
 */
export async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: { [basename(outfile, extname(outfile))]: entry },
    outdir: dirname(outfile),
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundle('server/main.ts', 'dist/main.mjs');
  console.log('built dist/main.mjs');
}
