/**
 * A real Postgres server for a test run: a throw-away cluster (initdb) in a temporary folder, on a
 * free loopback port, trusting loopback connections, stopped and deleted by the test. `.ci/run`
 * installs Debian's postgresql. initdb refuses to run as root, so as root the cluster runs as the
 * `postgres` user Debian's package creates.
 */

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './redis-server';

const BIN_DIR = (() => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
})();

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function asOwner(command: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export class TestPostgres {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** The cluster's data folder (its bytes on disk). */
  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** The URL of a database of its own (created on demand with `database()`). */
  urlOf(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async start(): Promise<TestPostgres> {
    if (!BIN_DIR) throw new Error('Postgres is not installed (apt-get install -y postgresql)');
    const dir = mkdtempSync(join(tmpdir(), 'wisphub-pg-'));
    if (isRoot) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), 0);
    const [initdb, initArgs] = asOwner(join(BIN_DIR, 'initdb'), [
      '-D',
      join(dir, 'data'),
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    const init = spawnSync(initdb, initArgs, { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
    const server = new TestPostgres(await freePort(), dir);
    await server.launch();
    return server;
  }

  private async launch(): Promise<void> {
    const [postgres, args] = asOwner(join(BIN_DIR!, 'postgres'), [
      '-D',
      join(this.dir, 'data'),
      '-p',
      String(this.port),
      '-k',
      this.dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ]);
    this.child = spawn(postgres, args, { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const client = new pg.Client({ connectionString: this.urlOf('postgres') });
      client.on('error', () => {});
      try {
        await client.connect();
        await client.query('select 1');
        await client.end();
        return;
      } catch {
        await client.end().catch(() => {});
      }
      if (Date.now() > deadline) throw new Error(`postgres did not start on ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Creates an empty database and returns its URL. */
  async database(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.urlOf('postgres') });
    await client.connect();
    try {
      await client.query(`create database "${name.replace(/[^a-z0-9_]/g, '_')}"`);
    } finally {
      await client.end();
    }
    return this.urlOf(name.replace(/[^a-z0-9_]/g, '_'));
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // pg_ctl's fast stop: runuser does not pass a signal on to the server it started.
      const [pgCtl, args] = asOwner(join(BIN_DIR!, 'pg_ctl'), ['stop', '-D', join(this.dir, 'data'), '-m', 'fast', '-s']);
      spawnSync(pgCtl, args, { stdio: 'ignore' });
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** True when the Postgres tests can run here; outside CI they are skipped with a warning otherwise. */
export function postgresAvailable(): boolean {
  if (BIN_DIR) return true;
  if (process.env.CI) throw new Error('CI must install postgresql (.ci/run does)');
  console.warn('postgresql not installed: skipping the Postgres tests (apt-get install -y postgresql)');
  return false;
}
