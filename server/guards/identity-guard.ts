import type { Config } from '../config/settings';
import { AppError } from '../errors';
import { FailureWindow, type FailureCounter } from './rate-limit';

/**
 * Identity checks are an enumeration target: failed verifications are limited per service id
 * and per API key, failed resolutions per API key. A success clears the service id's count.
 */
export class IdentityGuard {
  private readonly byService: FailureCounter;
  private readonly verifyByKey: FailureCounter;
  private readonly resolveByKey: FailureCounter;

  /** `window(name, ms)` makes each counter: in memory by default, in Redis across instances. */
  constructor(
    private readonly config: Pick<
      Config,
      'VERIFY_MAX_FAILURES' | 'VERIFY_MAX_FAILURES_PER_KEY' | 'RESOLVE_MAX_FAILURES_PER_KEY' | 'IDENTITY_WINDOW_S'
    >,
    window: (name: string, windowMs: number) => FailureCounter = (_name, windowMs) => new FailureWindow(windowMs),
  ) {
    const windowMs = config.IDENTITY_WINDOW_S * 1000;
    this.byService = window('verify-service', windowMs);
    this.verifyByKey = window('verify-key', windowMs);
    this.resolveByKey = window('resolve-key', windowMs);
  }

  async assertCanVerify(keyName: string, serviceId: number): Promise<void> {
    const service = String(serviceId);
    if ((await this.byService.count(service)) >= this.config.VERIFY_MAX_FAILURES) {
      throw new AppError('verification_locked', { retryAfterSeconds: await this.byService.retryAfterSeconds(service) });
    }
    if ((await this.verifyByKey.count(keyName)) >= this.config.VERIFY_MAX_FAILURES_PER_KEY) {
      throw new AppError('verification_locked', { retryAfterSeconds: await this.verifyByKey.retryAfterSeconds(keyName) });
    }
  }

  async recordVerification(keyName: string, serviceId: number, valid: boolean): Promise<void> {
    if (valid) {
      await this.byService.clear(String(serviceId));
      return;
    }
    await this.byService.record(String(serviceId));
    await this.verifyByKey.record(keyName);
  }

  async assertCanResolve(keyName: string): Promise<void> {
    if ((await this.resolveByKey.count(keyName)) >= this.config.RESOLVE_MAX_FAILURES_PER_KEY) {
      throw new AppError('verification_locked', { retryAfterSeconds: await this.resolveByKey.retryAfterSeconds(keyName) });
    }
  }

  async recordResolution(keyName: string, resolved: boolean): Promise<void> {
    if (!resolved) await this.resolveByKey.record(keyName);
  }
}
