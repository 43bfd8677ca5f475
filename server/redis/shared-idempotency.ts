/**
 * Idempotency records in Redis, so one key sent to two instances makes one ticket. A record is
 * `running` (with a short lease, so a crashed owner frees it), then `done` with the result for
 * the full TTL, or `failed` (the same request may run again; another request may not).
 * Redis down: this instance's own store answers.
 */

import { AppError } from '../errors';
import { type Idempotency, IdempotencyStore } from '../guards/idempotency';
import type { RedisLink } from './redis-link';

interface IdempotencyRecord {
  fingerprint: string;
  state: 'running' | 'done' | 'failed';
  result?: unknown;
}

/** Replaces a record only if it is still exactly what we read (a failed one being taken over). */
const SWAP = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return false end`;

export class SharedIdempotencyStore implements Idempotency {
  private readonly local: IdempotencyStore;

  constructor(
    private readonly link: RedisLink,
    private readonly options: { ttlMs: number; leaseMs: number; waitMs: number; pollMs?: number },
  ) {
    this.local = new IdempotencyStore(options.ttlMs);
  }

  async run<T>(scope: string, key: string, request: unknown, work: () => Promise<T>): Promise<{ value: T; replayed: boolean }> {
    if (!this.link.available) return this.local.run(scope, key, request, work);
    const recordKey = this.link.key('idem', scope, key);
    const fingerprint = IdempotencyStore.fingerprint(request);
    const running = JSON.stringify({ fingerprint, state: 'running' } satisfies IdempotencyRecord);
    const started = Date.now();
    for (;;) {
      let claimed: boolean;
      let existing: string | null = null;
      try {
        claimed = (await this.link.client.set(recordKey, running, 'PX', this.options.leaseMs, 'NX')) === 'OK';
        if (!claimed) existing = await this.link.client.get(recordKey);
      } catch {
        this.link.stats.fallbacks++;
        return this.local.run(scope, key, request, work);
      }
      if (claimed) return this.own(recordKey, fingerprint, work);
      if (existing === null) continue; // expired between the two commands
      const record = JSON.parse(existing) as IdempotencyRecord;
      if (record.fingerprint !== fingerprint) throw new AppError('idempotency_key_reused');
      if (record.state === 'done') return { value: record.result as T, replayed: true };
      if (record.state === 'failed') {
        const taken = await this.link.client.eval(SWAP, 1, recordKey, existing, running, String(this.options.leaseMs)).catch(() => null);
        if (taken === 'OK') return this.own(recordKey, fingerprint, work);
        continue;
      }
      // Running elsewhere (or here): wait for its result; a crashed owner's lease runs out.
      if (Date.now() - started > this.options.waitMs) {
        throw new AppError('upstream_unavailable', { retryAfterSeconds: 5, internal: { idempotencyKey: 'still running elsewhere' } });
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 25));
    }
  }

  async release(scope: string, key: string, request: unknown): Promise<void> {
    await this.local.release(scope, key, request);
    if (!this.link.available) return;
    const recordKey = this.link.key('idem', scope, key);
    const fingerprint = IdempotencyStore.fingerprint(request);
    const existing = await this.link.client.get(recordKey).catch(() => null);
    if (existing === null || (JSON.parse(existing) as IdempotencyRecord).fingerprint !== fingerprint) return;
    const failed = JSON.stringify({ fingerprint, state: 'failed' } satisfies IdempotencyRecord);
    await this.link.client.eval(SWAP, 1, recordKey, existing, failed, String(this.options.ttlMs)).catch(() => null);
  }

  private async own<T>(recordKey: string, fingerprint: string, work: () => Promise<T>): Promise<{ value: T; replayed: boolean }> {
    // The lease must outlive the work: renew it while the work runs.
    const renew = setInterval(
      () => void this.link.client.pexpire(recordKey, this.options.leaseMs).catch(() => {}),
      Math.max(100, Math.floor(this.options.leaseMs / 3)),
    );
    try {
      const value = await work();
      clearInterval(renew);
      const done: IdempotencyRecord = { fingerprint, state: 'done', result: value };
      await this.link.client.set(recordKey, JSON.stringify(done), 'PX', this.options.ttlMs).catch(() => {
        this.link.stats.errors++;
      });
      return { value, replayed: false };
    } catch (error) {
      clearInterval(renew);
      const failed: IdempotencyRecord = { fingerprint, state: 'failed' };
      await this.link.client.set(recordKey, JSON.stringify(failed), 'PX', this.options.ttlMs).catch(() => {});
      throw error;
    }
  }
}
