/**
 * npm run build: bundles the service into dist/main.mjs for `npm run start:prod` (plain node,
 * no TypeScript loader: ~40 MB less RSS than tsx). Dependencies stay in node_modules.
 */
import { build } from 'esbuild';

export async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
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
