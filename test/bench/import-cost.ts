/**
 * npm run bench:imports — what the libraries the service loads at start cost in RSS before any of
 * our code runs: a bare `node` process, then one per library alone, then all of them together,
 * each settled (a full collection, a pause, another collection) the way the bench reads an idle
 * service. Reads the library list from the production bundle's static imports, so it follows the
 * code. Node only (the reference runtime); loopback-free, a dozen short child processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from '../../scripts/build';

/** Only read for its import lines; the imports themselves resolve from the repository (the cwd). */
const ENTRY = join(mkdtempSync(join(tmpdir(), 'import-cost-')), 'main.mjs');
const SETTLE_MS = 3000;

/** Packages (not node: builtins) the bundle imports at start; lazily loaded chunks are not counted. */
function startupPackages(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const match of source.matchAll(/^import (?:[^;]*? from )?"([^".][^"]*)"/gm)) {
    const specifier = match[1]!;
    if (!specifier.startsWith('node:')) names.add(specifier);
  }
  return [...names].sort();
}

/** Settled RSS in MB of a fresh node process that imports these specifiers. */
function settledRss(specifiers: readonly string[]): number {
  const script = [
    ...specifiers.map((specifier, index) => `import * as m${index} from ${JSON.stringify(specifier)}; void m${index};`),
    'globalThis.gc();',
    `await new Promise((resolve) => setTimeout(resolve, ${SETTLE_MS}));`,
    'globalThis.gc();',
    'process.stdout.write(String(process.memoryUsage().rss));',
  ].join('\n');
  const result = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`importing ${specifiers.join(', ')} failed: ${result.stderr}`);
  return Math.round((Number(result.stdout) / 1048576) * 10) / 10;
}

await bundle('server/main.ts', ENTRY);
const packages = startupPackages(ENTRY);
const bare = settledRss([]);
const rows = packages.map((name) => ({ package: name, settledRssMb: settledRss([name]) }));
const together = settledRss(packages);
console.log(`node ${process.version}: settled RSS of a process that only imports (MB)\n`);
console.log('| what is imported | settled RSS MB | over bare node MB |');
console.log('|---|---|---|');
console.log(`| nothing (bare node) | ${bare} | 0 |`);
for (const row of rows.sort((a, b) => b.settledRssMb - a.settledRssMb)) {
  console.log(`| ${row.package} | ${row.settledRssMb} | ${Math.round((row.settledRssMb - bare) * 10) / 10} |`);
}
console.log(`| all ${packages.length} together | ${together} | ${Math.round((together - bare) * 10) / 10} |`);
