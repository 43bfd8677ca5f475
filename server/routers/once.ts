import type { CallerContext } from '../trpc/context';

/** Runs a write at most once per idempotency key (scoped to the caller's key); without a key, runs it. */
export async function once<T>(
  ctx: CallerContext,
  idempotencyKey: string | undefined,
  request: unknown,
  work: () => Promise<T>,
): Promise<T & { replayed: boolean }> {
  if (!idempotencyKey) return { ...(await work()), replayed: false };
  const { value, replayed } = await ctx.services.idempotency.run(ctx.key.name, idempotencyKey, request, work);
  return { ...value, replayed };
}
