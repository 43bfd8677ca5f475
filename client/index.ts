import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient, TRPCClientError } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import superjson from 'superjson';
import type { ErrorReason } from '../server/errors';
import type { AppRouter } from '../server/routers/_app';

/**
 * The typed client for TypeScript bots. Imports only the router's *type*: no server code is
 * bundled. Calls made in the same tick are batched into one HTTP request.
 */

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
};

/**
 * True for an error the gateway answered (as opposed to a network failure or a bug); it also
 * lifts `reason`, `status` and `details` from `error.data` onto the error, typed.
 */
export function isGatewayError(error: unknown): error is GatewayError {
  if (!(error instanceof TRPCClientError)) return false;
  const data = error.data as { reason?: unknown; status?: unknown; details?: unknown } | undefined;
  if (typeof data?.reason !== 'string') return false;
  Object.assign(error, {
    reason: data.reason,
    status: typeof data.status === 'number' ? data.status : 0,
    details: typeof data.details === 'object' && data.details !== null ? data.details : undefined,
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
   * carry its own: `{ context: { verificationToken } }`. One batched request carries one token.
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
  /** The headers of one request: the call's own token first, then the client's. */
  const headersFor = (contexts: readonly Record<string, unknown>[]): Record<string, string> => {
    const own = contexts.map((context) => context.verificationToken).find((token) => typeof token === 'string');
    const token = (own as string | undefined) ?? defaultToken();
    return token ? { ...headers, 'x-verification-token': token } : headers;
  };
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
          eventSourceOptions: { fetch: (input, init) => fetchImpl(input, { ...init, headers: { ...init?.headers, ...headersFor([]) } }) },
        }),
        false: httpBatchLink({
          url: `${base}/trpc`,
          transformer: superjson,
          headers: ({ opList }) => headersFor(opList.map((op) => op.context)),
          fetch: fetchImpl,
        }),
      }),
    ],
  });
}
