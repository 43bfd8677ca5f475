/** Anthropic's Messages endpoint and headers (`x-api-key`, a pinned `anthropic-version`). */

import type { ProviderTarget } from '../types';

export const ANTHROPIC_VERSION = '2023-06-01';

export function messagesUrl(target: ProviderTarget): string {
  return `${target.baseUrl.replace(/\/+$/, '')}/v1/messages`;
}

export function anthropicHeaders(target: ProviderTarget): Record<string, string> {
  return { 'anthropic-version': ANTHROPIC_VERSION, ...(target.apiKey ? { 'x-api-key': target.apiKey } : {}) };
}
