import { TTLCache } from '@isaacs/ttlcache';

/**
 * Writes whose outcome is not known yet, by handle: the caller got a 202 with the handle and
 * polls it while the outcome is settled in the background. Kept in memory here and in Redis
 * across instances (redis/shared-pending.ts), where an instance that stops renewing its claim on
 * a record lets another one take the settlement over.
 */
export interface PendingStore<R> {
  put(handle: string, record: R): Promise<void>;
  get(handle: string): Promise<R | null>;
  /** Holds the settlement of `handle` for this instance until the returned release is called. */
  hold(handle: string): Promise<() => void>;
  /** Takes over a settlement nobody holds (its instance stopped); true when this caller now holds it. */
  claimOrphan(handle: string): Promise<boolean>;
  /** Records whose handle starts with `prefix` (at most `limit`), for staff to see what waits. */
  list(prefix: string, limit: number): Promise<R[]>;
}

/** A reconnect or suspend answered `pending`: its open audit entry, until its task ends (service.taskStatus). */
export interface PendingServiceTask {
  auditId: string;
  serviceId: number;
  action: 'reconnect' | 'suspend';
}

/** One instance: the settlement always runs here, so there is never an orphan to take over. */
export class LocalPendingStore<R> implements PendingStore<R> {
  private readonly records: TTLCache<string, R>;

  constructor(ttlMs: number, max = 100_000) {
    this.records = new TTLCache({ ttl: ttlMs, max });
  }

  async put(handle: string, record: R): Promise<void> {
    this.records.set(handle, record);
  }

  async get(handle: string): Promise<R | null> {
    return this.records.get(handle) ?? null;
  }

  async hold(): Promise<() => void> {
    return () => {};
  }

  async claimOrphan(): Promise<boolean> {
    return false;
  }

  async list(prefix: string, limit: number): Promise<R[]> {
    const found: R[] = [];
    for (const [handle, record] of this.records.entries()) {
      if (found.length >= limit) break;
      if (handle.startsWith(prefix)) found.push(record);
    }
    return found;
  }
}
