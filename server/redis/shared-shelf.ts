import type { Shelf } from '../guards/shelf';
import { LocalShelf } from '../guards/shelf';
import type { RedisLink } from './redis-link';

/**
 * A shelf in Redis (JSON values with an expiry; a claim is SET NX), so every instance reads what
 * another kept. Redis down: this instance's memory answers, as before Redis.
 */
export class SharedShelf<V> implements Shelf<V> {
  private readonly local: LocalShelf<V>;

  constructor(
    private readonly link: RedisLink,
    private readonly name: string,
    private readonly ttlMs: number,
  ) {
    this.local = new LocalShelf(ttlMs);
  }

  private key(key: string): string {
    return this.link.key('shelf', this.name, key);
  }

  get(key: string): Promise<V | null> {
    return this.link.attempt(
      `${this.name}.get`,
      async (redis) => {
        const text = await redis.get(this.key(key));
        return text === null ? null : (JSON.parse(text) as V);
      },
      () => this.local.get(key),
    );
  }

  put(key: string, value: V): Promise<void> {
    return this.link.attempt(
      `${this.name}.put`,
      async (redis) => {
        await redis.set(this.key(key), JSON.stringify(value), 'PX', this.ttlMs);
      },
      () => this.local.put(key, value),
    );
  }

  delete(key: string): Promise<void> {
    return this.link.attempt(
      `${this.name}.delete`,
      async (redis) => {
        await redis.del(this.key(key));
      },
      () => this.local.delete(key),
    );
  }

  claim(key: string, value: V): Promise<boolean> {
    return this.link.attempt(
      `${this.name}.claim`,
      async (redis) => (await redis.set(this.key(key), JSON.stringify(value), 'PX', this.ttlMs, 'NX')) === 'OK',
      () => this.local.claim(key, value),
    );
  }
}
