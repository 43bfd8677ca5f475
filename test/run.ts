/**
 * Runs every uvu suite under test/ once per runtime (Node, then Bun), each in its own process,
 * prints a labelled `runtime: N passed, N failed` line per run and ends with the combined line
 * `N passed, N failed`. Fails when a test failed, when uvu itself failed, or when no test ran.
 *   node --import tsx test/run.ts [--runtime node|bun|all] [file-pattern]
 */
import { spawn } from 'node:child_process';
import { type Runtime, runtimeExecutable, takeRuntimeFlag, typescriptArgs } from './support/runtimes';

const args = process.argv.slice(2);
const runtimes = takeRuntimeFlag(args, 'all');
const pattern = args[0] ?? '\\.test\\.ts$';
const TIMEOUT_MS = 20 * 60_000;

interface RunResult {
  passed: number;
  failed: number;
  skipped: number;
  total: number;
}

function runSuite(runtime: Runtime): Promise<RunResult> {
  console.log(`\n=== ${runtime}: running the suite ===`);
  const child = spawn(runtimeExecutable(runtime), typescriptArgs(runtime, 'node_modules/uvu/bin.js', ['test', pattern, '-i', 'bench']), {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_ENV: 'test' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    output += chunk.toString('utf8');
  });
  const timer = setTimeout(() => {
    console.error(`\n${runtime}: test run exceeded ${TIMEOUT_MS / 60_000} minutes: stopping it`);
    child.kill('SIGKILL');
  }, TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      console.error(`${runtime}: could not start (${error.message})`);
      resolve({ passed: 0, failed: 1, skipped: 0, total: 0 });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
      const total = Number(plain.match(/Total:\s+(\d+)/)?.[1] ?? 0);
      const passed = Number(plain.match(/Passed:\s+(\d+)/)?.[1] ?? 0);
      const skipped = Number(plain.match(/Skipped:\s+(\d+)/)?.[1] ?? 0);
      // A crash or a zero-test run counts as a failure even when uvu printed nothing.
      const failed = Math.max(total - passed - skipped, code === 0 && total > 0 ? 0 : 1);
      if (total === 0) console.error(`${runtime}: no test ran`);
      resolve({ passed, failed, skipped, total });
    });
  });
}

const results: [Runtime, RunResult][] = [];
for (const runtime of runtimes) results.push([runtime, await runSuite(runtime)]);

console.log('');
const sum = { passed: 0, failed: 0, skipped: 0 };
for (const [runtime, result] of results) {
  console.log(`${runtime}: ${result.passed} passed, ${result.failed} failed${result.skipped > 0 ? `, ${result.skipped} skipped` : ''}`);
  sum.passed += result.passed;
  sum.failed += result.failed;
  sum.skipped += result.skipped;
}
console.log(`${sum.passed} passed, ${sum.failed} failed${sum.skipped > 0 ? `, ${sum.skipped} skipped` : ''}`);
process.exit(sum.failed === 0 && sum.passed > 0 ? 0 : 1);
