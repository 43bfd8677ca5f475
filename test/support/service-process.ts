import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { typescriptCommand } from './runtimes';

/** The service as a real process (server/main.ts, or its bundle) on this runtime, for tests that signal, kill or build it. */
export interface ServiceProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
  /** Everything it printed so far (its JSON logs). */
  output(): string;
  /** Its exit code, once it exits. */
  exited: Promise<number | null>;
}

/** A production-mode process on the embedded simulator (allowed on purpose), an ephemeral port, info logs. */
export const PRODUCTION_ON_SIMULATOR: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  ALLOW_SIMULATOR_IN_PRODUCTION: 'true',
  PORT: '0',
  HOST: '127.0.0.1',
  WARMUP: 'false',
  LOG_LEVEL: 'info',
};

/**
 * Starts it with `env` over this process's environment; resolves once it logs its URL. `command`
 * runs something else that starts the service, such as the production bundle.
 */
export async function startServiceProcess(
  env: Record<string, string>,
  command: [string, string[]] = typescriptCommand('server/main.ts'),
): Promise<ServiceProcess> {
  const child = spawn(...command, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start: ${output}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return { child, url, output: () => output, exited };
}
