import { ofetch } from 'ofetch';
import { AppError } from '../errors';
import type { Logger } from '../logger';

/**
 * The HTTP transport to WispHub Net. ofetch runs with `retry: 0` and no `timeout` (together
 * they reuse an aborted signal, see STACK.md): every try gets a fresh AbortSignal.timeout, and
 * idempotent reads retry here with exponential backoff and jitter. Writes are never retried.
 */

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  logger: Logger;
}

export type Query = Record<string, string | number | undefined>;

export interface UpstreamCall {
  endpoint: string;
  method: string;
  status: number | 'timeout' | 'network_error';
  durationMs: number;
  attempt: number;
}

/** A failure that another try may fix (timeouts, dropped connections, 5xx). */
class RetryableUpstreamError extends Error {
  constructor(
    readonly appError: AppError,
    readonly kind: 'timeout' | 'network' | 'server',
  ) {
    super(appError.message);
  }
}

/** Upstream answered 404 for a single resource. */
export class UpstreamNotFoundError extends Error {
  constructor(readonly endpoint: string) {
    super(`upstream 404 on ${endpoint}`);
    this.name = 'UpstreamNotFoundError';
  }
}

/** Paths as log/metric labels: ids replaced so labels stay few. */
export function endpointLabel(path: string): string {
  return path.replace(/\/\d+\//g, '/:id/').replace(/\/[0-9a-f-]{16,}\//gi, '/:task/');
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current.name === 'TimeoutError' || current.name === 'AbortError') return true;
    current = current.cause;
  }
  return false;
}

export class UpstreamTransport {
  private readonly baseUrl: string;
  readonly calls: UpstreamCall[] = [];
  onCall: ((call: UpstreamCall) => void) | undefined;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** GET with retries. Answers the parsed JSON body. */
  async get(path: string, query: Query = {}): Promise<unknown> {
    const attempts = this.options.retries + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.once('GET', path, query, undefined, attempt)).data;
      } catch (error) {
        if (!(error instanceof RetryableUpstreamError)) throw error;
        if (attempt >= attempts) throw error.appError;
        const backoff = this.options.retryBaseMs * 2 ** (attempt - 1);
        await sleep(backoff / 2 + Math.random() * backoff);
      }
    }
  }

  /** One write, never retried: the caller decides how to reconcile an unknown outcome. */
  async send(method: 'POST' | 'PUT', path: string, body: FormData | Record<string, unknown>): Promise<{ status: number; data: unknown }> {
    try {
      return await this.once(method, path, {}, body, 1);
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
  ): Promise<{ status: number; data: unknown }> {
    const endpoint = endpointLabel(path);
    const started = performance.now();
    const record = (status: UpstreamCall['status']) => {
      const call = { endpoint, method, status, durationMs: Math.round(performance.now() - started), attempt };
      this.onCall?.(call);
      this.options.logger.debug({ upstream: call }, 'upstream call');
    };
    let response: Awaited<ReturnType<typeof ofetch.raw<string, 'text'>>>;
    try {
      response = await ofetch.raw(`${this.baseUrl}${path}`, {
        method,
        query,
        body,
        headers: { Authorization: `Api-Key ${this.options.apiKey}`, Accept: 'application/json' },
        responseType: 'text',
        retry: 0,
        redirect: 'manual',
        ignoreResponseError: true,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      if (isTimeout(error)) {
        record('timeout');
        throw new RetryableUpstreamError(
          new AppError('upstream_timeout', { cause: error, details: { endpoint }, retryAfterSeconds: 5 }),
          'timeout',
        );
      }
      record('network_error');
      throw new RetryableUpstreamError(
        new AppError('upstream_unavailable', { cause: error, details: { endpoint }, retryAfterSeconds: 10 }),
        'network',
      );
    }
    const status = response.status;
    record(status);
    const text = typeof response._data === 'string' ? response._data : '';
    const parsed = parseJson(text);
    const isJson = parsed !== NOT_JSON;

    if (status >= 500) {
      throw new RetryableUpstreamError(
        new AppError('upstream_unavailable', { details: { endpoint, upstreamStatus: status }, retryAfterSeconds: 10 }),
        'server',
      );
    }
    if (status === 403 || status === 401) {
      if (!isJson) throw new AppError('upstream_bad_response', { details: { endpoint, upstreamStatus: status, body: 'html' } });
      this.options.logger.error({ endpoint, upstreamStatus: status }, 'WispHub Net rejected the API key (check WISPHUB_NET_KEY)');
      throw new AppError('upstream_auth_failed', { details: { endpoint } });
    }
    if (status === 404) throw new UpstreamNotFoundError(endpoint);
    if (status >= 300 && status < 400) {
      throw new AppError('upstream_bad_response', { details: { endpoint, upstreamStatus: status, redirect: true } });
    }
    if (status >= 400) {
      throw new AppError('upstream_rejected', {
        details: { endpoint, upstreamStatus: status, fieldErrors: isJson ? parsed : null },
      });
    }
    // A write may answer 204 with no body; a read must always answer JSON.
    if (!isJson && !(method !== 'GET' && text === '')) {
      throw new AppError('upstream_bad_response', { details: { endpoint, upstreamStatus: status } });
    }
    return { status, data: isJson ? parsed : null };
  }
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
