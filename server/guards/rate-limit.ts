import { TTLCache } from '@isaacs/ttlcache';

/**
 * One limiter's answer: `wait` 0 when allowed, else the seconds to wait; what is left of the burst
 * and the seconds until it is whole again (the RateLimit-* response headers).
 */
export interface RateDecision {
  wait: number;
  remaining: number;
  resetSeconds: number;
  /** The burst (RateLimit-Limit). */
  limit: number;
}

/** Requests per caller. In memory here, in Redis across instances. */
export interface RateLimiter {
  take(key: string, calls?: number): RateDecision | Promise<RateDecision>;
}

/** Failures per key within a window (identity lockouts). */
export interface FailureCounter {
  count(key: string): number | Promise<number>;
  record(key: string): void | Promise<void>;
  clear(key: string): void | Promise<void>;
  retryAfterSeconds(key: string): number | Promise<number>;
  /** Keys with at least `min` failures in the window now (at most `limit` of them): who is locked out. */
  atLeast(min: number, limit: number): FailureCount[] | Promise<FailureCount[]>;
}

export interface FailureCount {
  key: string;
  count: number;
  retryAfterSeconds: number;
}

/**
 * A token bucket per caller: `ratePerSecond` tokens refill continuously up to `burst`; each
 * request takes one. Idle buckets are dropped (TTL), so memory follows active callers only.
 */
export class TokenBucketLimiter implements RateLimiter {
  // A plain Map updated in place (this runs on every request); full buckets are swept now and then.
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  private readonly refillMs: number;
  private operations = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.refillMs = Math.ceil((burst / ratePerSecond) * 1000);
  }

  /** Allowed (taking `calls` tokens) with wait 0; otherwise the seconds until they are available. */
  take(key: string, calls = 1): RateDecision {
    const now = this.now();
    if (++this.operations % 10_000 === 0) this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.burst, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond);
    bucket.updatedAt = now;
    const wait = bucket.tokens < calls ? Math.max(1, Math.ceil((calls - bucket.tokens) / this.ratePerSecond)) : 0;
    if (wait === 0) bucket.tokens -= calls;
    return {
      wait,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((this.burst - bucket.tokens) / this.ratePerSecond),
      limit: this.burst,
    };
  }

  /** Buckets idle long enough to be full again carry no state worth keeping. */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (now - bucket.updatedAt > this.refillMs) this.buckets.delete(key);
  }
}

/** Failures per key within a sliding window (e.g. failed identity verifications of one service). */
export class FailureWindow implements FailureCounter {
  private readonly failures: TTLCache<string, number[]>;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.failures = new TTLCache({ ttl: windowMs, max: 200_000 });
  }

  count(key: string): number {
    return this.recent(key).length;
  }

  record(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    this.failures.set(key, recent);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  /** Seconds until the oldest failure leaves the window. */
  retryAfterSeconds(key: string): number {
    const oldest = this.recent(key)[0];
    return oldest === undefined ? 0 : Math.max(1, Math.ceil((oldest + this.windowMs - this.now()) / 1000));
  }

  atLeast(min: number, limit: number): FailureCount[] {
    const found: FailureCount[] = [];
    for (const key of this.failures.keys()) {
      if (found.length >= limit) break;
      const count = this.count(key);
      if (count >= min) found.push({ key, count, retryAfterSeconds: this.retryAfterSeconds(key) });
    }
    return found;
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((at) => at > since);
  }
}
