/**
 * The one HTTP client the provider adapters use: node:http(s) with keep-alive agents (no Fetch
 * layer on the hot path), a deadline per call, a provider's error answer turned into a
 * ProviderError, and Server-Sent Events read with eventsource-parser.
 */

import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Cancellation } from '../../upstream/cancellation';
import { failureOfStatus, ProviderError } from './types';

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/** Retry-After in seconds or as an HTTP date, as milliseconds; null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Request options per endpoint URL, parsed once (node:http would convert a URL object on every call). */
const endpoints = new Map<string, { protocol: string; hostname: string; port: string; path: string }>();

function endpointOf(url: string): { protocol: string; hostname: string; port: string; path: string } {
  let endpoint = endpoints.get(url);
  if (!endpoint) {
    const parsed = new URL(url);
    endpoint = { protocol: parsed.protocol, hostname: parsed.hostname, port: parsed.port, path: `${parsed.pathname}${parsed.search}` };
    if (endpoints.size > 1000) endpoints.clear();
    endpoints.set(url, endpoint);
  }
  return endpoint;
}

export interface ProviderResponse {
  status: number;
  body: IncomingMessage;
}

/**
 * POSTs JSON and resolves when the answer's head arrives (2xx only; any other status becomes a
 * ProviderError carrying the provider's message). The deadline covers the head; callers that
 * read a body keep their own.
 */
export function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  timeoutMs: number,
  cancel?: Cancellation,
  /** The deadline covers the body too (whole answers; a stream's body keeps its own deadlines). */
  wholeBody = false,
): Promise<ProviderResponse> {
  const payload = Buffer.from(JSON.stringify(body));
  const endpoint = endpointOf(url);
  const client = endpoint.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request({
      ...endpoint,
      method: 'POST',
      agent: agents[endpoint.protocol as 'http:' | 'https:'],
      headers: {
        'content-type': 'application/json',
        'content-length': String(payload.length),
        accept: 'application/json, text/event-stream',
        ...headers,
      },
    });
    let answer: IncomingMessage | null = null;
    const stop = (error: ProviderError) => (answer ? answer.destroy(error) : request.destroy(error));
    const timer = setTimeout(() => stop(new ProviderError('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => stop(new ProviderError('timeout', 'the caller went away'));
    const forget = cancel?.onCancel(onAbort);
    const settle = () => {
      clearTimeout(timer);
      forget?.();
    };
    request.on('response', (response) => {
      answer = response;
      // A stream's deadline ends with its head (the caller keeps the first-token and idle ones), but
      // a caller going away must still stop it: the cancellation holds until the body closes.
      if (wholeBody) response.once('close', settle);
      else {
        clearTimeout(timer);
        response.once('close', () => forget?.());
      }
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) return resolve({ status, body: response });
      readText(response, 64 * 1024)
        .then((text) =>
          reject(
            new ProviderError(failureOfStatus(status), errorMessageOf(text, status), status, retryAfterMs(response.headers['retry-after'])),
          ),
        )
        .catch(reject);
    });
    request.on('error', (error) => {
      settle();
      reject(error instanceof ProviderError ? error : new ProviderError('network', (error as NodeJS.ErrnoException).code ?? error.message));
    });
    request.end(payload);
  });
}

/** A provider's error message from its JSON error body (OpenAI, Anthropic and Google all nest it under `error`). */
function errorMessageOf(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    const message = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message);
    if (typeof message === 'string' && message !== '') return message.slice(0, 500);
  } catch {
    // not JSON: fall through
  }
  return `provider answered ${status}`;
}

/** The body as text, at most `limit` bytes (a provider's answer is bounded; a runaway one is an error). Events, not an async iterator: half the cost on a hot path. */
export function readText(body: IncomingMessage, limit = 32 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        body.destroy(new ProviderError('bad_response', `answer larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    body.once('error', (error) =>
      reject(
        error instanceof ProviderError ? error : new ProviderError('network', error instanceof Error ? error.message : 'answer broke off'),
      ),
    );
    // A body cut off without an error (the socket closed early) never ends: settle it as broken.
    body.once('close', () => {
      if (!body.complete) reject(new ProviderError('network', 'answer broke off'));
    });
  });
}

export async function readJson<T>(body: IncomingMessage): Promise<T> {
  const text = await readText(body);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ProviderError('bad_response', 'answer is not JSON');
  }
}

/**
 * The events of a Server-Sent Events body, as they arrive. A body that ends, or breaks, before
 * the provider's own end marker is the caller's to judge (it knows the marker).
 */
export async function* serverSentEvents(body: IncomingMessage): AsyncGenerator<EventSourceMessage> {
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  // A character may be split between two chunks.
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body) {
      parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      while (queue.length > 0) yield queue.shift()!;
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw new ProviderError('stream_interrupted', error instanceof Error ? error.message : 'stream broke');
  }
}

/** Parses one event's JSON data. */
export function eventJson<T>(event: { data: string }): T {
  try {
    return JSON.parse(event.data) as T;
  } catch {
    throw new ProviderError('bad_response', 'stream event is not JSON');
  }
}
