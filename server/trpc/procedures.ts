import { AppError } from '../errors';
import type { CallerKey } from '../guards/api-keys';
import { conversationKey } from '../guards/identity-guard';
import type { RateDecision } from '../guards/rate-limit';
import type { TokenHolder } from '../guards/verification';
import { isMemoizable, type ProcedureAccess } from '../rest/routes';
import type { RequestContext } from './context';
import { publicProcedure } from './init';
import type { MemoSources } from './memo-sources';
import { serviceIdSchema } from './service-id';

export type { CallerKey };

/** API key, then the key's rate limit (shared across instances with Redis); used by the middleware and the HTTP fast path. */
/** Synchronous (no promise, no microtask) when the limiter is in memory; a promise when it is shared. Throws when refused. */
export function authenticate(ctx: RequestContext, calls = 1): CallerKey | Promise<CallerKey> {
  if (!ctx.presentedApiKey) throw new AppError('api_key_missing');
  // The door identified it already on every HTTP surface; a context built elsewhere asks here.
  const caller = ctx.caller ?? ctx.services.apiKeys.identifyOn(ctx.connection, ctx.presentedApiKey);
  if (caller === null) throw new AppError('api_key_invalid');
  ctx.report.keyName = caller.name;
  const admit = (decision: RateDecision): CallerKey => {
    // The tighter bucket is the one a caller should pace itself by (RateLimit-* headers).
    const shown = ctx.report.rateLimit;
    if (!shown || decision.wait > 0 || decision.remaining < shown.remaining) ctx.report.rateLimit = decision;
    if (decision.wait > 0) throw new AppError('rate_limited', { retryAfterSeconds: decision.wait });
    return caller;
  };
  const { rateLimiter, endUserLimiter } = ctx.services;
  const decision = rateLimiter.take(caller.name, calls);
  if (ctx.endUser === null) return decision instanceof Promise ? decision.then(admit) : admit(decision);
  // One conversation cannot spend its bot's whole budget: its own bucket is taken as well.
  const conversation = conversationKey({ keyName: caller.name, endUser: ctx.endUser });
  const both = (first: RateDecision): CallerKey | Promise<CallerKey> => {
    admit(first);
    const second = endUserLimiter.take(conversation, calls);
    return second instanceof Promise ? second.then(admit) : admit(second);
  };
  return decision instanceof Promise ? decision.then(both) : both(decision);
}

/** The verified customer's service id of this request (bot keys), or null. */
export function verifiedServiceId(ctx: RequestContext, caller: CallerKey): number | null {
  return ctx.services.verification.verifiedServiceId(ctx.presentedVerification, holderOf(ctx, caller), ctx.services.now());
}

/** Whom a verification token speaks for: the key and the end user it named. */
export function holderOf(ctx: RequestContext, caller: CallerKey): TokenHolder {
  return { keyName: caller.name, endUser: ctx.endUser };
}

/** How to send the token, said the way each surface takes it (a header, or a tool argument over MCP). */
export const VERIFICATION_HINTS = {
  header: 'Llame a clients.verify con los datos del titular y envíe el token en el encabezado X-Verification-Token.',
  mcp: 'Llame a clients_verify con los datos del titular y pase el verificationToken que devuelve como argumento de esta herramienta.',
} as const;

function verificationHint(ctx: RequestContext): string {
  return ctx.surface === 'mcp' ? VERIFICATION_HINTS.mcp : VERIFICATION_HINTS.header;
}

/** Enforces a procedure's `access` meta for this caller and this input's service id. */
async function assertAccess(ctx: RequestContext, caller: CallerKey, access: ProcedureAccess, rawInput: unknown): Promise<void> {
  if (access.role === 'operator' && caller.role !== 'operator') {
    throw new AppError('forbidden_for_key', { details: { requiredRole: 'operator', keyRole: caller.role } });
  }
  if (!access.verification || caller.role === 'operator') return;
  if (access.verification === 'read' && !ctx.services.config.VERIFICATION_REQUIRED_FOR_READS) return;
  if (access.customerOf === 'ticket') return; // checked by the procedure against the ticket's customer (assertTicketCustomer)
  // The same schema the input is validated with: the id checked here is the id the procedure acts on.
  const serviceId = serviceIdSchema.safeParse((rawInput as { serviceId?: unknown } | null | undefined)?.serviceId);
  if (!serviceId.success) throw new AppError('invalid_input', { details: { fieldErrors: { serviceId: ['serviceId is required'] } } });
  assertVerified(ctx, caller, serviceId.data);
}

/**
 * The caller presented the verification token of this service id, from this key (operators need
 * none). For procedures whose service id is known only inside (a ticket's client).
 */
export function assertVerified(ctx: RequestContext, caller: CallerKey, serviceId: number): void {
  if (caller.role === 'operator') return;
  const check = ctx.services.verification.check(ctx.presentedVerification, holderOf(ctx, caller), serviceId, ctx.services.now());
  switch (check.status) {
    case 'valid':
      return;
    case 'other_service':
      throw new AppError('verification_mismatch', { details: { serviceId } });
    case 'expired':
      throw new AppError('verification_required', {
        message: `La verificación de identidad venció. ${verificationHint(ctx)}`,
        details: { problem: 'expired', expiredAt: check.expiredAt.toISOString() },
      });
    default:
      throw new AppError('verification_required', {
        message: `Antes de continuar debemos verificar la identidad del titular del servicio. ${verificationHint(ctx)}`,
        details: { problem: check.status },
      });
  }
}

/** Every business procedure: requires a configured API key. Cacheable queries are memoised. */
export const protectedProcedure = publicProcedure
  .use(async ({ ctx, meta, getRawInput, next }) => {
    const key = await authenticate(ctx);
    if (meta?.access) await assertAccess(ctx, key, meta.access, await getRawInput());
    // Narrowed: every procedure below knows who is calling, without a nullable report field.
    return next({ ctx: { key } });
  })
  .use(async ({ ctx, meta, type, path, getRawInput, next }) => {
    const audience = memoAudience(ctx.key, ctx.presentedVerification);
    if (!isMemoizable(meta, type) || audience === null) return next();
    const memo: MemoSources = { deps: [], memoizable: true };
    const result = await next({ ctx: { memo } });
    if (result.ok && memo.memoizable) ctx.services.memo.store(`${audience}:${path}`, await getRawInput(), result.data, memo.deps);
    return result;
  });

/**
 * Whose memoised answers a call may share: staff see one view, unverified bots another. A bot
 * call carrying a verification token may see its customer in full: never memoised, never served
 * from the memo.
 */
export function memoAudience(caller: CallerKey, presentedVerification: string | null): 'staff' | 'public' | null {
  if (caller.role === 'operator') return 'staff';
  return presentedVerification === null ? 'public' : null;
}
