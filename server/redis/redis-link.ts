/**
 * The one connection to Redis (plus one for pub/sub). Commands fail fast while Redis is down
 * (no offline queue, a short command timeout), so every caller can fall back to this instance's
 * memory at once; ioredis reconnects on its own with capped backoff.
 */

import { randomUUID } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger';

export interface RedisLinkOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  logger: Logger;
}

/** A change another instance made to shared state, so this one drops its local copy. */
export interface SharedEvent {
  from: string;
  cache: string;
  key: string;
}

const CHANNEL = 'events';

export class RedisLink {
  /** Identifies this instance in events and lock tokens. */
  readonly instanceId = randomUUID();
  readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly handlers: ((event: SharedEvent) => void)[] = [];
  private wasUp = false;
  private closing = false;
  readonly stats = { fallbacks: 0, errors: 0, reconnects: 0 };

  /** Loads ioredis only when REDIS_URL is set: a single instance never pays for it (~15 MB RSS). */
  static async create(options: RedisLinkOptions): Promise<RedisLink> {
    const { Redis: RedisClient } = await import('ioredis');
    return new RedisLink(options, (url, redisOptions) => new RedisClient(url, redisOptions));
  }

  private constructor(
    private readonly options: RedisLinkOptions,
    connect: (url: string, redisOptions: RedisOptions) => Redis,
  ) {
    const common = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: 2000,
      // Reconnect forever, at most every 2 s: Redis coming back must heal the service by itself.
      retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    };
    this.client = connect(options.url, { ...common, connectionName: `wisphub-gateway:${this.instanceId}` });
    this.subscriber = connect(options.url, { ...common, commandTimeout: undefined, enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.client.on('ready', () => {
      if (this.wasUp) return;
      this.wasUp = true;
      options.logger.info({ redis: maskUrl(options.url) }, 'redis connected: shared state is on');
    });
    this.client.on('close', () => {
      if (!this.wasUp || this.closing) return;
      this.wasUp = false;
      this.stats.reconnects++;
      options.logger.warn({ redis: maskUrl(options.url) }, 'redis connection lost: serving from this instance’s memory; reconnecting');
    });
    // ioredis emits an error per failed reconnect: logged once per outage through 'close' above.
    this.client.on('error', () => {});
    this.subscriber.on('error', () => {});
    this.subscriber.on('message', (_channel: string, message: string) => {
      let event: SharedEvent;
      try {
        event = JSON.parse(message) as SharedEvent;
      } catch {
        return;
      }
      if (event.from === this.instanceId) return;
      for (const handler of this.handlers) handler(event);
    });
    void this.subscriber.subscribe(this.key(CHANNEL)).catch(() => {});
  }

  /** True while commands can be sent. */
  get available(): boolean {
    return this.client.status === 'ready';
  }

  key(...parts: (string | number)[]): string {
    return `${this.options.keyPrefix}${parts.join(':')}`;
  }

  /**
   * Walks the keys matching `pattern` a batch at a time (SCAN, never KEYS), until `visit` says it has
   * enough or 20,000 keys were seen: listings for people to read, bounded whatever the keyspace.
   */
  async scanEach(redis: Redis, pattern: string, visit: (keys: string[]) => Promise<boolean>): Promise<void> {
    let cursor = '0';
    let scanned = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
      cursor = next;
      scanned += keys.length;
      if (keys.length > 0 && (await visit(keys))) return;
    } while (cursor !== '0' && scanned < 20_000);
  }

  /** Waits up to `ms` for the first connection; the service starts either way. */
  async waitUntilReady(ms: number): Promise<boolean> {
    if (this.available) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        resolve(false);
      }, ms);
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.client.once('ready', onReady);
    });
  }

  onEvent(handler: (event: SharedEvent) => void): void {
    this.handlers.push(handler);
  }

  async publish(cache: string, key: string): Promise<void> {
    const event: SharedEvent = { from: this.instanceId, cache, key };
    await this.client.publish(this.key(CHANNEL), JSON.stringify(event));
  }

  /**
   * Runs `operation` against Redis, or `fallback` when Redis is down or the command fails: the
   * service keeps answering from memory rather than failing with Redis.
   */
  async attempt<T>(what: string, operation: (redis: Redis) => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    if (!this.available) {
      this.stats.fallbacks++;
      return fallback();
    }
    try {
      return await operation(this.client);
    } catch (error) {
      this.stats.errors++;
      this.stats.fallbacks++;
      this.options.logger.warn(
        { operation: what, error: error instanceof Error ? error.message : String(error) },
        'redis command failed: using this instance’s memory',
      );
      return fallback();
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.client.disconnect();
    this.subscriber.disconnect();
  }
}

/** redis://user:secret@host:6379/0 → redis://user:***@host:6379/0 */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:@/]*:)[^@]*@/, '$1***@');
}
