/**
 * A caller going away, told to whoever works for it (a provider call): cheaper than an
 * AbortController, nothing is allocated until it is cancelled (an AbortController builds a
 * DOMException on every abort, 3% of a /v1 request's CPU in a profile).
 */

export class Cancellation {
  private listeners: (() => void)[] | null = null;
  cancelled = false;

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const listener of this.listeners ?? []) listener();
    this.listeners = null;
  }

  /** Calls `listener` on cancellation; returns the function that forgets it. */
  onCancel(listener: () => void): () => void {
    if (this.cancelled) {
      listener();
      return () => undefined;
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const index = this.listeners?.indexOf(listener) ?? -1;
      if (index >= 0) this.listeners!.splice(index, 1);
    };
  }
}
