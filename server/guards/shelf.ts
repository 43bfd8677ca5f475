/**
 * Small records kept for a while by key: a conversation's state, a person's transcript, the
 * provider message ids already answered. In this instance's memory here; in Redis across
 * instances (redis/shared-shelf.ts), so a person's next message may reach any instance.
 */

import { TTLCache } from '@isaacs/ttlcache';

export interface Shelf<V> {
  get(key: string): Promise<V | null>;
  /** Keeps `value` for the shelf's time, from now. */
  put(key: string, value: V): Promise<void>;
  /** Puts `value` only when `key` holds nothing: true when this caller put it (a claim). */
  claim(key: string, value: V): Promise<boolean>;
  delete(key: string): Promise<void>;
}

export class LocalShelf<V> implements Shelf<V> {
  private readonly records: TTLCache<string, V>;

  constructor(ttlMs: number, max = 100_000) {
    this.records = new TTLCache({ ttl: ttlMs, max });
  }

  async get(key: string): Promise<V | null> {
    return this.records.get(key) ?? null;
  }

  async put(key: string, value: V): Promise<void> {
    this.records.set(key, value);
  }

  async claim(key: string, value: V): Promise<boolean> {
    if (this.records.has(key)) return false;
    this.records.set(key, value);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.records.delete(key);
  }
}

/** Makes a shelf by name and keeping time (one per kind of record). */
export type ShelfMaker = <V>(name: string, ttlMs: number) => Shelf<V>;

export const localShelves: ShelfMaker = <V>(_name: string, ttlMs: number) => new LocalShelf<V>(ttlMs);
