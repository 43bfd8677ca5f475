/**
 * Where a registry reload reads from: the URL the operator trusts (LLM_REGISTRY_URL), else the
 * file (LLM_REGISTRY_FILE). A document that fails validation changes nothing.
 */

import { parseRegistry, type RegistryData, RegistryError, readRegistryFile } from './registry';

const MAX_REGISTRY_BYTES = 2_000_000;

export async function loadRegistry(
  source: { url?: string | undefined; file?: string | undefined },
  timeoutMs = 10_000,
): Promise<RegistryData> {
  if (source.url) {
    let response: Response;
    try {
      response = await fetch(source.url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    } catch (error) {
      throw new RegistryError(`${source.url}: unreachable (${error instanceof Error ? error.name : 'error'})`);
    }
    if (!response.ok) throw new RegistryError(`${source.url}: answered ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_REGISTRY_BYTES) throw new RegistryError(`${source.url}: larger than ${MAX_REGISTRY_BYTES} bytes`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new RegistryError(`${source.url}: not JSON`);
    }
    return parseRegistry(raw, source.url);
  }
  if (source.file) return readRegistryFile(source.file);
  throw new RegistryError('no registry source: set LLM_REGISTRY_URL or LLM_REGISTRY_FILE');
}
