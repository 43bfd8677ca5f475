/**
 * Faults the provider simulator plays on request, each scoped to a provider and/or a model and
 * optionally to the next N calls: an error status (429 with Retry-After, 500, 529...), a head
 * that never comes, a slow first token, a stream cut after some chunks, a body that is not JSON.
 */

export type SimProvider = 'openai' | 'anthropic' | 'google';

export interface LlmFault {
  provider?: SimProvider | undefined;
  model?: string | undefined;
  /** Answer this status with the provider's error body. */
  status?: number | undefined;
  retryAfterSeconds?: number | undefined;
  /** Hold the answer's head this long (a timeout for callers with a shorter deadline). */
  hangMs?: number | undefined;
  /** Streams: wait this long before the first chunk. */
  firstTokenDelayMs?: number | undefined;
  /** Streams: destroy the connection after this many chunks. */
  cutAfterChunks?: number | undefined;
  /** Answer 200 with a body that is not JSON. */
  malformed?: boolean | undefined;
  /** Applies to this many more calls, then retires (unlimited when absent). */
  times?: number | undefined;
}

export class FaultPlan {
  private rules: LlmFault[] = [];

  set(rules: readonly LlmFault[]): void {
    this.rules = rules.map((rule) => ({ ...rule }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault this call meets (consuming one of its `times`), or null. */
  take(provider: SimProvider, model: string): LlmFault | null {
    const index = this.rules.findIndex(
      (rule) => (rule.provider === undefined || rule.provider === provider) && (rule.model === undefined || rule.model === model),
    );
    if (index === -1) return null;
    const rule = this.rules[index]!;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.rules.splice(index, 1);
    }
    return rule;
  }
}
