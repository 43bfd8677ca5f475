/** Gemini's generateContent endpoints (the stream one asked for SSE) and its key header. */

import type { ProviderTarget } from '../types';

export function generateUrl(target: ProviderTarget, stream: boolean): string {
  const base = target.baseUrl.replace(/\/+$/, '');
  const model = encodeURIComponent(target.model);
  return stream ? `${base}/v1beta/models/${model}:streamGenerateContent?alt=sse` : `${base}/v1beta/models/${model}:generateContent`;
}

export function googleHeaders(target: ProviderTarget): Record<string, string> {
  return target.apiKey ? { 'x-goog-api-key': target.apiKey } : {};
}
