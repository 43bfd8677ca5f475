/**
 * Identity checks are an enumeration target. Failures count per conversation (a key and the end
 * user it names), so one conversation cannot lock a customer out for everyone:
 *   - one service id from one conversation: VERIFY_MAX_FAILURES;
 *   - one service id from every conversation together: VERIFY_MAX_FAILURES_PER_SERVICE (the
 *     customer's own lockout, the bound on guessing through many invented end users);
 *   - any service id from one conversation: VERIFY_MAX_FAILURES_PER_KEY; resolutions likewise.
 * A success clears the conversation's count for that service id (not the service's total).
 */

import type { Config } from '../config/settings';
import { AppError } from '../errors';
import { type FailureCounter, FailureWindow } from './rate-limit';

/** Who is trying: a key's name and the end user it sent (or none). */
export interface Conversation {
  keyName: string;
  endUser: string | null;
}

/** The counter key of a conversation: the end user is length-prefixed, so no pair spells another. */
export function conversationKey({ keyName, endUser }: Conversation): string {
  return endUser === null ? keyName : `${keyName}|${endUser.length}:${endUser}`;
}

export type LockoutScope = 'service' | 'service-conversation' | 'conversation-verify' | 'conversation-resolve';

/** One lockout in force: the service id and/or the conversation it holds. */
export interface Lockout {
  scope: LockoutScope;
  serviceId: number | null;
  keyName: string | null;
  endUser: string | null;
  failures: number;
  retryAfterSeconds: number;
}

/** Reads a counter key back into what it names (the inverse of conversationKey and the service prefix). */
export function lockoutSubject(scope: LockoutScope, key: string): Pick<Lockout, 'serviceId' | 'keyName' | 'endUser'> {
  if (scope === 'service') return { serviceId: Number(key), keyName: null, endUser: null };
  let serviceId: number | null = null;
  let rest = key;
  if (scope === 'service-conversation') {
    const bar = key.indexOf('|');
    serviceId = Number(key.slice(0, bar));
    rest = key.slice(bar + 1);
  }
  const match = /^(.*?)\|(\d+):(.*)$/s.exec(rest);
  if (match && Number(match[2]) === match[3]!.length) return { serviceId, keyName: match[1]!, endUser: match[3]! };
  return { serviceId, keyName: rest, endUser: null };
}

export class IdentityGuard {
  private readonly byServiceAndConversation: FailureCounter;
  private readonly byService: FailureCounter;
  private readonly verifyByConversation: FailureCounter;
  private readonly resolveByConversation: FailureCounter;

  /** `window(name, ms)` makes each counter: in memory by default, in Redis across instances. */
  constructor(
    private readonly config: Pick<
      Config,
      | 'VERIFY_MAX_FAILURES'
      | 'VERIFY_MAX_FAILURES_PER_SERVICE'
      | 'VERIFY_MAX_FAILURES_PER_KEY'
      | 'RESOLVE_MAX_FAILURES_PER_KEY'
      | 'IDENTITY_WINDOW_S'
    >,
    window: (name: string, windowMs: number) => FailureCounter = (_name, windowMs) => new FailureWindow(windowMs),
  ) {
    const windowMs = config.IDENTITY_WINDOW_S * 1000;
    this.byServiceAndConversation = window('verify-service-conversation', windowMs);
    this.byService = window('verify-service', windowMs);
    this.verifyByConversation = window('verify-key', windowMs);
    this.resolveByConversation = window('resolve-key', windowMs);
  }

  private async assertBelow(counter: FailureCounter, key: string, max: number): Promise<void> {
    if ((await counter.count(key)) >= max) {
      throw new AppError('verification_locked', { retryAfterSeconds: await counter.retryAfterSeconds(key) });
    }
  }

  async assertCanVerify(who: Conversation, serviceId: number): Promise<void> {
    const conversation = conversationKey(who);
    await this.assertBelow(this.byServiceAndConversation, `${serviceId}|${conversation}`, this.config.VERIFY_MAX_FAILURES);
    await this.assertBelow(this.byService, String(serviceId), this.config.VERIFY_MAX_FAILURES_PER_SERVICE);
    await this.assertBelow(this.verifyByConversation, conversation, this.config.VERIFY_MAX_FAILURES_PER_KEY);
  }

  async recordVerification(who: Conversation, serviceId: number, valid: boolean): Promise<void> {
    const conversation = conversationKey(who);
    if (valid) {
      await this.byServiceAndConversation.clear(`${serviceId}|${conversation}`);
      return;
    }
    await this.byServiceAndConversation.record(`${serviceId}|${conversation}`);
    await this.byService.record(String(serviceId));
    await this.verifyByConversation.record(conversation);
  }

  async assertCanResolve(who: Conversation): Promise<void> {
    await this.assertBelow(this.resolveByConversation, conversationKey(who), this.config.RESOLVE_MAX_FAILURES_PER_KEY);
  }

  /** The lockouts in force now, for staff (the console): which counter, whom it holds, until when. */
  async lockouts(limit = 200): Promise<Lockout[]> {
    const scopes: [LockoutScope, FailureCounter, number][] = [
      ['service', this.byService, this.config.VERIFY_MAX_FAILURES_PER_SERVICE],
      ['service-conversation', this.byServiceAndConversation, this.config.VERIFY_MAX_FAILURES],
      ['conversation-verify', this.verifyByConversation, this.config.VERIFY_MAX_FAILURES_PER_KEY],
      ['conversation-resolve', this.resolveByConversation, this.config.RESOLVE_MAX_FAILURES_PER_KEY],
    ];
    const found: Lockout[] = [];
    for (const [scope, counter, max] of scopes) {
      for (const { key, count, retryAfterSeconds } of await counter.atLeast(max, limit - found.length))
        found.push({ scope, ...lockoutSubject(scope, key), failures: count, retryAfterSeconds });
    }
    return found;
  }

  async recordResolution(who: Conversation, resolved: boolean): Promise<void> {
    if (!resolved) await this.resolveByConversation.record(conversationKey(who));
  }
}
