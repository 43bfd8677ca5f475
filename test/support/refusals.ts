import type { RestErrorBody } from './service';

/**
 * How a test reads a refusal, the one way on each surface: the `reason` of a REST error body, of a
 * tRPC client error, and of a call that should have been refused.
 */

/** The reason of a REST error answer. */
export async function reasonOf(response: Response): Promise<string> {
  return ((await response.json()) as RestErrorBody).error.reason;
}

/** The reason a tRPC client error carries (undefined for anything else). */
export function trpcReason(error: unknown): string | undefined {
  return (error as { data?: { reason?: string } } | null)?.data?.reason;
}

/** The reason a tRPC call was refused with; "no error" when it was not refused. */
export async function trpcRefusal(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    return trpcReason(error);
  }
  return 'no error';
}
