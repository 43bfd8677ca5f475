/**
 * What every provider adapter implements: one call answered whole, one answered as a stream of
 * chunks, both in the gateway's chat format (chat.ts) whatever the provider speaks.
 */

import type { Cancellation } from '../../upstream/cancellation';
import type { ChatChunk, ChatCompletion, ChatRequest } from '../chat';

export type ProviderKind = 'openai' | 'anthropic' | 'google' | 'openai-compatible';

/** Where one call goes: the provider's base URL, its own model id, the key, the time it may take. */
export interface ProviderTarget {
  baseUrl: string;
  /** The model id the provider knows (without our `provider/` prefix). */
  model: string;
  apiKey: string | null;
  /** The whole call (whole answers) or the wait for the first chunk (streams). */
  timeoutMs: number;
  /** Cancelled when the caller goes away: the provider call stops too. */
  cancel?: Cancellation | undefined;
}

export interface ProviderAdapter {
  readonly kind: ProviderKind;
  complete(request: ChatRequest, target: ProviderTarget): Promise<ChatCompletion>;
  /** Chunks as they arrive; the last carries the usage (and the finish reason before it). */
  stream(request: ChatRequest, target: ProviderTarget): AsyncIterable<ChatChunk>;
}

/**
 * How a provider call failed, in terms the gateway decides on: retry the same provider, fall
 * back to the next, or hand the refusal to the caller (the request itself is wrong).
 */
export type ProviderFailure =
  | 'rate_limited' // 429: retry after Retry-After, or fall back
  | 'server_error' // 5xx: retry, then fall back
  | 'timeout' // no answer (or no first chunk) in time
  | 'network' // refused, reset, DNS
  | 'auth' // our key for that provider is wrong: fall back
  | 'model_not_found' // that provider does not serve the model: fall back
  | 'bad_request' // the request is wrong for any provider: the caller's to fix
  | 'bad_response' // an answer we cannot read
  | 'stream_interrupted'; // a stream ended before its end

export class ProviderError extends Error {
  constructor(
    readonly failure: ProviderFailure,
    message: string,
    readonly status: number | null = null,
    /** From Retry-After (or the provider's own hint), milliseconds. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }

  /** Worth another try at the same provider. */
  get retryable(): boolean {
    return this.failure === 'rate_limited' || this.failure === 'server_error' || this.failure === 'timeout' || this.failure === 'network';
  }
}

/** The failure an HTTP status from a provider means. */
export function failureOfStatus(status: number): ProviderFailure {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'model_not_found';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}
