/**
 * A cache with single-flight loading and stale-while-revalidate on @isaacs/ttlcache, which
 * deletes entries at expiry: each entry keeps its own `freshUntil` and lives `staleMs` longer.
 * - fresh hit: answered from memory;
 * - stale hit: answered from memory at once while exactly one background refresh runs;
 * - miss: N concurrent callers share exactly one load.
 * A failed load is never stored, so the next caller tries again.
 */

import { TTLCache } from '@isaacs/ttlcache';

export type CacheState = 'hit' | 'stale' | 'miss';

export interface CacheResult<V> {
  value: V;
  state: CacheState;
  /** When the value was loaded (ms since epoch). */
  loadedAt: number;
  /** Changes whenever the stored value changes (load or replace): answers derived from it are keyed by it. */
  version: number;
  /** The cache and key it was read from, so whoever derives an answer from it can depend on them. */
  source: { cache: SwrCache<unknown>; key: string };
}

interface Entry<V> {
  value: V;
  loadedAt: number;
  freshUntil: number;
  version: number;
  /** Stamp of the shared (second-level) copy this value came from or was written to, if any. */
  sharedStamp: string | null;
}

/** A value as the shared tier holds it: when it was loaded and a stamp that changes with each write. */
export interface SharedValue<V> {
  value: V;
  loadedAt: number;
  stamp: string;
}

/**
 * A second level shared by every instance (Redis). Loads go through it: a fresh shared copy is
 * used as it is, otherwise one instance loads upstream while the others wait for its result.
 */
export interface SharedTier<V> {
  load(
    key: string,
    freshMs: number,
    keepMs: number,
    loadUpstream: () => Promise<V>,
  ): Promise<SharedValue<V> | { value: V; loadedAt: number; stamp: null }>;
  /** The shared copy, if any (for a consistent read under a cross-instance lock). */
  read(key: string): Promise<SharedValue<V> | null>;
  /** Writes a changed value for the other instances; resolves once they can see it. */
  write(key: string, value: V, loadedAt: number, keepMs: number): Promise<string | null>;
  /** Drops the shared copy and tells the other instances to drop theirs. */
  invalidate(key: string): Promise<void>;
}

export interface SwrCacheOptions {
  name: string;
  freshMs: number;
  staleMs: number;
  max?: number;
  now?: () => number;
  onRefreshError?: (name: string, key: string, error: unknown) => void;
}

/** Turns a cached value into text and back, for the shared tier. */
export interface Codec<V> {
  encode(value: V): string;
  decode(text: string): V;
}

export const jsonCodec = <V>(): Codec<V> => ({ encode: (value) => JSON.stringify(value), decode: (text) => JSON.parse(text) as V });

export const mapCodec = <K, V>(): Codec<Map<K, V>> => ({
  encode: (value) => JSON.stringify([...value]),
  decode: (text) => new Map(JSON.parse(text) as [K, V][]),
});

export class SwrCache<V> {
  private readonly entries: TTLCache<string, Entry<V>>;
  private readonly inflight = new Map<string, Promise<Entry<V>>>();
  /** Updates made while a load was in flight, applied to its result so a write is never lost. */
  private readonly updatesDuringLoad = new Map<string, ((value: V) => V)[]>();
  private readonly now: () => number;
  private lastVersion = 0;
  private shared: SharedTier<V> | null = null;
  /** Shared writes in flight per key, so a caller can wait until other instances see a change. */
  private readonly sharedWrites = new Map<string, Promise<unknown>>();
  readonly stats = { hits: 0, stale: 0, misses: 0, loads: 0, loadFailures: 0 };

  constructor(private readonly options: SwrCacheOptions) {
    this.now = options.now ?? Date.now;
    this.entries = new TTLCache({ max: options.max ?? 10_000, ttl: options.freshMs + options.staleMs });
  }

  get size(): number {
    return this.entries.size;
  }

  get name(): string {
    return this.options.name;
  }

  /** How long a loaded value counts as fresh. */
  get freshMs(): number {
    return this.options.freshMs;
  }

  /** Puts a shared tier (Redis) behind this cache; without one, each instance loads on its own. */
  useSharedTier(tier: SharedTier<V>): void {
    this.shared = tier;
  }

  /** When the value of `key` was loaded, if held. */
  loadedAt(key: string): number | null {
    return this.entries.get(key)?.loadedAt ?? null;
  }

  /**
   * Makes this instance hold the shared copy when it differs from the local one. Used under a
   * cross-instance lock, where pub/sub notices may not have arrived yet.
   */
  async syncShared(key: string): Promise<void> {
    if (!this.shared) return;
    await this.sharedWrites.get(key);
    const remote = await this.shared.read(key);
    const local = this.entries.get(key);
    if (!remote || remote.stamp === local?.sharedStamp) return;
    this.entries.set(key, {
      value: remote.value,
      loadedAt: remote.loadedAt,
      freshUntil: remote.loadedAt + this.options.freshMs,
      version: ++this.lastVersion,
      sharedStamp: remote.stamp,
    });
  }

  /** Resolves once every shared write of `key` started here has landed. */
  async flushShared(key: string): Promise<void> {
    await this.sharedWrites.get(key);
  }

  private sourceOf(key: string): CacheResult<V>['source'] {
    return { cache: this as SwrCache<unknown>, key };
  }

  async get(key: string, load: () => Promise<V>): Promise<CacheResult<V>> {
    const entry = this.entries.get(key);
    if (entry) {
      if (this.now() < entry.freshUntil) {
        this.stats.hits++;
        return { value: entry.value, state: 'hit', loadedAt: entry.loadedAt, version: entry.version, source: this.sourceOf(key) };
      }
      this.stats.stale++;
      this.startLoad(key, load).catch((error: unknown) => this.options.onRefreshError?.(this.options.name, key, error));
      return { value: entry.value, state: 'stale', loadedAt: entry.loadedAt, version: entry.version, source: this.sourceOf(key) };
    }
    this.stats.misses++;
    const loaded = await this.startLoad(key, load);
    return { value: loaded.value, state: 'miss', loadedAt: loaded.loadedAt, version: loaded.version, source: this.sourceOf(key) };
  }

  /** The version of a fresh entry, or null when absent or past its TTL (a read would refresh it). */
  freshVersion(key: string): number | null {
    const entry = this.entries.get(key);
    return entry && this.now() < entry.freshUntil ? entry.version : null;
  }

  /** The stored value, fresh or stale, without loading. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Replaces a stored value (read-your-writes) keeping its freshness; no-op when absent. */
  replace(key: string, update: (value: V) => V): boolean {
    this.updatesDuringLoad.get(key)?.push(update);
    const entry = this.entries.get(key);
    if (!entry) return false;
    const remaining = this.entries.getRemainingTTL(key);
    const value = update(entry.value);
    const next: Entry<V> = { ...entry, value, version: ++this.lastVersion };
    this.entries.set(key, next, { ttl: Math.max(1, remaining) });
    if (this.shared) {
      const write = this.shared
        .write(key, value, entry.loadedAt, Math.max(1, remaining))
        .then((stamp) => {
          if (stamp && this.entries.get(key) === next) next.sharedStamp = stamp;
        })
        .catch(() => {});
      this.sharedWrites.set(key, write);
      void write.finally(() => {
        if (this.sharedWrites.get(key) === write) this.sharedWrites.delete(key);
      });
    }
    return true;
  }

  /** Drops the local copy only (another instance changed the shared one). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops the copy here and, with a shared tier, everywhere. */
  async invalidate(key: string): Promise<void> {
    this.entries.delete(key);
    await this.shared?.invalidate(key);
  }

  /** Resolves once no load of this cache is running (one that fails counts as finished). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }

  /** Keys held here. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  clear(): void {
    this.entries.clear();
  }

  private startLoad(key: string, load: () => Promise<V>): Promise<Entry<V>> {
    const running = this.inflight.get(key);
    if (running) return running;
    this.stats.loads++;
    const updates: ((value: V) => V)[] = [];
    this.updatesDuringLoad.set(key, updates);
    const promise = (async () => {
      try {
        // With a shared tier, freshness counts from when the shared copy was loaded (maybe by another instance).
        const {
          value: loaded,
          loadedAt,
          stamp: sharedStamp,
        } = this.shared
          ? await this.shared.load(key, this.options.freshMs, this.options.freshMs + this.options.staleMs, load)
          : { value: await load(), loadedAt: this.now(), stamp: null };
        const value = updates.reduce<V>((current, update) => update(current), loaded);
        const entry: Entry<V> = { value, loadedAt, freshUntil: loadedAt + this.options.freshMs, version: ++this.lastVersion, sharedStamp };
        this.entries.set(key, entry);
        return entry;
      } catch (error) {
        this.stats.loadFailures++;
        throw error;
      } finally {
        this.inflight.delete(key);
        this.updatesDuringLoad.delete(key);
      }
    })();
    this.inflight.set(key, promise);
    return promise;
  }
}
