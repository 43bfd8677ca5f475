/**
 * The second cache level, in Redis: complete collections with when they were loaded and a stamp.
 * A cold instance fills from here rather than from WispHub Net; when the shared copy is missing
 * or old, one instance (holding a lock with expiry) loads upstream while the others wait for its
 * result, and take over if it dies (the lock expires). Redis down: each instance loads alone.
 */

import { randomUUID } from 'node:crypto';
import type { Codec, SharedTier, SharedValue, SwrCache } from '../upstream/swr-cache';
import type { RedisLink } from './redis-link';
import { releaseLock } from './redis-lock';

export interface SharedCacheOptions {
  /** Lock lifetime: longer than the slowest complete load, short enough to take over a dead loader. */
  lockTtlMs: number;
  /** How often a waiting instance looks for the loader's result. */
  pollMs?: number;
}

export interface SharedCacheStats {
  /** Loads answered from Redis (no upstream call). */
  fromShared: number;
  /** Loads this instance made upstream while holding the lock. */
  fromUpstream: number;
  /** Loads made upstream without Redis (down, or a command failed). */
  degraded: number;
  /** Times this instance waited for another instance's load. */
  waits: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** "stamp\nloadedAt\n<encoded value>": the value is parsed once, by the codec. */
function pack(stamp: string, loadedAt: number, encoded: string): string {
  return `${stamp}\n${loadedAt}\n${encoded}`;
}

function unpack(text: string): { stamp: string; loadedAt: number; encoded: string } | null {
  const first = text.indexOf('\n');
  const second = text.indexOf('\n', first + 1);
  if (first < 0 || second < 0) return null;
  const loadedAt = Number(text.slice(first + 1, second));
  return Number.isFinite(loadedAt) ? { stamp: text.slice(0, first), loadedAt, encoded: text.slice(second + 1) } : null;
}

/** A Redis failure inside the shared path: the caller loads upstream on its own. */
class SharedUnavailable extends Error {}

export class RedisCacheTier<V> implements SharedTier<V> {
  readonly stats: SharedCacheStats = { fromShared: 0, fromUpstream: 0, degraded: 0, waits: 0 };
  private readonly pollMs: number;

  constructor(
    private readonly link: RedisLink,
    private readonly cacheName: string,
    private readonly codec: Codec<V>,
    private readonly options: SharedCacheOptions,
  ) {
    this.pollMs = options.pollMs ?? 50;
  }

  private dataKey(key: string): string {
    return this.link.key('cache', this.cacheName, key);
  }

  private lockKey(key: string): string {
    return this.link.key('lock', 'cache', this.cacheName, key);
  }

  /** A Redis command; any failure becomes SharedUnavailable (never mistaken for an upstream failure). */
  private async redis<T>(operation: () => Promise<T>): Promise<T> {
    if (!this.link.available) throw new SharedUnavailable();
    try {
      return await operation();
    } catch {
      this.link.stats.errors++;
      throw new SharedUnavailable();
    }
  }

  async read(key: string): Promise<SharedValue<V> | null> {
    try {
      return await this.readFresh(key, Number.POSITIVE_INFINITY);
    } catch (error) {
      if (error instanceof SharedUnavailable) return null;
      throw error;
    }
  }

  /** The shared copy if loaded less than `freshMs` ago; checked before decoding (a directory costs ~200 ms to rebuild). */
  private async readFresh(key: string, freshMs: number): Promise<SharedValue<V> | null> {
    const text = await this.redis(() => this.link.client.get(this.dataKey(key)));
    const unpacked = text === null ? null : unpack(text);
    if (!unpacked || Date.now() - unpacked.loadedAt >= freshMs) return null;
    return { value: this.codec.decode(unpacked.encoded), loadedAt: unpacked.loadedAt, stamp: unpacked.stamp };
  }

  async load(key: string, freshMs: number, keepMs: number, loadUpstream: () => Promise<V>) {
    let lockToken: string | null = null;
    try {
      const cached = await this.readFresh(key, freshMs);
      if (cached) {
        this.stats.fromShared++;
        return cached;
      }
      const deadline = Date.now() + this.options.lockTtlMs;
      for (let waited = false; ; ) {
        const token = `${this.link.instanceId}:${randomUUID()}`;
        const acquired = await this.redis(() => this.link.client.set(this.lockKey(key), token, 'PX', this.options.lockTtlMs, 'NX'));
        if (acquired === 'OK') {
          lockToken = token;
          // Another instance may have stored it between our read and the lock.
          const stored = await this.readFresh(key, freshMs);
          if (stored) {
            this.stats.fromShared++;
            return stored;
          }
          break;
        }
        if (!waited) this.stats.waits++;
        waited = true;
        await sleep(this.pollMs);
        const result = await this.readFresh(key, freshMs);
        if (result) {
          this.stats.fromShared++;
          return result;
        }
        // The loader holds the lock until it stores or fails; past its lifetime it is gone.
        if (Date.now() > deadline) break;
      }
    } catch (error) {
      if (!(error instanceof SharedUnavailable)) throw error;
      this.stats.degraded++;
      return { value: await loadUpstream(), loadedAt: Date.now(), stamp: null };
    }
    try {
      const value = await loadUpstream();
      const loadedAt = Date.now();
      const stamp = await this.write(key, value, loadedAt, keepMs, false);
      this.stats.fromUpstream++;
      return { value, loadedAt, stamp };
    } finally {
      if (lockToken) await releaseLock(this.link, this.lockKey(key), lockToken).catch(() => {});
    }
  }

  async write(key: string, value: V, loadedAt: number, keepMs: number, announce = true): Promise<string | null> {
    const stamp = randomUUID();
    try {
      await this.redis(() =>
        this.link.client.set(this.dataKey(key), pack(stamp, loadedAt, this.codec.encode(value)), 'PX', Math.max(1, Math.round(keepMs))),
      );
      if (announce) await this.redis(() => this.link.publish(this.cacheName, key));
      return stamp;
    } catch (error) {
      if (error instanceof SharedUnavailable) return null;
      throw error;
    }
  }

  /** Keys of this cache held in Redis (SCAN, never KEYS: it does not block Redis). */
  async storedKeys(): Promise<string[]> {
    const prefix = this.link.key('cache', this.cacheName, '');
    const found: string[] = [];
    try {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis(() => this.link.client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500));
        cursor = next;
        for (const key of keys) found.push(key.slice(prefix.length));
      } while (cursor !== '0');
    } catch (error) {
      if (!(error instanceof SharedUnavailable)) throw error;
    }
    return found;
  }

  async invalidate(key: string): Promise<void> {
    try {
      await this.redis(() => this.link.client.del(this.dataKey(key)));
      await this.redis(() => this.link.publish(this.cacheName, key));
    } catch (error) {
      if (!(error instanceof SharedUnavailable)) throw error;
    }
  }
}

/** Puts a Redis tier behind a cache and drops its local copies when another instance changes them. */
export function shareCache<V>(link: RedisLink, cache: SwrCache<V>, codec: Codec<V>, options: SharedCacheOptions): RedisCacheTier<V> {
  const tier = new RedisCacheTier(link, cache.name, codec, options);
  cache.useSharedTier(tier);
  link.onEvent((event) => {
    if (event.cache === cache.name) cache.delete(event.key);
  });
  return tier;
}
