/**
 * A circuit breaker for one upstream host: after `threshold` consecutive failures it opens and
 * calls fail fast; after `cooldownMs` one probe is let through (half-open); its success closes
 * the breaker, its failure opens it again for another cooldown.
 */

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  threshold: number;
  cooldownMs: number;
  now?: () => number;
  onChange?: (state: BreakerState) => void;
}

export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private current: BreakerState = 'closed';
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Milliseconds until a probe may pass (0 when closed). */
  get retryInMs(): number {
    return this.current === 'open' ? Math.max(0, this.openedAt + this.options.cooldownMs - this.now()) : 0;
  }

  /** True when a call may go out now; a half-open breaker lets exactly one probe through. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.cooldownMs) {
      this.transition('half_open');
      this.probeInFlight = false;
    }
    if (this.current === 'half_open' && !this.probeInFlight) {
      this.probeInFlight = true;
      return true;
    }
    return false;
  }

  success(): void {
    this.consecutiveFailures = 0;
    this.probeInFlight = false;
    if (this.current !== 'closed') this.transition('closed');
  }

  failure(): void {
    this.consecutiveFailures++;
    this.probeInFlight = false;
    if (this.current === 'half_open' || (this.current === 'closed' && this.consecutiveFailures >= this.options.threshold)) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  /** A call that got an answer that says nothing about the host's health (e.g. a 404). */
  neutral(): void {
    if (this.current === 'half_open') this.success();
    else this.consecutiveFailures = 0;
  }

  reset(): void {
    this.consecutiveFailures = 0;
    this.probeInFlight = false;
    this.transition('closed');
  }

  private transition(next: BreakerState): void {
    if (next === this.current) return;
    this.current = next;
    this.options.onChange?.(next);
  }
}
