/**
 * The wait before a retry, shared by both halves: exponential from `baseMs`, with equal jitter
 * (half fixed, half random) so callers that failed together do not retry together.
 */

export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const backoff = baseMs * 2 ** (attempt - 1);
  return backoff / 2 + random() * backoff;
}
