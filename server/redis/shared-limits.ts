/**
 * Rate-limit buckets and failure windows in Redis, so limits hold for the service as a whole, not
 * per instance. Each check is one atomic script (Redis's own clock, so instances' clocks do not
 * matter). Redis down: each instance falls back to its own in-memory limiter.
 */

import { randomUUID } from 'node:crypto';
import {
  type FailureCount,
  type FailureCounter,
  FailureWindow,
  type RateDecision,
  type RateLimiter,
  TokenBucketLimiter,
} from '../guards/rate-limit';
import type { RedisLink } from './redis-link';

/** Token bucket: refill since the last call, then take `cost` tokens or answer the seconds to wait; with what is left and the seconds until whole. */
const TAKE = `
local now = redis.call('time')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local rate, burst, cost, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('hmget', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or nowMs
tokens = math.min(burst, tokens + math.max(0, nowMs - at) / 1000 * rate)
local wait = 0
if tokens < cost then
  wait = math.max(1, math.ceil((cost - tokens) / rate))
else
  tokens = tokens - cost
end
redis.call('hset', KEYS[1], 'tokens', tostring(tokens), 'at', nowMs)
redis.call('pexpire', KEYS[1], ttl)
return {wait, math.floor(tokens), math.ceil((burst - tokens) / rate)}`;

export class SharedRateLimiter implements RateLimiter {
  private readonly local: TokenBucketLimiter;
  private readonly idleMs: number;

  constructor(
    private readonly link: RedisLink,
    private readonly ratePerSecond: number,
    private readonly burst: number,
    /** The Redis key space of these buckets (one per limit). */
    private readonly space = 'rate',
  ) {
    this.local = new TokenBucketLimiter(ratePerSecond, burst);
    this.idleMs = Math.ceil((burst / ratePerSecond) * 1000) + 1000;
  }

  take(key: string, calls = 1): Promise<RateDecision> {
    return this.link.attempt(
      'rate limit',
      async (redis) => {
        const answer = (await redis.eval(TAKE, 1, this.link.key(this.space, key), this.ratePerSecond, this.burst, calls, this.idleMs)) as
          | number[]
          | undefined;
        const [wait = 0, remaining = 0, resetSeconds = 0] = (answer ?? []).map(Number);
        return { wait, remaining, resetSeconds, limit: this.burst };
      },
      () => this.local.take(key, calls),
    );
  }
}

/** Failure times in a sorted set per key, trimmed to the window on every read. */
export class SharedFailureWindow implements FailureCounter {
  private readonly local: FailureWindow;

  constructor(
    private readonly link: RedisLink,
    private readonly name: string,
    private readonly windowMs: number,
  ) {
    this.local = new FailureWindow(windowMs);
  }

  private key(key: string): string {
    return this.link.key('failures', this.name, key);
  }

  /** Failures still in the window: how many, and when the oldest happened (ms, NaN when none). */
  private async recent(key: string): Promise<{ count: number; oldestMs: number }> {
    const redisKey = this.key(key);
    const results = await this.link.client
      .multi()
      .zremrangebyscore(redisKey, '-inf', Date.now() - this.windowMs)
      .zrange(redisKey, '0', '0', 'WITHSCORES')
      .zcard(redisKey)
      .exec();
    const oldest = results?.[1]?.[1] as string[] | undefined;
    return { count: Number(results?.[2]?.[1] ?? 0), oldestMs: Number(oldest?.[1] ?? Number.NaN) };
  }

  count(key: string): Promise<number> {
    return this.link.attempt(
      'failure count',
      async () => (await this.recent(key)).count,
      () => this.local.count(key),
    );
  }

  record(key: string): Promise<void> {
    return this.link.attempt(
      'failure record',
      async (redis) => {
        await redis.multi().zadd(this.key(key), String(Date.now()), randomUUID()).pexpire(this.key(key), this.windowMs).exec();
      },
      () => this.local.record(key),
    );
  }

  clear(key: string): Promise<void> {
    return this.link.attempt(
      'failure clear',
      async (redis) => {
        await redis.del(this.key(key));
      },
      () => this.local.clear(key),
    );
  }

  /** Scans this counter's keys (bounded: a lockout list is for people to read, not a full export). */
  atLeast(min: number, limit: number): Promise<FailureCount[]> {
    return this.link.attempt(
      'failure list',
      async (redis) => {
        const prefix = this.key('');
        const found: FailureCount[] = [];
        await this.link.scanEach(redis, `${prefix}*`, async (keys) => {
          for (const redisKey of keys) {
            const key = redisKey.slice(prefix.length);
            const { count, oldestMs } = await this.recent(key);
            if (count >= min && found.length < limit)
              found.push({ key, count, retryAfterSeconds: Math.max(1, Math.ceil((oldestMs + this.windowMs - Date.now()) / 1000)) });
          }
          return found.length >= limit;
        });
        return found;
      },
      () => this.local.atLeast(min, limit),
    );
  }

  retryAfterSeconds(key: string): Promise<number> {
    return this.link.attempt(
      'failure retry-after',
      async () => {
        const { oldestMs } = await this.recent(key);
        return Number.isFinite(oldestMs) ? Math.max(1, Math.ceil((oldestMs + this.windowMs - Date.now()) / 1000)) : 0;
      },
      () => this.local.retryAfterSeconds(key),
    );
  }
}
