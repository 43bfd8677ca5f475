/**
 * Everything several instances must agree on, in Redis (REDIS_URL): the second cache level with
 * cross-instance single-flight, rate-limit buckets, identity lockout counters, idempotency records
 * pending ticket creates and the per-zone ticket lock. Every part falls back to this instance's memory while Redis is down.
 */

import type { Config } from '../config/settings';
import { IdentityGuard } from '../guards/identity-guard';
import type { PendingServiceTask } from '../guards/pending-store';
import type { Shelf } from '../guards/shelf';
import type { SecretStore } from '../guards/verification-secret';
import { FileAuditTrail } from '../observability/audit';
import type { Logger } from '../observability/logger';
import type { PendingTicketRecord } from '../tickets/records';
import type { WispHubGateway } from '../wisphub/gateway';
import { maskUrl, RedisLink } from './redis-link';
import { RedisMutex } from './redis-lock';
import { SharedAuditTrail } from './shared-audit';
import { type RedisCacheTier, shareCache } from './shared-cache';
import { SharedIdempotencyStore } from './shared-idempotency';
import { SharedFailureWindow, SharedRateLimiter } from './shared-limits';
import { SharedPendingStore } from './shared-pending';
import { SharedPaymentReferences } from './shared-references';
import { sharedVerificationSecret } from './shared-secret';
import { SharedShelf } from './shared-shelf';

export interface SharedStatus {
  redis: 'up' | 'down';
  url: string;
  fallbacks: number;
  errors: number;
  reconnects: number;
}

export class SharedState {
  readonly link: RedisLink;
  readonly tiers = new Map<string, RedisCacheTier<unknown>>();
  readonly rateLimiter: SharedRateLimiter;
  readonly endUserLimiter: SharedRateLimiter;
  readonly addressLimiter: SharedRateLimiter;
  /** The verification secret every instance signs with (the first instance's random one). */
  readonly verificationSecret: SecretStore;
  readonly idempotency: SharedIdempotencyStore;
  readonly pendingTickets: SharedPendingStore<PendingTicketRecord>;
  readonly pendingServiceTasks: SharedPendingStore<PendingServiceTask>;
  readonly zoneLocks: RedisMutex;
  readonly personLocks: RedisMutex;
  readonly identityGuard: IdentityGuard;
  readonly paymentReferences: SharedPaymentReferences;
  readonly audit: SharedAuditTrail;

  static async create(config: Config & { REDIS_URL: string }, gateway: WispHubGateway, logger: Logger): Promise<SharedState> {
    const link = await RedisLink.create({
      url: config.REDIS_URL,
      keyPrefix: config.REDIS_KEY_PREFIX,
      commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
      logger,
    });
    return new SharedState(config, gateway, link);
  }

  private constructor(
    private readonly config: Config & { REDIS_URL: string },
    gateway: WispHubGateway,
    link: RedisLink,
  ) {
    this.link = link;
    gateway.shareCaches((cache, codec) => {
      this.tiers.set(cache.name, shareCache(this.link, cache, codec, { lockTtlMs: config.REDIS_LOCK_TTL_MS }) as RedisCacheTier<unknown>);
    });
    this.rateLimiter = new SharedRateLimiter(this.link, config.RATE_LIMIT_PER_S, config.RATE_LIMIT_BURST);
    this.endUserLimiter = new SharedRateLimiter(
      this.link,
      config.END_USER_RATE_LIMIT_PER_S,
      config.END_USER_RATE_LIMIT_BURST,
      'rate-end-user',
    );
    this.addressLimiter = new SharedRateLimiter(
      this.link,
      config.UNAUTHENTICATED_RATE_LIMIT_PER_S,
      config.UNAUTHENTICATED_RATE_LIMIT_BURST,
      'rate-address',
    );
    this.verificationSecret = sharedVerificationSecret(this.link);
    this.idempotency = new SharedIdempotencyStore(this.link, {
      ttlMs: config.IDEMPOTENCY_TTL_S * 1000,
      leaseMs: config.REDIS_LOCK_TTL_MS,
      waitMs: config.REQUEST_TIMEOUT_MS,
    });
    this.pendingTickets = new SharedPendingStore(this.link, { ttlMs: config.IDEMPOTENCY_TTL_S * 1000, claimMs: config.REDIS_LOCK_TTL_MS });
    this.pendingServiceTasks = new SharedPendingStore(this.link, {
      ttlMs: config.IDEMPOTENCY_TTL_S * 1000,
      claimMs: config.REDIS_LOCK_TTL_MS,
    });
    this.zoneLocks = new RedisMutex(this.link, { ttlMs: config.REDIS_LOCK_TTL_MS, waitMs: config.REQUEST_TIMEOUT_MS });
    // One person's messages, one at a time across instances: a wait as long as a turn may run.
    this.personLocks = new RedisMutex(this.link, { ttlMs: config.REDIS_LOCK_TTL_MS, waitMs: config.AGENT_TURN_DEADLINE_MS + 5_000 });
    this.identityGuard = new IdentityGuard(config, (name, windowMs) => new SharedFailureWindow(this.link, name, windowMs));
    this.paymentReferences = new SharedPaymentReferences(this.link);
    this.audit = new SharedAuditTrail(this.link, new FileAuditTrail(config.AUDIT_LOG_PATH));
  }

  /** A shelf of small records in Redis (conversations, transcripts, message ids answered). */
  shelf<V>(name: string, ttlMs: number): Shelf<V> {
    return new SharedShelf<V>(this.link, name, ttlMs);
  }

  /** Waits briefly for the first connection; the service starts (degraded) either way. */
  start(): Promise<boolean> {
    return this.link.waitUntilReady(2000);
  }

  status(): SharedStatus {
    const { fallbacks, errors, reconnects } = this.link.stats;
    return { redis: this.link.available ? 'up' : 'down', url: maskUrl(this.config.REDIS_URL), fallbacks, errors, reconnects };
  }

  close(): Promise<void> {
    return this.link.close();
  }
}
