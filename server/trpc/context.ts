/** What a request carries through the procedures: the services, who asked, and what to report. */

import type { CallerKey } from '../guards/api-keys';
import type { RateDecision } from '../guards/rate-limit';
import type { Dependency } from '../http/response-memo';
import type { Services } from '../services';
import type { CacheState } from '../upstream/swr-cache';

export interface RequestContext {
  services: Services;
  requestId: string;
  /** Which surface the call came in on: an MCP tool call and the agent's tool calls run the same procedures. */
  surface: 'trpc' | 'rest' | 'mcp' | 'agent';
  /** The key as presented (X-API-Key), or null. */
  presentedApiKey: string | null;
  /** The connection the request came on (its socket), when there is one: keys are remembered per connection. */
  connection?: object;
  /** The customer verification token as presented (X-Verification-Token), or null. */
  presentedVerification: string | null;
  /**
   * The opaque end user behind a bot (X-End-User; e.g. a hash of a WhatsApp number), or null.
   * Tokens minted for one end user are valid only with it; lockouts and limits count per end user.
   */
  endUser: string | null;
  /** Whom the key identifies, once the door (http/key-gate.ts) checked it; unset before that. */
  caller?: CallerKey;
  /** Filled in while the request runs, read by the HTTP layer for logs and headers. */
  report: RequestReport;
}

/** The cache entries a cacheable query read, so its answer can be memoised against them. */
export interface MemoSources {
  deps: Dependency[];
  /** False once anything was served stale: such an answer is not memoised. */
  memoizable: boolean;
}

/**
 * A procedure's context once the caller is known (the auth middleware narrowed it), with the memo
 * of a cacheable read. The one type every handler takes.
 */
export type CallerContext = RequestContext & { key: CallerKey; memo?: MemoSources };

/** Shared by reference: tRPC middlewares copy the context object, not this one. */
export interface RequestReport {
  /** The configured name of the caller's key, once authenticated. */
  keyName: string | null;
  /** How a cached read was served, for logs and the REST `X-Cache` header. */
  cacheState: CacheState | null;
  /** The procedure(s) called, for logs and metrics. */
  procedure: string | null;
  /** A REST success status other than the route's own (a create answered 202 while pending). */
  successStatus?: number;
  /** The tighter of the caller's rate buckets after this request (RateLimit-* headers). */
  rateLimit?: RateDecision;
  /** Headers a procedure adds to its REST answer (a verification token). */
  responseHeaders?: Record<string, string>;
}
