import * as crypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DEVELOPMENT_API_KEY, type ApiKey, type Config } from '../config/settings';

/**
 * API keys accepted by the service, each with a name used in logs. Keys are compared as
 * SHA-256 digests with timingSafeEqual, so neither content nor length leaks through timing.
 */

// One-shot crypto.hash (Node >= 20.12) skips a Hash object per request; createHash elsewhere.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;
const digest = (value: string): Buffer =>
  oneShot ? oneShot('sha256', value, 'buffer') : createHash('sha256').update(value, 'utf8').digest();

export class ApiKeyRegistry {
  private readonly entries: { name: string; digest: Buffer }[];
  readonly usesDevelopmentKey: boolean;

  constructor(keys: ApiKey[], allowDevelopmentKey: boolean) {
    this.usesDevelopmentKey = keys.length === 0 && allowDevelopmentKey;
    const effective = this.usesDevelopmentKey ? [{ name: 'development', key: DEVELOPMENT_API_KEY }] : keys;
    this.entries = effective.map(({ name, key }) => ({ name, digest: digest(key) }));
  }

  static fromConfig(config: Config): ApiKeyRegistry {
    return new ApiKeyRegistry(config.API_KEYS, config.useSimulator);
  }

  /** The key's name, or null when no configured key matches. Checks every entry, always. */
  identify(presented: string): string | null {
    const candidate = digest(presented);
    let found: string | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(candidate, entry.digest) && found === null) found = entry.name;
    }
    return found;
  }
}
