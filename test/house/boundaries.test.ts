import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * The rooms' walls: the domain and the gateway import no RPC framework, the client package takes
 * only types from the server, and the simulator (an independent reading of docs/upstream.md)
 * shares no code with the gateway.
 */

const ROOT = resolve(import.meta.dirname, '../..');

interface ImportLine {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function sourceFiles(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(path));
    else if (/\.(m?ts|tsx)$/.test(entry.name)) found.push(path);
  }
  return found;
}

/** Static and dynamic imports and re-exports of a source text. */
export function importsOf(file: string, text: string): ImportLine[] {
  const lines: ImportLine[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    lines.push({ file, specifier: match[3]!, typeOnly: match[2] !== undefined });
  }
  for (const match of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) lines.push({ file, specifier: match[1]!, typeOnly: false });
  return lines;
}

/** Where a relative specifier points, from the repository root. */
function target(line: ImportLine): string {
  return line.specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(line.file), line.specifier)) : line.specifier;
}

function importsIn(folder: string): ImportLine[] {
  return sourceFiles(folder).flatMap((file) => importsOf(file, readFileSync(join(ROOT, file), 'utf8')));
}

const walls = suite('house: import boundaries');

walls('the scanner sees static, type-only, re-exported and dynamic imports (so the walls below can fail)', () => {
  const seen = importsOf(
    'server/domain/x.ts',
    "import { a } from '@trpc/server';\nimport type { B } from '../wisphub/gateway';\nexport { c } from './c';\nconst d = await import('../simulator/server');",
  );
  assert.equal(
    seen.map((line) => [line.specifier, line.typeOnly]),
    [
      ['@trpc/server', false],
      ['../wisphub/gateway', true],
      ['./c', false],
      ['../simulator/server', false],
    ],
  );
});

walls('server/domain and server/wisphub import nothing from @trpc/*', () => {
  const offending = [...importsIn('server/domain'), ...importsIn('server/wisphub')].filter((line) => line.specifier.startsWith('@trpc/'));
  assert.equal(
    offending.map((line) => `${line.file} → ${line.specifier}`),
    [],
  );
});

walls('server/domain does no I/O and knows no upstream: no node:http/net/fs, no wisphub, no redis', () => {
  const offending = importsIn('server/domain').filter(
    (line) => /^node:(http|https|net|fs)/.test(line.specifier) || /^server\/(wisphub|redis|http)\//.test(target(line)),
  );
  assert.equal(
    offending.map((line) => `${line.file} → ${line.specifier}`),
    [],
  );
});

walls('client/ takes only types from server/', () => {
  const offending = importsIn('client').filter((line) => target(line).startsWith('server/') && !line.typeOnly);
  assert.equal(
    offending.map((line) => `${line.file} → ${line.specifier}`),
    [],
  );
  assert.ok(
    importsIn('client').some((line) => target(line).startsWith('server/')),
    'the client does read the router type',
  );
});

walls('server/simulator shares no code with the gateway (server/wisphub)', () => {
  const offending = importsIn('server/simulator').filter((line) => target(line).startsWith('server/wisphub'));
  assert.equal(
    offending.map((line) => `${line.file} → ${line.specifier}`),
    [],
  );
});

walls('server/ root holds a handful of files; everything else lives in a room', () => {
  const loose = readdirSync(join(ROOT, 'server'), { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  assert.equal(loose, ['app.ts', 'errors.ts', 'main.ts', 'services.ts']);
});

walls.run();
