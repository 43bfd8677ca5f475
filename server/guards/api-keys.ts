import * as crypto from 'node:crypto';
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  type ApiKey,
  type Config,
  DEVELOPMENT_ADMIN_KEY,
  DEVELOPMENT_API_KEY,
  DEVELOPMENT_OPERATOR_KEY,
  type KeyRole,
} from '../config/settings';

/** Who is calling: the key's configured name (never the key) and its role. */
export interface CallerKey {
  name: string;
  role: KeyRole;
}

/**
 * API keys accepted by the service, each with a name used in logs and a role. Keys are compared as
 * SHA-256 digests with timingSafeEqual, so neither content nor length leaks through timing.
 */

// One-shot crypto.hash (Node >= 20.12) skips a Hash object per request; createHash elsewhere.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'buffer') => Buffer }).hash;
const digest = (value: string): Buffer =>
  oneShot ? oneShot('sha256', value, 'buffer') : createHash('sha256').update(value, 'utf8').digest();

/** Keys kept outside the environment (stored-keys.ts): consulted after the configured ones. */
export interface KeySource {
  identify(presented: string): CallerKey | null;
  /** Changes when a key stops working, so what a connection presented is checked again. */
  readonly generation: number;
}

export class ApiKeyRegistry {
  private readonly entries: { caller: CallerKey; digest: Buffer }[];
  readonly usesDevelopmentKey: boolean;
  private stored: KeySource | null = null;

  constructor(keys: ApiKey[], allowDevelopmentKey: boolean) {
    this.usesDevelopmentKey = keys.length === 0 && allowDevelopmentKey;
    const effective: ApiKey[] = this.usesDevelopmentKey
      ? [
          { name: 'development', key: DEVELOPMENT_API_KEY, role: 'bot' },
          { name: 'development-operator', key: DEVELOPMENT_OPERATOR_KEY, role: 'operator' },
        ]
      : keys;
    this.entries = effective.map(({ name, key, role }) => ({ caller: { name, role }, digest: digest(key) }));
  }

  /** Also accepts the keys an admin created at run time. */
  attach(stored: KeySource): void {
    this.stored = stored;
  }

  /** The names of the configured keys (a stored key may not take one). */
  get names(): Set<string> {
    return new Set(this.entries.map((entry) => entry.caller.name));
  }

  /** Who the configured keys are (names and roles, never the keys). */
  callers(): CallerKey[] {
    return this.entries.map((entry) => ({ ...entry.caller }));
  }

  static fromConfig(config: Config): ApiKeyRegistry {
    return new ApiKeyRegistry(config.API_KEYS, config.useSimulator);
  }

  /**
   * The admin keys (/admin, /metrics, the console): ADMIN_API_KEYS; when it is empty and the
   * development keys are in use (the simulator, no key configured), the development admin key.
   */
  static forAdmins(config: Config, developmentKeys: boolean): ApiKeyRegistry {
    const development = developmentKeys && config.ADMIN_API_KEYS.length === 0;
    return new ApiKeyRegistry(
      development ? [{ name: 'development-admin', key: DEVELOPMENT_ADMIN_KEY, role: 'operator' }] : config.ADMIN_API_KEYS,
      false,
    );
  }

  /**
   * The last key each connection presented and whom it identified. A bot sends the same key on
   * every request of a keep-alive connection; comparing a key with the one the same connection
   * sent before reveals nothing about any configured key, and spares a SHA-256 per request.
   * Only keys that matched are remembered, so junk keys cannot grow it; it dies with the socket.
   */
  private readonly byConnection = new WeakMap<object, { presented: string; caller: CallerKey; generation: number }>();

  identifyOn(connection: object | undefined, presented: string): CallerKey | null {
    const generation = this.stored?.generation ?? 0;
    if (connection) {
      const last = this.byConnection.get(connection);
      if (last !== undefined && last.presented === presented && last.generation === generation) return last.caller;
    }
    const caller = this.identify(presented);
    if (connection && caller) this.byConnection.set(connection, { presented, caller, generation });
    return caller;
  }

  /** The caller behind a key, or null when no configured key matches. Checks every entry, always. */
  identify(presented: string): CallerKey | null {
    const candidate = digest(presented);
    let found: CallerKey | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(candidate, entry.digest) && found === null) found = entry.caller;
    }
    return found ?? this.stored?.identify(presented) ?? null;
  }
}
