/**
 * The model providers this instance calls, from settings: OpenAI, Anthropic and Gemini by their
 * keys, one OpenAI-compatible server by its URL, keys from LLM_PROVIDER_KEYS_FILE; or, with none
 * of them, every provider pointed at the embedded provider simulator.
 */

import { readFileSync } from 'node:fs';
import type { ProviderConfig } from '../llm/provider-pool';
import type { Config } from './settings';

/** The key the embedded provider simulator accepts (loopback only, never a real key). */
export const LLM_SIMULATOR_KEY = 'sim-provider-key-not-secret';

type ProviderSettings = Pick<
  Config,
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'ANTHROPIC_API_KEY'
  | 'ANTHROPIC_BASE_URL'
  | 'GEMINI_API_KEY'
  | 'GEMINI_BASE_URL'
  | 'OPENAI_COMPATIBLE_BASE_URL'
  | 'OPENAI_COMPATIBLE_API_KEY'
  | 'OPENAI_COMPATIBLE_NAME'
  | 'LLM_PROVIDER_KEYS_FILE'
  | 'LLM_TIMEOUT_MS'
  | 'LLM_PROVIDER_TIMEOUTS_MS'
>;

/** `provider=key` lines; `#` starts a comment. Throws naming the file (never a key) when unreadable or malformed. */
export function readProviderKeys(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`LLM_PROVIDER_KEYS_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const keys = new Map<string, string>();
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const match = line.match(/^([a-z0-9][a-z0-9._-]*)=(\S+)$/);
    if (!match) throw new Error(`LLM_PROVIDER_KEYS_FILE: line ${index + 1} is not provider=key`);
    keys.set(match[1]!, match[2]!);
  }
  return keys;
}

/** The providers configured for real; empty when none is (the simulator then serves). */
export function configuredProviders(config: ProviderSettings): ProviderConfig[] {
  const fromFile = config.LLM_PROVIDER_KEYS_FILE ? readProviderKeys(config.LLM_PROVIDER_KEYS_FILE) : new Map<string, string>();
  const timeoutOf = (name: string) => config.LLM_PROVIDER_TIMEOUTS_MS[name] ?? config.LLM_TIMEOUT_MS;
  const providers: ProviderConfig[] = [];
  const openai = config.OPENAI_API_KEY ?? fromFile.get('openai');
  if (openai)
    providers.push({ name: 'openai', kind: 'openai', baseUrl: config.OPENAI_BASE_URL, apiKey: openai, timeoutMs: timeoutOf('openai') });
  const anthropic = config.ANTHROPIC_API_KEY ?? fromFile.get('anthropic');
  if (anthropic)
    providers.push({
      name: 'anthropic',
      kind: 'anthropic',
      baseUrl: config.ANTHROPIC_BASE_URL,
      apiKey: anthropic,
      timeoutMs: timeoutOf('anthropic'),
    });
  const google = config.GEMINI_API_KEY ?? fromFile.get('google');
  if (google)
    providers.push({ name: 'google', kind: 'google', baseUrl: config.GEMINI_BASE_URL, apiKey: google, timeoutMs: timeoutOf('google') });
  if (config.OPENAI_COMPATIBLE_BASE_URL) {
    const name = config.OPENAI_COMPATIBLE_NAME;
    providers.push({
      name,
      kind: 'openai-compatible',
      baseUrl: config.OPENAI_COMPATIBLE_BASE_URL,
      apiKey: config.OPENAI_COMPATIBLE_API_KEY ?? fromFile.get(name) ?? null,
      timeoutMs: timeoutOf(name),
    });
  }
  return providers;
}

/** Every provider the registry knows, served by the embedded simulator at `url`. */
export function simulatedProviders(url: string, compatibleName: string, timeoutMs: number): ProviderConfig[] {
  return [
    { name: 'openai', kind: 'openai', baseUrl: `${url}/v1`, apiKey: LLM_SIMULATOR_KEY, timeoutMs },
    { name: 'anthropic', kind: 'anthropic', baseUrl: url, apiKey: LLM_SIMULATOR_KEY, timeoutMs },
    { name: 'google', kind: 'google', baseUrl: url, apiKey: LLM_SIMULATOR_KEY, timeoutMs },
    { name: compatibleName, kind: 'openai-compatible', baseUrl: `${url}/v1`, apiKey: LLM_SIMULATOR_KEY, timeoutMs },
  ];
}

/**
 * With the vault on, OpenAI, Anthropic and Gemini at their settings' base URLs even without a key
 * in the settings: a key an admin adds to the vault makes them usable without a restart.
 */
export function withVaultProviders(providers: ProviderConfig[], config: ProviderSettings): ProviderConfig[] {
  const timeoutOf = (name: string) => config.LLM_PROVIDER_TIMEOUTS_MS[name] ?? config.LLM_TIMEOUT_MS;
  const defaults: ProviderConfig[] = [
    { name: 'openai', kind: 'openai', baseUrl: config.OPENAI_BASE_URL, apiKey: null, timeoutMs: timeoutOf('openai') },
    { name: 'anthropic', kind: 'anthropic', baseUrl: config.ANTHROPIC_BASE_URL, apiKey: null, timeoutMs: timeoutOf('anthropic') },
    { name: 'google', kind: 'google', baseUrl: config.GEMINI_BASE_URL, apiKey: null, timeoutMs: timeoutOf('google') },
  ];
  return [...providers, ...defaults.filter((candidate) => !providers.some((provider) => provider.name === candidate.name))];
}
