import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/**
 * A real redis-server for a test run, on a free loopback port, with no persistence; stopped (or
 * killed, to test an outage) by the test. `.ci/run` installs Debian's redis-server.
 */

export const REDIS_BINARY = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((path) => existsSync(path)) ?? null;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export class TestRedis {
  private child: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  static async start(port?: number): Promise<TestRedis> {
    const redis = new TestRedis(port ?? (await freePort()));
    await redis.launch();
    return redis;
  }

  /** (Re)starts the server on the same port and waits until it answers PING. */
  async launch(): Promise<void> {
    if (!REDIS_BINARY) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
    this.child = spawn(
      REDIS_BINARY,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      {
        stdio: 'ignore',
      },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, {
        lazyConnect: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
      });
      probe.on('error', () => {});
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') {
          probe.disconnect();
          return;
        }
      } catch {
        probe.disconnect();
      }
      if (Date.now() > deadline) throw new Error(`redis-server did not start on ${this.port}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** An outage: the process dies at once, connections drop without a goodbye. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** True when the tests needing Redis can run here; outside CI they are skipped with a warning otherwise. */
export function redisAvailable(): boolean {
  if (REDIS_BINARY) return true;
  if (process.env.CI) throw new Error('CI must install redis-server (.ci/run does)');
  console.warn('redis-server not installed: skipping the multi-instance tests (apt-get install -y redis-server)');
  return false;
}

export const redisVersion = (): string =>
  REDIS_BINARY ? spawnSync(REDIS_BINARY, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'none';
