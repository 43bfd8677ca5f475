import { TTLCache } from '@isaacs/ttlcache';

/**
 * A cache with single-flight loading and stale-while-revalidate on @isaacs/ttlcache, which
 * deletes entries at expiry: each entry keeps its own `freshUntil` and lives `staleMs` longer.
 * - fresh hit: answered from memory;
 * - stale hit: answered from memory at once while exactly one background refresh runs;
 * - miss: N concurrent callers share exactly one load.
 * A failed load is never stored, so the next caller tries again.
 */

export type CacheState = 'hit' | 'stale' | 'miss';

export interface CacheResult<V> {
  value: V;
  state: CacheState;
  /** When the value was loaded (ms since epoch). */
  loadedAt: number;
  /** Changes whenever the stored value changes (load or replace): answers derived from it are keyed by it. */
  version: number;
}

interface Entry<V> {
  value: V;
  loadedAt: number;
  freshUntil: number;
  version: number;
}

export interface SwrCacheOptions {
  name: string;
  freshMs: number;
  staleMs: number;
  max?: number;
  now?: () => number;
  onRefreshError?: (name: string, key: string, error: unknown) => void;
}

export class SwrCache<V> {
  private readonly entries: TTLCache<string, Entry<V>>;
  private readonly inflight = new Map<string, Promise<Entry<V>>>();
  /** Updates made while a load was in flight, applied to its result so a write is never lost. */
  private readonly updatesDuringLoad = new Map<string, ((value: V) => V)[]>();
  private readonly now: () => number;
  private lastVersion = 0;
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

  async get(key: string, load: () => Promise<V>): Promise<CacheResult<V>> {
    const entry = this.entries.get(key);
    if (entry) {
      if (this.now() < entry.freshUntil) {
        this.stats.hits++;
        return { value: entry.value, state: 'hit', loadedAt: entry.loadedAt, version: entry.version };
      }
      this.stats.stale++;
      this.startLoad(key, load).catch((error: unknown) => this.options.onRefreshError?.(this.options.name, key, error));
      return { value: entry.value, state: 'stale', loadedAt: entry.loadedAt, version: entry.version };
    }
    this.stats.misses++;
    const loaded = await this.startLoad(key, load);
    return { value: loaded.value, state: 'miss', loadedAt: loaded.loadedAt, version: loaded.version };
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
    this.entries.set(key, { ...entry, value: update(entry.value), version: ++this.lastVersion }, { ttl: Math.max(1, remaining) });
    return true;
  }

  delete(key: string): void {
    this.entries.delete(key);
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
        const loaded: V = await load();
        const value = updates.reduce<V>((current, update) => update(current), loaded);
        const loadedAt = this.now();
        const entry = { value, loadedAt, freshUntil: loadedAt + this.options.freshMs, version: ++this.lastVersion };
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
