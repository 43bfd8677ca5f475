/**
 * The providers this instance may call, each with its adapter, base URL, key and deadline, and
 * its health: a circuit breaker (opens after consecutive failures) and a cool-down after a 429
 * that asked for more patience than a request can spend waiting.
 */

import { type BreakerState, CircuitBreaker } from '../upstream/circuit-breaker';
import { PROVIDER_ADAPTERS } from './providers/index';
import type { ProviderAdapter, ProviderFailure, ProviderKind } from './providers/types';

export interface ProviderConfig {
  /** The registry's provider name (`openai`, `anthropic`, `google`, or an OpenAI-compatible one such as `ollama`). */
  name: string;
  kind: ProviderKind;
  baseUrl: string;
  apiKey: string | null;
  timeoutMs: number;
}

export interface HealthOptions {
  breakerThreshold: number;
  breakerCooldownMs: number;
  now?: () => number;
  onBreakerChange?: (provider: string, state: BreakerState) => void;
}

/** A provider key kept outside the settings (the vault): the caller's own, else the one for everyone. */
export type KeySource = (provider: string, keyName: string) => string | null;

/** Failures that say the provider is unwell (a bad request or a wrong key says nothing about its health). */
const UNWELL: ReadonlySet<ProviderFailure> = new Set(['server_error', 'timeout', 'network', 'stream_interrupted', 'bad_response']);

export class ProviderPool {
  private readonly configs = new Map<string, ProviderConfig>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly coolingUntil = new Map<string, number>();
  private readonly now: () => number;
  private keySource: KeySource = () => null;

  constructor(configs: readonly ProviderConfig[], options: HealthOptions) {
    this.now = options.now ?? Date.now;
    for (const config of configs) {
      this.configs.set(config.name, config);
      this.breakers.set(
        config.name,
        new CircuitBreaker({
          threshold: options.breakerThreshold,
          cooldownMs: options.breakerCooldownMs,
          now: this.now,
          onChange: (state) => options.onBreakerChange?.(config.name, state),
        }),
      );
    }
  }

  get names(): string[] {
    return [...this.configs.keys()];
  }

  config(name: string): ProviderConfig | undefined {
    return this.configs.get(name);
  }

  adapter(name: string): ProviderAdapter | undefined {
    const config = this.configs.get(name);
    return config ? PROVIDER_ADAPTERS[config.kind] : undefined;
  }

  configured(name: string): boolean {
    return this.configs.has(name);
  }

  /** Where keys beyond the settings come from (the vault), consulted on every call. */
  useKeySource(source: KeySource): void {
    this.keySource = source;
  }

  /** The key a caller's request to a provider carries: the vault's (the caller's own first), else the setting's. */
  keyFor(name: string, keyName: string): string | null {
    return this.keySource(name, keyName) ?? this.configs.get(name)?.apiKey ?? null;
  }

  /** Configured, and (for providers that need one) with a key this caller can use. */
  usable(name: string, keyName: string): boolean {
    const config = this.configs.get(name);
    if (!config) return false;
    return config.kind === 'openai-compatible' || this.keyFor(name, keyName) !== null;
  }

  /** Not known to be down: breaker not open, not cooling after a 429. */
  healthy(name: string): boolean {
    const breaker = this.breakers.get(name);
    if (!breaker) return false;
    if (breaker.state === 'open' && breaker.retryInMs > 0) return false;
    return (this.coolingUntil.get(name) ?? 0) <= this.now();
  }

  breakerState(name: string): BreakerState | null {
    return this.breakers.get(name)?.state ?? null;
  }

  /** True when a call may go out now (a half-open breaker lets one probe through). */
  admit(name: string): boolean {
    return this.breakers.get(name)?.tryAcquire() ?? false;
  }

  succeeded(name: string): void {
    this.breakers.get(name)?.success();
  }

  failed(name: string, failure: ProviderFailure, retryAfterMs: number | null): void {
    const breaker = this.breakers.get(name);
    if (failure === 'rate_limited' && retryAfterMs !== null) this.coolingUntil.set(name, this.now() + retryAfterMs);
    if (UNWELL.has(failure)) breaker?.failure();
    else breaker?.neutral();
  }
}
