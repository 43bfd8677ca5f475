/**
 * Runs every uvu suite under test/ (one process, tsx loader) and ends with the line
 * `N passed, N failed`. Fails when a test failed, when uvu itself failed, or when no test ran.
 *   node --import tsx test/run.ts [file-pattern]
 */
import { spawn } from 'node:child_process';

const pattern = process.argv[2] ?? '\\.test\\.ts$';
const TIMEOUT_MS = 20 * 60_000;

const child = spawn(process.execPath, ['--import', 'tsx', 'node_modules/uvu/bin.js', 'test', pattern, '-i', 'bench'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, NODE_ENV: 'test' },
});

let output = '';
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  output += chunk.toString('utf8');
});

const timer = setTimeout(() => {
  console.error(`\ntest run exceeded ${TIMEOUT_MS / 60_000} minutes: stopping it`);
  child.kill('SIGKILL');
}, TIMEOUT_MS);

child.on('close', (code) => {
  clearTimeout(timer);
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const total = Number(plain.match(/Total:\s+(\d+)/)?.[1] ?? 0);
  const passed = Number(plain.match(/Passed:\s+(\d+)/)?.[1] ?? 0);
  const skipped = Number(plain.match(/Skipped:\s+(\d+)/)?.[1] ?? 0);
  const failed = Math.max(total - passed - skipped, code === 0 ? 0 : 1);
  if (total === 0) console.error('no test ran');
  console.log(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  process.exit(total > 0 && failed === 0 && code === 0 ? 0 : 1);
});
