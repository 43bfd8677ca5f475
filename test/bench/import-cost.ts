/**
 * npm run bench:imports — what the libraries the service loads at start cost in RSS before any of
 * our code runs: a bare `node` process, then one per library alone, then all of them together,
 * loaded from node_modules and bundled the way `npm run build` bundles them, each settled (a full
 * collection, a pause, another collection) the way the bench reads an idle service. Reads the
 * library list from the static imports of a build that leaves every package external, so it
 * follows the code. Node only (the reference runtime); a dozen short child processes, no network.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bundle } from '../../scripts/build';

/** Only read for its import lines; the imports themselves resolve from the repository (the cwd). */
const ENTRY = join(mkdtempSync(join(tmpdir(), 'import-cost-')), 'main.mjs');
/** The same packages bundled the way `npm run build` bundles them; inside the repository, so pino resolves. */
const BUNDLED_DIR = join(process.cwd(), '.bench-build', 'import-cost');
const SETTLE_MS = 3000;

/** Static imports (not `import(...)`) in minified or plain ESM: `import{a}from"x"`, `import * as m from "x"`, `import"x"`. */
const STATIC_IMPORT = /\bimport(?!\s*\()\s*(?:[^;"]*?from\s*)?"([^"]+)"/g;

/**
 * Packages (not node: builtins) the bundle imports at start, following its static imports of
 * its own chunks; chunks loaded on demand (`import(...)`) are not counted.
 */
function startupPackages(file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
    if (specifier!.startsWith('.')) for (const name of startupPackages(join(dirname(file), specifier!), seen)) names.add(name);
    else if (!specifier!.startsWith('node:')) names.add(specifier!);
  }
  return names;
}

/** A module that imports these specifiers whole, then settles and prints its RSS in bytes. */
function importingScript(specifiers: readonly string[]): string {
  return [
    ...specifiers.map((specifier, index) => `import * as m${index} from ${JSON.stringify(specifier)};`),
    // Kept where the bundler can see them used: with a bare `void m0`, esbuild dropped modules
    // marked side-effect free whole, and with them node-fetch-native's reads of the fetch globals
    // at import, which load undici in the service's own bundle.
    `globalThis.importedModules = [${specifiers.map((_, index) => `m${index}`).join(', ')}];`,
    'globalThis.gc();',
    `await new Promise((resolve) => setTimeout(resolve, ${SETTLE_MS}));`,
    'globalThis.gc();',
    'process.stdout.write(String(process.memoryUsage().rss));',
  ].join('\n');
}

/** Settled RSS in MB of a fresh node process started with these arguments. */
function settledRss(args: readonly string[], what: string): number {
  const result = spawnSync(process.execPath, ['--expose-gc', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${what} failed: ${result.stderr}`);
  return Math.round((Number(result.stdout) / 1048576) * 10) / 10;
}

const importing = (specifiers: readonly string[]) =>
  settledRss(['--input-type=module', '-e', importingScript(specifiers)], `importing ${specifiers.join(', ')}`);

/** The packages bundled into one file (pino and ioredis stay in node_modules, as in the build). */
async function bundledTogether(specifiers: readonly string[]): Promise<number> {
  mkdirSync(BUNDLED_DIR, { recursive: true });
  writeFileSync(join(BUNDLED_DIR, 'entry.mjs'), importingScript(specifiers));
  await bundle(join(BUNDLED_DIR, 'entry.mjs'), join(BUNDLED_DIR, 'bundled.mjs'));
  try {
    return settledRss([join(BUNDLED_DIR, 'bundled.mjs')], 'the bundle of them');
  } finally {
    rmSync(BUNDLED_DIR, { recursive: true, force: true });
  }
}

await bundle('server/main.ts', ENTRY, 'external');
const packages = [...startupPackages(ENTRY)].sort();
const bare = importing([]);
const rows = packages.map((name) => ({ package: name, settledRssMb: importing([name]) }));
const together = importing(packages);
const bundled = await bundledTogether(packages);
const over = (mb: number) => Math.round((mb - bare) * 10) / 10;
console.log(`node ${process.version}: settled RSS of a process that only imports (MB)\n`);
console.log('| what is imported | settled RSS MB | over bare node MB |');
console.log('|---|---|---|');
console.log(`| nothing (bare node) | ${bare} | 0 |`);
for (const row of rows.sort((a, b) => b.settledRssMb - a.settledRssMb)) {
  console.log(`| ${row.package} | ${row.settledRssMb} | ${over(row.settledRssMb)} |`);
}
console.log(`| all ${packages.length} together, from node_modules | ${together} | ${over(together)} |`);
console.log(`| all ${packages.length} together, bundled as \`npm run build\` does | ${bundled} | ${over(bundled)} |`);
