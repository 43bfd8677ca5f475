/**
 * The one place that decides the headers every answer carries: the request id, the security
 * headers, and CORS for an allowed origin. Both the fast path (one writeHead with a flat list)
 * and the full path (set before a handler writes) take them from here; a route that serves
 * something other than JSON (the /docs page) overrides its content type, CSP and caching.
 */

import type { ServerResponse } from 'node:http';
import type { RateDecision } from '../guards/rate-limit';

const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'no-referrer'],
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
  ['cache-control', 'no-store'],
];
const CORS_ALLOW_METHODS = 'GET, POST, PATCH, OPTIONS';
const CORS_ALLOW_HEADERS =
  'content-type, x-api-key, authorization, idempotency-key, x-request-id, x-verification-token, x-end-user, trpc-accept';
const CORS_EXPOSE_HEADERS =
  'x-request-id, x-cache, retry-after, x-verification-token, ratelimit-limit, ratelimit-remaining, ratelimit-reset';
const PREFLIGHT_MAX_AGE_S = '600';

/** The common headers as a flat [name, value, ...] list, the form writeHead takes fastest. */
export function commonHeaders(requestId: string, corsOrigin: string | null): string[] {
  // Vary: Origin on every answer, allowed origin or not: a shared cache must never hand one
  // origin's answer (with or without the allow header) to another.
  const headers = ['x-request-id', requestId, 'vary', 'Origin'];
  for (const [name, value] of SECURITY_HEADERS) headers.push(name, value);
  if (corsOrigin) {
    headers.push('access-control-allow-origin', corsOrigin, 'access-control-expose-headers', CORS_EXPOSE_HEADERS);
  }
  return headers;
}

/**
 * tRPC's adapter sets its own `vary` (trpc-accept, accept) and would overwrite ours: it appends
 * what its `responseMeta` returns, so Origin is given back to it there.
 */
export const TRPC_VARY = new Headers([['vary', 'Origin']]);

/** What a CORS preflight from an allowed origin is told, beside the common headers. */
export function preflightHeaders(): string[] {
  return [
    'access-control-allow-methods',
    CORS_ALLOW_METHODS,
    'access-control-allow-headers',
    CORS_ALLOW_HEADERS,
    'access-control-max-age',
    PREFLIGHT_MAX_AGE_S,
  ];
}

/**
 * The caller's rate budget after this request, in the IETF draft's names (RateLimit-Limit,
 * -Remaining, -Reset: the burst, what is left of it, seconds until it is whole), as name/value
 * pairs; the flat list and the record below are the same pairs in the forms handlers take.
 */
export function rateLimitEntries(decision: RateDecision | undefined): [string, string][] {
  if (!decision) return [];
  return [
    ['ratelimit-limit', String(decision.limit)],
    ['ratelimit-remaining', String(Math.max(0, decision.remaining))],
    ['ratelimit-reset', String(Math.max(0, decision.resetSeconds))],
  ];
}

/** As a flat [name, value, …] list (writeHead, setHeaders). */
export function rateLimitHeaders(decision: RateDecision | undefined): string[] {
  return rateLimitEntries(decision).flat();
}

/** As a record (sendJson, sendError). */
export function rateLimitHeaderRecord(decision: RateDecision | undefined): Record<string, string> {
  return Object.fromEntries(rateLimitEntries(decision));
}

/** Sets a flat header list on a response whose handler writes the status and body later. */
export function setHeaders(res: ServerResponse, headers: readonly string[]): void {
  for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
}
