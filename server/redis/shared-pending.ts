import { LocalPendingStore, type PendingStore } from '../guards/pending-store';
import type { RedisLink } from './redis-link';

/**
 * Pending writes in Redis, so a handle answered by one instance can be polled on any other. The
 * instance settling a record renews a short claim on it; when the claim lapses (the instance
 * stopped or crashed), the next instance asked about the record takes the settlement over.
 * Redis down: this instance's memory answers for what it settles itself.
 */
export class SharedPendingStore<R> implements PendingStore<R> {
  private readonly local: LocalPendingStore<R>;

  constructor(
    private readonly link: RedisLink,
    private readonly options: { ttlMs: number; claimMs: number },
  ) {
    this.local = new LocalPendingStore(options.ttlMs);
  }

  async put(handle: string, record: R): Promise<void> {
    await this.local.put(handle, record);
    await this.link.attempt(
      'pending.put',
      (redis) => redis.set(this.link.key('pending', handle), JSON.stringify(record), 'PX', this.options.ttlMs),
      () => null,
    );
  }

  async get(handle: string): Promise<R | null> {
    const text = await this.link.attempt(
      'pending.get',
      (redis) => redis.get(this.link.key('pending', handle)),
      () => null,
    );
    if (text !== null) return JSON.parse(text) as R;
    return this.local.get(handle);
  }

  async hold(handle: string): Promise<() => void> {
    const claimKey = this.link.key('pending-claim', handle);
    const claim = () => this.link.client.set(claimKey, this.link.instanceId, 'PX', this.options.claimMs).catch(() => null);
    await claim();
    const renew = setInterval(() => void claim(), Math.max(100, Math.floor(this.options.claimMs / 3)));
    return () => {
      clearInterval(renew);
      void this.link.client.del(claimKey).catch(() => null);
    };
  }

  /** A bounded SCAN: the list is for people to read. Redis down: what this instance holds. */
  async list(prefix: string, limit: number): Promise<R[]> {
    return this.link.attempt(
      'pending.list',
      async (redis) => {
        const found: R[] = [];
        await this.link.scanEach(redis, `${this.link.key('pending', prefix)}*`, async (keys) => {
          for (const text of await redis.mget(...keys)) if (text !== null && found.length < limit) found.push(JSON.parse(text) as R);
          return found.length >= limit;
        });
        return found;
      },
      () => this.local.list(prefix, limit),
    );
  }

  async claimOrphan(handle: string): Promise<boolean> {
    const claimKey = this.link.key('pending-claim', handle);
    const taken = await this.link.attempt(
      'pending.claim',
      (redis) => redis.set(claimKey, this.link.instanceId, 'PX', this.options.claimMs, 'NX'),
      () => null,
    );
    return taken === 'OK';
  }
}
