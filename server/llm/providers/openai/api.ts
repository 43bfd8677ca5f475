/** OpenAI's (and every OpenAI-compatible server's) endpoint and headers. */

import type { ProviderTarget } from '../types';

export function chatCompletionsUrl(target: ProviderTarget): string {
  return `${target.baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

export function openAiHeaders(target: ProviderTarget): Record<string, string> {
  return target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
}
