/**
 * The typed client for TypeScript bots. Imports only the router's *type*: no server code is
 * bundled. Calls made in the same tick are batched into one HTTP request.
 */

import { createTRPCClient, httpBatchLink, httpLink, httpSubscriptionLink, splitLink, type TRPCClient, TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import type { ErrorReason } from '../server/errors';
import type { AppRouter } from '../server/routers/_app';

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type WispHubClient = TRPCClient<AppRouter>;

/** Every `reason` the gateway answers with: `switch` on it with an exhaustiveness check. */
export type GatewayErrorReason = ErrorReason;

/** A gateway error as the client sees it, with its reason, HTTP status and Spanish message. */
export type GatewayError = TRPCClientError<AppRouter> & {
  reason: GatewayErrorReason;
  status: number;
  details: Record<string, unknown> | undefined;
  /** For `invalid_input`: which field, and what is wrong with it (English, for the developer). */
  issues: { path: string; message: string }[];
};

/**
 * True for an error the gateway answered (as opposed to a network failure or a bug); it also
 * lifts `reason`, `status` and `details` from `error.data` onto the error, typed.
 */
export function isGatewayError(error: unknown): error is GatewayError {
  if (!(error instanceof TRPCClientError)) return false;
  const data = error.data as { reason?: unknown; status?: unknown; details?: unknown; issues?: unknown } | undefined;
  if (typeof data?.reason !== 'string') return false;
  Object.assign(error, {
    reason: data.reason,
    status: typeof data.status === 'number' ? data.status : 0,
    details: typeof data.details === 'object' && data.details !== null ? data.details : undefined,
    issues: Array.isArray(data.issues) ? data.issues : [],
  });
  return true;
}

export interface WispHubClientOptions {
  /** Base URL of the service, e.g. "http://localhost:3000". */
  url: string;
  apiKey: string;
  /** Extra headers on every call (e.g. X-Request-Id for tracing). */
  headers?: Record<string, string>;
  /**
   * The customer's verification token (from `clients.verify`), sent as `X-Verification-Token`:
   * a string, or a function read at each call (a bot's current conversation). A call may also
   * carry its own: `{ context: { verificationToken, endUser } }`; such a call is sent on its own,
   * never batched with calls for another customer.
   */
  verificationToken?: string | (() => string | null | undefined);
  /**
   * The opaque id of the person the bot talks to (e.g. a hash of their WhatsApp number), sent as
   * `X-End-User`. Verification tokens are bound to it, and lockouts and limits count per end user.
   */
  endUser?: string;
  fetch?: typeof fetch;
}

export function createWispHubClient(options: WispHubClientOptions): WispHubClient {
  const base = options.url.replace(/\/+$/, '');
  const headers: Record<string, string> = {
    ...options.headers,
    'x-api-key': options.apiKey,
    ...(options.endUser ? { 'x-end-user': options.endUser } : {}),
  };
  const defaultToken = () => (typeof options.verificationToken === 'function' ? options.verificationToken() : options.verificationToken);
  /** The headers of one request: the call's own token and end user first, then the client's. */
  const headersFor = (context: Record<string, unknown> = {}): Record<string, string> => {
    const own = typeof context.verificationToken === 'string' ? context.verificationToken : undefined;
    const token = own ?? defaultToken();
    const result: Record<string, string> = { ...headers };
    if (typeof context.endUser === 'string') result['x-end-user'] = context.endUser;
    if (token) result['x-verification-token'] = token;
    return result;
  };
  /** A call that names its own customer or conversation: batching it could send another call's token. */
  const carriesOwnIdentity = (context: Record<string, unknown>) =>
    typeof context.verificationToken === 'string' || typeof context.endUser === 'string';
  const fetchImpl = options.fetch ?? fetch;
  return createTRPCClient<AppRouter>({
    links: [
      // Subscriptions (network.watchPing) go over SSE; everything else is batched HTTP.
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${base}/trpc`,
          transformer: superjson,
          EventSource,
          // The `eventsource` package lets us send the API key as a header (browsers' EventSource cannot).
          eventSourceOptions: { fetch: (input, init) => fetchImpl(input, { ...init, headers: { ...init?.headers, ...headersFor() } }) },
        }),
        false: splitLink({
          condition: (op) => carriesOwnIdentity(op.context),
          true: httpLink({ url: `${base}/trpc`, transformer: superjson, headers: ({ op }) => headersFor(op.context), fetch: fetchImpl }),
          // Calls without their own identity share the client's: any number of them make one request.
          false: httpBatchLink({ url: `${base}/trpc`, transformer: superjson, headers: () => headersFor(), fetch: fetchImpl }),
        }),
      }),
    ],
  });
}
