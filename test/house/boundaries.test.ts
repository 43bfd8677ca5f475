import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** The WispHub half and the surfaces: what the engine rooms (llm, agent) never import. */
const SURFACES_AND_WISPHUB = [
  'server/wisphub',
  'server/routers',
  'server/trpc',
  'server/http',
  'server/rest',
  'server/mcp',
  'server/openai',
  'server/redis',
  '@trpc/',
];

walls('server/llm never reaches the WispHub half or a surface: no wisphub, routers, trpc, http, rest, mcp, openai', () => {
  const forbidden = SURFACES_AND_WISPHUB;
  const offending = importsIn('server/llm').filter((line) => forbidden.some((room) => target(line).startsWith(room)));
  assert.equal(
    offending.map((line) => `${line.file} → ${line.specifier}`),
    [],
  );
});

walls(
  'server/agent reaches WispHub only through the procedures it is handed: no wisphub, routers, trpc, http, rest, mcp, openai, redis',
  () => {
    const forbidden = SURFACES_AND_WISPHUB;
    const offending = importsIn('server/agent').filter((line) => forbidden.some((room) => target(line).startsWith(room)));
    assert.equal(
      offending.map((line) => `${line.file} → ${line.specifier}`),
      [],
    );
    assert.ok(importsIn('server/agent').length > 0, 'the scanner read the agent');
  },
);

walls('server/llm-simulator shares no code with the gateway: it imports only its own files and node', () => {
  const offending = importsIn('server/llm-simulator').filter(
    (line) => !line.specifier.startsWith('./') && !line.specifier.startsWith('node:'),
  );
  assert.equal(
    offending.map((line) => `${line.file} → ${line.specifier}`),
    [],
  );
});

walls('server/twilio-simulator and server/meta-simulator share no code with the channels: they import only node', () => {
  for (const room of ['server/twilio-simulator', 'server/meta-simulator']) {
    const offending = importsIn(room).filter((line) => !line.specifier.startsWith('node:'));
    assert.equal(
      offending.map((line) => `${line.file} → ${line.specifier}`),
      [],
    );
    assert.ok(importsIn(room).length > 0, room);
  }
});

walls('only server/channels/twilio/ loads the twilio package, and only it speaks the Messages API', () => {
  const offending = sourceFiles('server')
    .filter((file) => !file.startsWith('server/channels/twilio/') && !file.startsWith('server/twilio-simulator/'))
    .flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return ["import('twilio')", "from 'twilio'", '/2010-04-01/Accounts/']
        .filter((marker) => text.includes(marker))
        .map((marker) => `${file}: ${marker}`);
    });
  assert.equal(offending, []);
});

walls('only server/llm/providers/ speaks a provider’s wire format (and the simulator, which plays it)', () => {
  // Markers of the three wire formats: Anthropic's version header and event names, Gemini's endpoints and key header.
  const markers = [
    'anthropic-version',
    'content_block_delta',
    'input_json_delta',
    ':generateContent',
    'functionDeclarations',
    'x-goog-api-key',
    'candidatesTokenCount',
  ];
  const offending = sourceFiles('server')
    .filter((file) => !file.startsWith('server/llm/providers/') && !file.startsWith('server/llm-simulator/'))
    .flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      return markers.filter((marker) => text.includes(marker)).map((marker) => `${file}: ${marker}`);
    });
  assert.equal(offending, []);
});

walls('server/ root holds a handful of files; everything else lives in a room', () => {
  const loose = readdirSync(join(ROOT, 'server'), { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  assert.equal(loose, ['app.ts', 'errors.ts', 'main.ts', 'services.ts']);
});

/** The source file a relative import names (`./x` → `x.ts`, a folder → its `index.ts`). */
function moduleFile(line: ImportLine): string | null {
  if (!line.specifier.startsWith('.')) return null;
  const base = target(line);
  if (/\.(m?ts)$/.test(base)) return base;
  return existsSync(join(ROOT, `${base}.ts`)) ? `${base}.ts` : join(base, 'index.ts');
}

/** The import graph's strongly connected components of more than one module (Tarjan): each is a cycle. */
export function importCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    order.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of edges.get(node) ?? []) {
      if (!edges.has(to)) continue;
      if (!order.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, order.get(to)!));
    }
    if (low.get(node) !== order.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of edges.keys()) if (!order.has(node)) visit(node);
  return cycles;
}

walls('the cycle finder finds a cycle (so the rule below can fail)', () => {
  const edges = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts']],
    ['d.ts', ['a.ts']],
  ]);
  assert.equal(importCycles(edges), [['a.ts', 'b.ts', 'c.ts']]);
});

walls('no import cycle in server/, type-only imports included: every layer points down', () => {
  const edges = new Map<string, string[]>();
  for (const file of sourceFiles('server')) {
    const lines = importsOf(file, readFileSync(join(ROOT, file), 'utf8'));
    edges.set(
      file,
      lines.map(moduleFile).filter((to): to is string => to !== null),
    );
  }
  assert.equal(importCycles(edges), []);
});

walls('nothing below the surfaces imports a router: only the route table and the OpenAPI document serve them', () => {
  const servesRouters = new Set(['server/http/routes.ts', 'server/rest/openapi.ts']);
  const offending = importsIn('server').filter(
    (line) => !line.file.startsWith('server/routers/') && !servesRouters.has(line.file) && target(line).startsWith('server/routers/'),
  );
  assert.equal(
    offending.map((line) => `${line.file} → ${line.specifier}`),
    [],
  );
});

walls('a module’s doc comment comes first, before its imports (after them nothing attaches it)', () => {
  const late = sourceFiles('server').filter((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    // The imports, then a doc block standing alone (a blank line after it): a module doc in the wrong place.
    return /^(?:import[^;]*;\s*)+\n\/\*\*(?:[^*]|\*(?!\/))*\*\/\n\n/.test(text);
  });
  assert.equal(late, []);
});

walls.run();
