import type { Config } from './config';
import { AppError } from './errors';
import { FailureWindow } from './rate-limit';

/**
 * Identity checks are an enumeration target: failed verifications are limited per service id
 * and per API key, failed resolutions per API key. A success clears the service id's count.
 */
export class IdentityGuard {
  private readonly byService: FailureWindow;
  private readonly verifyByKey: FailureWindow;
  private readonly resolveByKey: FailureWindow;

  constructor(private readonly config: Pick<Config, 'VERIFY_MAX_FAILURES' | 'VERIFY_MAX_FAILURES_PER_KEY' | 'RESOLVE_MAX_FAILURES_PER_KEY' | 'IDENTITY_WINDOW_S'>) {
    const windowMs = config.IDENTITY_WINDOW_S * 1000;
    this.byService = new FailureWindow(windowMs);
    this.verifyByKey = new FailureWindow(windowMs);
    this.resolveByKey = new FailureWindow(windowMs);
  }

  assertCanVerify(keyName: string, serviceId: number): void {
    const service = String(serviceId);
    if (this.byService.count(service) >= this.config.VERIFY_MAX_FAILURES) {
      throw new AppError('verification_locked', { retryAfterSeconds: this.byService.retryAfterSeconds(service) });
    }
    if (this.verifyByKey.count(keyName) >= this.config.VERIFY_MAX_FAILURES_PER_KEY) {
      throw new AppError('verification_locked', { retryAfterSeconds: this.verifyByKey.retryAfterSeconds(keyName) });
    }
  }

  recordVerification(keyName: string, serviceId: number, valid: boolean): void {
    if (valid) {
      this.byService.clear(String(serviceId));
      return;
    }
    this.byService.record(String(serviceId));
    this.verifyByKey.record(keyName);
  }

  assertCanResolve(keyName: string): void {
    if (this.resolveByKey.count(keyName) >= this.config.RESOLVE_MAX_FAILURES_PER_KEY) {
      throw new AppError('verification_locked', { retryAfterSeconds: this.resolveByKey.retryAfterSeconds(keyName) });
    }
  }

  recordResolution(keyName: string, resolved: boolean): void {
    if (!resolved) this.resolveByKey.record(keyName);
  }
}
