/**
 * Idempotency keys for writes: the same key with the same request within the TTL answers the
 * first result (also while the first is still running); the same key with a different request
 * is refused, also after a failed attempt. A failed attempt's result is not kept, so the same
 * request can be tried again.
 */

import { createHash } from 'node:crypto';
import { TTLCache } from '@isaacs/ttlcache';
import { AppError } from '../errors';

interface Entry {
  fingerprint: string;
  /** Null when the last attempt failed: the same request may run again, another one still may not. */
  result: Promise<unknown> | null;
}

/** Runs a write at most once per (scope, key, request); in memory here, in Redis across instances. */
export interface Idempotency {
  run<T>(scope: string, key: string, request: unknown, work: () => Promise<T>): Promise<{ value: T; replayed: boolean }>;
  /** The answered result turned out to fail later (a pending write): the same request may run again. */
  release(scope: string, key: string, request: unknown): Promise<void>;
}

export class IdempotencyStore implements Idempotency {
  private readonly entries: TTLCache<string, Entry>;

  constructor(ttlMs: number, max = 100_000) {
    this.entries = new TTLCache({ ttl: ttlMs, max });
  }

  static fingerprint(request: unknown): string {
    return createHash('sha256').update(JSON.stringify(request)).digest('hex');
  }

  async release(scope: string, key: string, request: unknown): Promise<void> {
    const id = `${scope}\u0000${key}`;
    const fingerprint = IdempotencyStore.fingerprint(request);
    if (this.entries.get(id)?.fingerprint === fingerprint) this.entries.set(id, { fingerprint, result: null });
  }

  /** `scope` separates callers (API key names) so one caller's keys never answer another's. */
  async run<T>(scope: string, key: string, request: unknown, work: () => Promise<T>): Promise<{ value: T; replayed: boolean }> {
    const id = `${scope}\u0000${key}`;
    const fingerprint = IdempotencyStore.fingerprint(request);
    const existing = this.entries.get(id);
    if (existing) {
      if (existing.fingerprint !== fingerprint) throw new AppError('idempotency_key_reused');
      if (existing.result) return { value: (await existing.result) as T, replayed: true };
    }
    const result = work();
    this.entries.set(id, { fingerprint, result });
    try {
      return { value: await result, replayed: false };
    } catch (error) {
      if (this.entries.get(id)?.result === result) this.entries.set(id, { fingerprint, result: null });
      throw error;
    }
  }
}
