/**
 * The HTTP transport to WispHub Net. ofetch runs with `retry: 0` and no `timeout` (together
 * they reuse an aborted signal: a known ofetch trap): every try gets a fresh AbortSignal.timeout.
 * Reads retry here with exponential backoff and jitter inside an overall budget; 4xx are not
 * retried; writes are never retried. A circuit breaker per host fails fast while it is down.
 */

import { ofetch } from 'ofetch';
import { AppError } from '../errors';
import type { Logger } from '../observability/logger';
import { backoffMs } from '../upstream/backoff';
import { CircuitBreaker } from '../upstream/circuit-breaker';

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  /** Overall time a read may take across all its tries. */
  readBudgetMs: number;
  breakerThreshold: number;
  breakerCooldownMs: number;
  logger: Logger;
}

export type Query = Record<string, string | number | undefined>;

/** How a call failed without an answer that tells: the write may or may not have happened. */
export type FailureKind = 'timeout' | 'network' | 'server' | 'breaker_open';

export interface UpstreamCall {
  endpoint: string;
  method: string;
  status: number | 'timeout' | 'network_error' | 'breaker_open';
  durationMs: number;
  attempt: number;
}

/** A failure another try may fix (timeouts, dropped connections, 5xx). */
class RetryableUpstreamError extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message);
  }
}

/** Upstream answered 404 for a single resource. */
export class UpstreamNotFoundError extends Error {
  /**
   * `routeMissing`: the 404 came as Django's HTML page (no such route), not DRF's JSON "No
   * encontrado." (no such record): a write sent there recorded nothing.
   */
  constructor(
    readonly endpoint: string,
    readonly routeMissing = false,
  ) {
    super(`upstream 404 on ${endpoint}`);
    this.name = 'UpstreamNotFoundError';
  }
}

/** The failure kind recorded on a transport error, when it is one. */
export function failureKind(error: unknown): FailureKind | null {
  if (!(error instanceof AppError)) return null;
  const kind = error.internal?.failure;
  return kind === 'timeout' || kind === 'network' || kind === 'server' || kind === 'breaker_open' ? kind : null;
}

/** Timeouts and dropped connections: a write may have reached upstream and committed. Callers reconcile before any retry. */
export function isUnknownOutcome(error: unknown): boolean {
  const kind = failureKind(error);
  return kind === 'timeout' || kind === 'network';
}

/**
 * Paths as log/metric labels, so labels stay few whatever a caller sends: the segment after
 * `tasks` is `:task` (task ids are caller-supplied text), any other segment holding a digit or an
 * escape is `:id`. Upstream's own path words hold neither.
 */
export function endpointLabel(path: string): string {
  return path
    .split('/')
    .map((segment, index, segments) =>
      index > 0 && segments[index - 1] === 'tasks' && segment !== '' ? ':task' : /[\d%]/.test(segment) ? ':id' : segment,
    )
    .join('/');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The shortest time a retry is worth starting with. */
const MIN_TRY_MS = 50;

function isTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current.name === 'TimeoutError' || current.name === 'AbortError') return true;
    current = current.cause;
  }
  return false;
}

const NOT_JSON = Symbol('not-json');

function parseJson(text: string): unknown {
  if (text === '') return NOT_JSON;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

/**
 * Where a redirect leads, rebuilt on our own base origin: only when it stays on the host that
 * issued the API key (a `Location` saying http:// on an https host keeps https; another host or
 * an unreadable location gives null, and the key is never sent there).
 */
export function sameHostTarget(location: string | null, from: string, baseUrl: string): string | null {
  if (!location) return null;
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return null;
  }
  const base = new URL(baseUrl);
  if (target.host !== base.host) return null;
  return `${base.origin}${target.pathname}${target.search}`;
}

export class UpstreamTransport {
  private readonly baseUrl: string;
  /** Endpoints whose redirect was already logged (once each, not per call). */
  private readonly spellingsReported = new Set<string>();
  readonly breaker: CircuitBreaker;
  onCall: ((call: UpstreamCall) => void) | undefined;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.breaker = new CircuitBreaker({
      threshold: options.breakerThreshold,
      cooldownMs: options.breakerCooldownMs,
      onChange: (state) => {
        const log = state === 'open' ? options.logger.error.bind(options.logger) : options.logger.warn.bind(options.logger);
        log({ breaker: state, host: new URL(this.baseUrl).host }, `upstream circuit breaker ${state}`);
      },
    });
  }

  /**
   * GET with retries inside the read budget (`retries` overrides the configured count for one call).
   * Answers the parsed JSON body.
   */
  async get(path: string, query: Query = {}, { retries = this.options.retries }: { retries?: number } = {}): Promise<unknown> {
    const deadline = performance.now() + this.options.readBudgetMs;
    const attempts = retries + 1;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline - performance.now();
      try {
        return (
          await this.once('GET', path, query, undefined, attempt, Math.min(this.options.timeoutMs, Math.max(Math.floor(remaining), 1)))
        ).data;
      } catch (error) {
        if (!(error instanceof RetryableUpstreamError)) throw error;
        const wait = backoffMs(attempt, this.options.retryBaseMs);
        // No new try when the budget would leave it less than a useful window.
        if (attempt >= attempts || performance.now() + wait + MIN_TRY_MS >= deadline || failureKind(error.appError) === 'breaker_open') {
          throw error.appError;
        }
        await sleep(wait);
      }
    }
  }

  /** One write, never retried: the caller decides how to reconcile an unknown outcome. */
  async send(
    method: 'POST' | 'PUT' | 'PATCH',
    path: string,
    body: FormData | Record<string, unknown>,
  ): Promise<{ status: number; data: unknown }> {
    try {
      return await this.once(method, path, {}, body, 1, this.options.timeoutMs);
    } catch (error) {
      if (error instanceof RetryableUpstreamError) throw error.appError;
      throw error;
    }
  }

  private async once(
    method: string,
    path: string,
    query: Query,
    body: FormData | Record<string, unknown> | undefined,
    attempt: number,
    timeoutMs: number,
  ): Promise<{ status: number; data: unknown }> {
    const endpoint = endpointLabel(path);
    const started = performance.now();
    const record = (status: UpstreamCall['status']) => {
      const call = { endpoint, method, status, durationMs: Math.round(performance.now() - started), attempt };
      this.onCall?.(call);
      this.options.logger.info({ upstream: call }, 'upstream call');
    };
    const fail = (
      reason: 'upstream_timeout' | 'upstream_unavailable',
      failure: FailureKind,
      extra: Record<string, unknown> = {},
      cause?: unknown,
    ) =>
      new RetryableUpstreamError(
        new AppError(reason, {
          cause,
          internal: { endpoint, method, failure, ...extra },
          retryAfterSeconds: reason === 'upstream_timeout' ? 5 : 10,
        }),
      );

    if (!this.breaker.tryAcquire()) {
      record('breaker_open');
      const error = new AppError('upstream_unavailable', {
        internal: { endpoint, method, failure: 'breaker_open' },
        retryAfterSeconds: Math.max(1, Math.ceil(this.breaker.retryInMs / 1000)),
      });
      throw new RetryableUpstreamError(error);
    }

    let response: Awaited<ReturnType<typeof ofetch.raw<string, 'text'>>>;
    let url = `${this.baseUrl}${path}`;
    let search: Query | undefined = query;
    const signal = AbortSignal.timeout(timeoutMs);
    for (let hops = 0; ; hops++) {
      try {
        response = await ofetch.raw(url, {
          method,
          query: search,
          body,
          headers: { Authorization: `Api-Key ${this.options.apiKey}`, Accept: 'application/json' },
          responseType: 'text',
          retry: 0,
          // Redirects are ours to judge: fetch would follow a write's 301 as a bodiless GET, or carry the key to another host.
          redirect: 'manual',
          ignoreResponseError: true,
          signal,
        });
      } catch (error) {
        this.breaker.failure();
        if (isTimeout(error)) {
          record('timeout');
          throw fail('upstream_timeout', 'timeout', {}, error);
        }
        record('network_error');
        throw fail('upstream_unavailable', 'network', {}, error);
      }
      if (!REDIRECTS.has(response.status)) break;
      const location = response.headers.get('location');
      const target = sameHostTarget(location, url, this.baseUrl);
      // A read may follow a redirect within the host (the slash spelling differs per endpoint); a write never.
      if (method !== 'GET' || target === null || hops >= MAX_REDIRECTS) {
        record(response.status);
        this.breaker.success();
        const problem =
          method !== 'GET'
            ? 'a write was redirected'
            : target === null
              ? 'redirect to another host or an unreadable location'
              : 'too many redirects';
        if (method !== 'GET') {
          this.options.logger.error(
            { endpoint, method, location },
            `WispHub Net redirected ${method} ${endpoint}: fix the path spelling to "${location ?? '?'}" (docs/upstream.md)`,
          );
        }
        throw new AppError('upstream_bad_response', {
          internal: { endpoint, method, upstreamStatus: response.status, redirect: location, problem },
        });
      }
      if (!this.spellingsReported.has(endpoint)) {
        this.spellingsReported.add(endpoint);
        this.options.logger.warn(
          { endpoint, location: new URL(target).pathname },
          'WispHub Net redirected a read: following it (the path spelling differs from the one we use)',
        );
      }
      url = target;
      search = undefined;
    }
    const status = response.status;
    record(status);
    const text = typeof response._data === 'string' ? response._data : '';
    const parsed = parseJson(text);
    const isJson = parsed !== NOT_JSON;

    if (status >= 500) {
      this.breaker.failure();
      throw fail('upstream_unavailable', 'server', { upstreamStatus: status });
    }
    this.breaker.success();
    if (status === 403 || status === 401) {
      if (!isJson) throw new AppError('upstream_bad_response', { internal: { endpoint, upstreamStatus: status, body: 'html' } });
      this.options.logger.error({ endpoint, upstreamStatus: status }, 'WispHub Net rejected the API key (check WISPHUB_NET_KEY)');
      throw new AppError('upstream_auth_failed', { internal: { endpoint, upstreamStatus: status } });
    }
    if (status === 404) throw new UpstreamNotFoundError(endpoint, !isJson);
    if (status >= 300 && status < 400) {
      throw new AppError('upstream_bad_response', { internal: { endpoint, upstreamStatus: status, problem: 'unexpected 3xx' } });
    }
    if (status >= 400) {
      throw new AppError('upstream_rejected', {
        internal: { endpoint, upstreamStatus: status },
        details: { fieldErrors: isJson ? parsed : null },
      });
    }
    // A write may answer 204 with no body; a read must always answer JSON.
    if (!isJson && !(method !== 'GET' && text === '')) {
      throw new AppError('upstream_bad_response', { internal: { endpoint, upstreamStatus: status } });
    }
    return { status, data: isJson ? parsed : null };
  }
}
