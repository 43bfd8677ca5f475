/**
 * The two JavaScript runtimes the suite and the benchmark run on. Bun comes from the pinned `bun`
 * devDependency (its binary ships in the npm package); Node is the one running npm.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Runtime = 'node' | 'bun';
export const RUNTIME_NAMES: readonly Runtime[] = ['node', 'bun'];

const isBun = 'bun' in process.versions;

/** Path of the runtime's executable, whichever runtime is running this code. */
export function runtimeExecutable(runtime: Runtime): string {
  if (runtime === 'bun') {
    if (isBun) return process.execPath;
    const local = fileURLToPath(new URL('../../node_modules/.bin/bun', import.meta.url));
    if (!existsSync(local)) throw new Error('Bun is not installed: run `npm ci` (bun is a devDependency)');
    return local;
  }
  return isBun ? 'node' : process.execPath;
}

/** `--runtime node|bun|all` from argv (removed from it); `fallback` when absent. */
export function takeRuntimeFlag(argv: string[], fallback: 'node' | 'bun' | 'all'): Runtime[] {
  const at = argv.indexOf('--runtime');
  const value = at >= 0 ? argv.splice(at, 2)[1] : fallback;
  if (value === 'all') return [...RUNTIME_NAMES];
  if (value === 'node' || value === 'bun') return [value];
  throw new Error(`--runtime must be node, bun or all (got ${value ?? 'nothing'})`);
}

/**
 * Arguments that run a TypeScript file on `runtime`: Node needs the tsx loader, Bun runs
 * TypeScript itself (and must not get `--import tsx`, which Bun would honour as a preload that
 * swaps in tsx's CommonJS hooks and breaks top-level await).
 */
export function typescriptArgs(runtime: Runtime, script: string, args: readonly string[] = []): string[] {
  return runtime === 'bun' ? [script, ...args] : ['--import', 'tsx', script, ...args];
}

/** The runtime running this code, and how to start a TypeScript file on it (for tests that spawn children). */
export const currentRuntime: Runtime = isBun ? 'bun' : 'node';
export function typescriptCommand(script: string, args: readonly string[] = []): [string, string[]] {
  return [process.execPath, typescriptArgs(currentRuntime, script, args)];
}
