import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import superjson from 'superjson';
import type { AppRouter } from '../server/routers/_app';

/**
 * The typed client for TypeScript bots. Imports only the router's *type*: no server code is
 * bundled. Calls made in the same tick are batched into one HTTP request.
 */

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type WispHubClient = TRPCClient<AppRouter>;

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
  fetch?: typeof fetch;
}

export function createWispHubClient(options: WispHubClientOptions): WispHubClient {
  const base = options.url.replace(/\/+$/, '');
  const headers = { ...options.headers, 'x-api-key': options.apiKey };
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
