/**
 * A mutex per key across every instance: a Redis key set with NX and an expiry, released only by
 * its holder (compare-and-delete) and extended while the work runs. Work on this instance queues
 * in memory first, so only one local request at a time polls Redis. Redis down: this instance's
 * own mutex still serialises its requests (one instance's guarantee, as before Redis).
 */

import { randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import { KeyedMutex } from '../guards/keyed-mutex';
import type { RedisLink } from './redis-link';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export async function releaseLock(link: RedisLink, key: string, token: string): Promise<void> {
  await link.client.eval(RELEASE, 1, key, token);
}

export interface Mutex {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export class RedisMutex implements Mutex {
  private readonly local = new KeyedMutex();
  readonly stats = { acquired: 0, degraded: 0, waitedMs: 0 };

  constructor(
    private readonly link: RedisLink,
    private readonly options: { ttlMs: number; waitMs: number; pollMs?: number },
  ) {}

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.local.run(key, () => this.runShared(key, work));
  }

  private async runShared<T>(key: string, work: () => Promise<T>): Promise<T> {
    const lockKey = this.link.key('lock', 'mutex', key);
    const token = `${this.link.instanceId}:${randomUUID()}`;
    const started = Date.now();
    let held = false;
    let reachable = true;
    for (;;) {
      if (!this.link.available) {
        reachable = false;
        break;
      }
      try {
        held = (await this.link.client.set(lockKey, token, 'PX', this.options.ttlMs, 'NX')) === 'OK';
      } catch {
        reachable = false;
        break;
      }
      if (held) break;
      if (Date.now() - started > this.options.waitMs) {
        // Another instance is still working on this key (its lock is renewed while it runs).
        throw new AppError('upstream_unavailable', { retryAfterSeconds: 5, internal: { lock: key, waitedMs: Date.now() - started } });
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 20));
    }
    if (!reachable) {
      // Redis down: this instance's own lock is all we have.
      this.stats.degraded++;
      this.link.stats.fallbacks++;
      return work();
    }
    this.stats.acquired++;
    this.stats.waitedMs += Date.now() - started;
    const renew = setInterval(
      () => {
        void this.link.client.eval(EXTEND, 1, lockKey, token, String(this.options.ttlMs)).catch(() => {});
      },
      Math.max(100, Math.floor(this.options.ttlMs / 3)),
    );
    try {
      return await work();
    } finally {
      clearInterval(renew);
      await releaseLock(this.link, lockKey, token).catch(() => {});
    }
  }
}
