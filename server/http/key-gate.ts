/**
 * The door of every keyed surface (tRPC, REST, MCP): the key is checked from the headers alone,
 * before any body is read or parsed, so a request without a valid key costs a header parse and
 * nothing more. Such requests are limited per client address (X-Forwarded-For is read only when
 * TRUST_PROXY_HOPS says how many proxies in front of us append to it).
 */

import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors';
import type { CallerKey } from '../guards/api-keys';
import { readEndUser } from '../guards/end-user';
import type { RateDecision } from '../guards/rate-limit';
import type { RequestContext } from '../trpc/context';

/** The key as presented: X-API-Key, or `Authorization: Bearer` (what OpenAI's SDKs send). */
export function presentedKey(req: IncomingMessage): string | null {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i);
  return bearer?.[1] ?? null;
}

/** The X-End-User header: null when absent; a 400 when it is not an opaque id. */
export function endUserOf(req: IncomingMessage): string | null {
  return readEndUser(req.headers['x-end-user'], 'X-End-User');
}

/** The client's address: the socket's, or the entry `hops` proxies back in X-Forwarded-For. */
export function clientAddressOf(req: IncomingMessage, trustProxyHops: number): string {
  const socketAddress = req.socket.remoteAddress ?? 'unknown';
  if (trustProxyHops === 0) return socketAddress;
  const forwarded = req.headers['x-forwarded-for'];
  const entries = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  // Each trusted proxy appended the address it saw; anything further left was written by the client.
  return entries[entries.length - trustProxyHops] ?? socketAddress;
}

/** The request carries a body node:http would otherwise read to reuse the connection. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The caller of a keyed surface, identified from the headers and kept on the context (the fast path
 * and the procedures read it there); a refusal (401 / 403, or 429 once the address has been refused
 * too often) otherwise. Synchronous unless the address limiter is shared.
 */
export function admitKey(ctx: RequestContext, clientAddress: () => string): CallerKey | Promise<never> {
  const presented = ctx.presentedApiKey;
  const caller = presented === null ? null : ctx.services.apiKeys.identifyOn(ctx.connection, presented);
  if (caller !== null) {
    ctx.caller = caller;
    return caller;
  }
  const refusal = new AppError(presented === null ? 'api_key_missing' : 'api_key_invalid');
  const refuse = ({ wait }: RateDecision): never => {
    if (wait > 0) throw new AppError('rate_limited', { retryAfterSeconds: wait });
    throw refusal;
  };
  const decision = ctx.services.addressLimiter.take(`address:${clientAddress()}`);
  return decision instanceof Promise ? decision.then(refuse) : refuse(decision);
}
