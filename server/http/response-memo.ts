/**
 * Pre-serialised answers of cacheable queries. A procedure's output is stored with the cache
 * entries (and their versions) it was computed from; it is served again only while every one of
 * them is still fresh and unchanged, so a load, a refresh or a read-your-writes replace retires
 * it at once. The procedures stay the only source of answers: this only avoids recomputing,
 * re-validating and re-serialising the same answer for every request.
 */

import { createHash } from 'node:crypto';
import { TTLCache } from '@isaacs/ttlcache';
import superjson from 'superjson';
import type { SwrCache } from '../upstream/swr-cache';

export interface Dependency {
  cache: SwrCache<unknown>;
  key: string;
  version: number;
}

export interface MemoEntry {
  deps: Dependency[];
  /** REST body: the output as JSON. */
  json: string;
  jsonBytes: number;
  /** tRPC body of a single call, `{"result":{"data":…}}` with the output through superjson; a batch joins these. */
  trpcBody: string;
  trpcBodyBytes: number;
  etag: string;
}

export class ResponseMemo {
  private readonly entries: TTLCache<string, MemoEntry>;

  constructor(max = 2000, ttlMs = 10 * 60_000) {
    this.entries = new TTLCache({ max, ttl: ttlMs });
  }

  /** Null for an input JSON cannot write (a BigInt or a cycle from superjson meta): such answers are not memoised. */
  static key(procedurePath: string, rawInput: unknown): string | null {
    try {
      return `${procedurePath}\u0000${rawInput === undefined ? '' : JSON.stringify(rawInput)}`;
    } catch {
      return null;
    }
  }

  store(procedurePath: string, rawInput: unknown, output: unknown, deps: Dependency[]): void {
    const key = ResponseMemo.key(procedurePath, rawInput);
    if (key === null) return;
    const json = JSON.stringify(output);
    const trpcBody = `{"result":{"data":${JSON.stringify(superjson.serialize(output))}}}`;
    this.entries.set(key, {
      deps,
      json,
      jsonBytes: Buffer.byteLength(json),
      trpcBody,
      trpcBodyBytes: Buffer.byteLength(trpcBody),
      etag: `W/"${createHash('sha1').update(json).digest('base64url').slice(0, 22)}"`,
    });
  }

  /** The stored answer while all its sources are fresh and at the same version; else null. */
  lookup(procedurePath: string, rawInput: unknown): MemoEntry | null {
    const key = ResponseMemo.key(procedurePath, rawInput);
    if (key === null) return null;
    const entry = this.entries.get(key);
    if (!entry) return null;
    for (const dep of entry.deps) {
      if (dep.cache.freshVersion(dep.key) !== dep.version) {
        this.entries.delete(key);
        return null;
      }
    }
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
