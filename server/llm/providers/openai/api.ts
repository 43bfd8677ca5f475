/** OpenAI's (and every OpenAI-compatible server's) endpoint and headers. */

import type { ProviderTarget } from '../types';

export function chatCompletionsUrl(target: ProviderTarget): URL {
  return new URL(`${target.baseUrl.replace(/\/+$/, '')}/chat/completions`);
}

export function openAiHeaders(target: ProviderTarget): Record<string, string> {
  return target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
}
