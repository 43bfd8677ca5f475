/**
 * One request's journey through its route plan: each candidate tried with retries (exponential
 * backoff with jitter on what is retryable; a 429 waited out when its Retry-After is short),
 * then the next candidate, until one answers or the plan (or the deadline) runs out. A stream
 * counts as answered once its first token reached the caller: after that a failure ends the
 * stream, it never restarts elsewhere. A chat call executes nothing here, so a retry cannot do
 * anything twice; what a provider billed for a failed call is the price of the retry.
 */

import { backoffMs } from '../upstream/backoff';
import type { Cancellation } from '../upstream/cancellation';
import type { ChatChunk, ChatCompletion, ChatRequest } from './chat';
import type { ProviderPool } from './provider-pool';
import { ProviderError, type ProviderFailure } from './providers/types';
import type { ModelEntry } from './registry';

export interface AttemptOptions {
  /** Extra tries at one candidate for retryable failures. */
  retries: number;
  retryBaseMs: number;
  /** A 429 asking to wait longer than this moves on to the next candidate at once. */
  maxRetryAfterMs: number;
  /** Streams: how long the first token may take. */
  firstTokenTimeoutMs: number;
  /** The whole request, every attempt included. */
  deadlineMs: number;
}

export interface Attempt {
  model: string;
  provider: string;
  outcome: 'ok' | ProviderFailure | 'breaker_open';
  status: number | null;
  ms: number;
}

/** Every candidate failed (or the request itself was refused): what the caller is told. */
export class AttemptsExhausted extends Error {
  constructor(
    readonly attempts: Attempt[],
    /** `rejected`: a provider refused the request as malformed; the caller's to fix. */
    readonly kind: 'unavailable' | 'timeout' | 'rejected',
    message: string,
  ) {
    super(message);
    this.name = 'AttemptsExhausted';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function asProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError('bad_response', error instanceof Error ? error.message : 'unknown failure');
}

function exhausted(attempts: Attempt[], last: ProviderError | null): AttemptsExhausted {
  const tried = attempts.filter((attempt) => attempt.outcome !== 'breaker_open');
  const allTimeouts = tried.length > 0 && tried.every((attempt) => attempt.outcome === 'timeout');
  return new AttemptsExhausted(attempts, allTimeouts ? 'timeout' : 'unavailable', last?.message ?? 'no provider could be tried');
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ProviderError };

/**
 * Runs `call` against each candidate in turn with the retry policy; returns the first success,
 * with the attempts made (the failed ones and the one that served).
 */
async function throughPlan<T>(
  candidates: readonly ModelEntry[],
  pool: ProviderPool,
  options: AttemptOptions,
  call: (model: ModelEntry, timeoutMs: number) => Promise<T>,
  cancel?: Cancellation,
): Promise<{ value: T; served: ModelEntry; attempts: Attempt[] }> {
  const attempts: Attempt[] = [];
  const deadline = performance.now() + options.deadlineMs;
  let last: ProviderError | null = null;
  for (const model of candidates) {
    const config = pool.config(model.provider);
    if (!config) continue;
    for (let attempt = 0; attempt <= options.retries; attempt++) {
      const left = deadline - performance.now();
      if (left <= 0) throw exhausted(attempts, last ?? new ProviderError('timeout', 'the request deadline passed'));
      if (!pool.admit(model.provider)) {
        attempts.push({ model: model.id, provider: model.provider, outcome: 'breaker_open', status: null, ms: 0 });
        break;
      }
      const started = performance.now();
      const outcome: Outcome<T> = await call(model, Math.min(config.timeoutMs, left)).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error: asProviderError(error) }),
      );
      const ms = Math.round(performance.now() - started);
      if (outcome.ok) {
        pool.succeeded(model.provider);
        attempts.push({ model: model.id, provider: model.provider, outcome: 'ok', status: 200, ms });
        return { value: outcome.value, served: model, attempts };
      }
      const error = outcome.error;
      last = error;
      attempts.push({ model: model.id, provider: model.provider, outcome: error.failure, status: error.status, ms });
      // A caller that went away is not a provider failure: nothing more is tried for it.
      if (cancel?.cancelled) throw new AttemptsExhausted(attempts, 'unavailable', 'the caller went away');
      pool.failed(model.provider, error.failure, error.retryAfterMs);
      if (error.failure === 'bad_request') throw new AttemptsExhausted(attempts, 'rejected', error.message);
      if (!error.retryable || attempt === options.retries) break;
      const wait =
        error.failure === 'rate_limited' && error.retryAfterMs !== null ? error.retryAfterMs : backoffMs(attempt + 1, options.retryBaseMs);
      // A long Retry-After is the provider saying "not now": the next candidate serves instead.
      if (wait > options.maxRetryAfterMs || performance.now() + wait >= deadline) break;
      await sleep(wait);
    }
  }
  throw exhausted(attempts, last);
}

/** Where a call to `model` goes, from its provider's settings, with the key this caller uses there. */
function targetOf(pool: ProviderPool, model: ModelEntry, keyName: string, timeoutMs: number, cancel: Cancellation | undefined) {
  const config = pool.config(model.provider)!;
  return { baseUrl: config.baseUrl, apiKey: pool.keyFor(model.provider, keyName), model: model.id, timeoutMs, cancel };
}

export function completeThroughPlan(
  request: ChatRequest,
  candidates: readonly ModelEntry[],
  pool: ProviderPool,
  options: AttemptOptions,
  keyName: string,
  cancel?: Cancellation,
): Promise<{ value: ChatCompletion; served: ModelEntry; attempts: Attempt[] }> {
  return throughPlan(
    candidates,
    pool,
    options,
    (model, timeoutMs) => pool.adapter(model.provider)!.complete(request, targetOf(pool, model, keyName, timeoutMs, cancel)),
    cancel,
  );
}

/** A stream that has produced its first token: the chunks so far, and the rest to come. */
export interface StartedStream {
  head: ChatChunk[];
  rest: AsyncIterator<ChatChunk>;
}

/** A chunk that carries something the caller sees as the answer starting. */
const startsAnswer = (chunk: ChatChunk): boolean =>
  chunk.choices.some(
    (choice) => (choice.delta.content ?? '') !== '' || (choice.delta.tool_calls?.length ?? 0) > 0 || choice.finish_reason !== null,
  );

/** Reads a provider's stream until its first token (within the first-token deadline), so a failure before it can still fall back. */
async function startStream(chunks: AsyncIterable<ChatChunk>, timeoutMs: number): Promise<StartedStream> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: ChatChunk[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderError('timeout', `no first token within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done) throw new ProviderError('stream_interrupted', 'stream ended before its first token');
      head.push(next.value);
      if (startsAnswer(next.value)) return { head, rest: iterator };
    }
  } catch (error) {
    void iterator.return?.();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export function streamThroughPlan(
  request: ChatRequest,
  candidates: readonly ModelEntry[],
  pool: ProviderPool,
  options: AttemptOptions,
  keyName: string,
  cancel?: Cancellation,
): Promise<{ value: StartedStream; served: ModelEntry; attempts: Attempt[] }> {
  return throughPlan(
    candidates,
    pool,
    options,
    (model, timeoutMs) =>
      startStream(
        pool.adapter(model.provider)!.stream(request, targetOf(pool, model, keyName, timeoutMs, cancel)),
        Math.min(options.firstTokenTimeoutMs, timeoutMs),
      ),
    cancel,
  );
}
