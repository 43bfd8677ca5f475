import { TTLCache } from '@isaacs/ttlcache';

/**
 * A token bucket per caller: `ratePerSecond` tokens refill continuously up to `burst`; each
 * request takes one. Idle buckets are dropped (TTL), so memory follows active callers only.
 */
export class TokenBucketLimiter {
  private readonly buckets: TTLCache<string, { tokens: number; updatedAt: number }>;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new TTLCache({ ttl: Math.ceil((burst / ratePerSecond) * 1000) + 60_000, max: 100_000 });
  }

  /** 0 when allowed; otherwise the seconds until a token is available. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    const tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.ratePerSecond);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, updatedAt: now });
      return Math.max(1, Math.ceil((1 - tokens) / this.ratePerSecond));
    }
    this.buckets.set(key, { tokens: tokens - 1, updatedAt: now });
    return 0;
  }
}

/** Failures per key within a sliding window (e.g. failed identity verifications of one service). */
export class FailureWindow {
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

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((at) => at > since);
  }
}
