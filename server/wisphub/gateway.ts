/**
 * The only code that knows WispHub Net's endpoints. Reads are served from complete cached
 * collections; writes go straight through and then update the cache (read-your-writes).
 */

import type { Client, ProfilePatch } from '../domain/client';
import { ClientDirectory, ClientDirectoryBuilder } from '../domain/client-directory';
import { extractPhoneNumbers } from '../domain/phone';
import { AppError } from '../errors';
import type { Logger } from '../observability/logger';
import { type CacheResult, type Codec, jsonCodec, mapCodec, SwrCache } from '../upstream/swr-cache';
import { AccountGateway } from './account';
import { BillingGateway } from './billing';
import { CatalogueGateway } from './catalogue';
import { toClient } from './client-mapper';
import { NetworkGateway } from './network';
import { type PaginateOptions, streamAllPages } from './paginate';
import { UPSTREAM_PATHS } from './paths';
import { type UpstreamClient, upstreamClientSchema } from './schemas';
import { SharedValues } from './shared-values';
import { TicketFollowUpGateway } from './ticket-followup';
import { TicketsGateway } from './tickets';
import { failureKind, UpstreamNotFoundError, type UpstreamTransport } from './transport';
import { reasonOf, type UpstreamContext } from './upstream-context';

export interface GatewayOptions {
  transport: UpstreamTransport;
  logger: Logger;
  pageSize: number;
  concurrency: number;
  /** Pages the client collection's first load asks for at once (its size still unknown). */
  firstLoadPages: number;
  clientsTtlMs: number;
  plansTtlMs: number;
  paymentMethodsTtlMs: number;
  zoneCountsTtlMs: number;
  staleMs: number;
  activeTicketStates: readonly number[];
  timeZone: string;
  ticketReconcileWindowMs: number;
  ticketSettleMs: number;
  balanceTtlMs: number;
  clientTicketsTtlMs: number;
  ticketsTtlMs: number;
}

const ALL = 'all';

const PROFILE_FIELDS: Record<keyof ProfilePatch, string> = {
  name: 'nombre',
  lastName: 'apellidos',
  document: 'cedula',
  address: 'direccion',
  locality: 'localidad',
  city: 'ciudad',
  phone: 'telefono',
  email: 'email',
};

export class WispHubGateway {
  readonly stats = { skippedItems: 0 };
  readonly clientsCache: SwrCache<ClientDirectory>;
  readonly catalogue: CatalogueGateway;
  readonly tickets: TicketsGateway;
  readonly network: NetworkGateway;
  readonly account: AccountGateway;
  readonly billing: BillingGateway;
  readonly followUp: TicketFollowUpGateway;
  readonly transport: UpstreamTransport;
  private readonly logger: Logger;
  private readonly paging: PaginateOptions;
  /** The size a first load assumes: what one wave of pages holds (never more pages than may be in flight). */
  private readonly firstLoadGuess: number;

  constructor(options: GatewayOptions) {
    this.transport = options.transport;
    this.logger = options.logger;
    this.paging = { pageSize: options.pageSize, concurrency: options.concurrency, logger: options.logger };
    this.firstLoadGuess = options.pageSize * Math.min(options.firstLoadPages, options.concurrency);
    const onRefreshError = (name: string, key: string, error: unknown) =>
      this.logger.warn({ cache: name, key, reason: reasonOf(error) }, 'background refresh failed; serving stale');
    const upstream: UpstreamContext = {
      transport: this.transport,
      logger: this.logger,
      paging: this.paging,
      staleMs: options.staleMs,
      stats: this.stats,
      onRefreshError,
    };
    this.clientsCache = new SwrCache({ name: 'clients', freshMs: options.clientsTtlMs, staleMs: options.staleMs, max: 1, onRefreshError });
    this.catalogue = new CatalogueGateway(upstream, { plansMs: options.plansTtlMs, paymentMethodsMs: options.paymentMethodsTtlMs });
    this.tickets = new TicketsGateway(upstream, {
      zoneCountsTtlMs: options.zoneCountsTtlMs,
      activeStates: options.activeTicketStates,
      timeZone: options.timeZone,
      reconcileWindowMs: options.ticketReconcileWindowMs,
      settleMs: options.ticketSettleMs,
    });
    this.network = new NetworkGateway(upstream);
    this.account = new AccountGateway(upstream, {
      balanceTtlMs: options.balanceTtlMs,
      clientTicketsTtlMs: options.clientTicketsTtlMs,
      ticketsTtlMs: options.ticketsTtlMs,
      timeZone: options.timeZone,
    });
    this.billing = new BillingGateway(upstream, this.account);
    this.followUp = new TicketFollowUpGateway(upstream, options.timeZone);
  }

  /** Every cache, for metrics and readiness. */
  caches(): SwrCache<unknown>[] {
    return [
      this.clientsCache,
      this.catalogue.plansCache,
      this.catalogue.planDetailCache,
      this.catalogue.paymentMethodsCache,
      this.catalogue.ticketSubjectsCache,
      this.tickets.zoneCountsCache,
      this.account.balanceCache,
      this.account.clientTicketsCache,
      this.account.ticketsCache,
      this.account.recentTicketsCache,
    ] as SwrCache<unknown>[];
  }

  /**
   * Hands every cache to `share` with how its value travels to a shared tier: the client directory
   * as its clients (indexes are rebuilt on arrival), maps as entry lists, the rest as JSON.
   */
  shareCaches(share: <V>(cache: SwrCache<V>, codec: Codec<V>) => void): void {
    share(this.clientsCache, {
      encode: (directory) => JSON.stringify(directory.clients),
      decode: (text) => this.searchWhenIdle(ClientDirectory.build(JSON.parse(text) as Client[])),
    });
    share(this.catalogue.plansCache, jsonCodec());
    share(this.catalogue.planDetailCache, jsonCodec());
    share(this.catalogue.paymentMethodsCache, jsonCodec());
    share(this.catalogue.ticketSubjectsCache, jsonCodec());
    share(this.tickets.zoneCountsCache, mapCodec());
    share(this.account.balanceCache, jsonCodec());
    share(this.account.clientTicketsCache, jsonCodec());
    share(this.account.ticketsCache, mapCodec());
    share(this.account.recentTicketsCache, mapCodec());
  }

  /** True once clients and plans are held (fresh or stale): the bots' first needs. */
  get warm(): boolean {
    return this.clientsCache.peek(ALL) !== undefined && this.catalogue.plansCache.peek('all') !== undefined;
  }

  /** Every client, indexed. Loaded once per TTL whatever the number of concurrent callers. */
  clientDirectory(): Promise<CacheResult<ClientDirectory>> {
    return this.clientsCache.get(ALL, () => this.loadClients());
  }

  /**
   * One client: from the cached collection, else straight from upstream (a client created
   * since the last load), which then joins the cached collection.
   */
  async clientByServiceId(serviceId: number): Promise<Client | null> {
    const { value: directory } = await this.clientDirectory();
    const cached = directory.get(serviceId);
    if (cached) return cached;
    const fetched = await this.fetchClient(serviceId);
    if (fetched) this.clientsCache.replace(ALL, this.withClient(fetched));
    return fetched;
  }

  async updateProfile(serviceId: number, patch: ProfilePatch): Promise<Client> {
    const existing = await this.clientByServiceId(serviceId);
    if (!existing) throw new AppError('client_not_found');
    const body: Record<string, string> = {};
    for (const [field, upstreamField] of Object.entries(PROFILE_FIELDS) as [keyof ProfilePatch, string][]) {
      const value = patch[field];
      if (value !== undefined) body[upstreamField] = value;
    }
    try {
      await this.transport.send('PUT', UPSTREAM_PATHS.profile(serviceId), body);
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) throw new AppError('client_not_found');
      const kind = failureKind(error);
      if (kind === 'timeout' || kind === 'network') await this.refreshOne(serviceId);
      throw error;
    }
    // The write succeeded: read the client back so the cache holds what upstream now holds.
    let updated: Client | null = null;
    try {
      updated = await this.fetchClient(serviceId);
    } catch (error) {
      this.logger.warn({ serviceId, reason: reasonOf(error) }, 'read-back after profile update failed');
    }
    if (updated) {
      const fresh = updated;
      this.clientsCache.replace(ALL, this.withClient(fresh));
      return fresh;
    }
    // Could not read it back: drop the collection so no reader sees the old profile.
    this.clientsCache.delete(ALL);
    return applyPatchLocally(existing, patch);
  }

  /**
   * Reads one client again from upstream and puts it in the collection (here, in Redis and, through
   * it, in every instance); forgets its balance and ticket history. Null when upstream does not know it.
   */
  async refreshClient(serviceId: number): Promise<Client | null> {
    const fresh = await this.fetchClient(serviceId);
    if (fresh) {
      if (!this.clientsCache.replace(ALL, this.withClient(fresh))) await this.clientsCache.invalidate(ALL);
      await this.clientsCache.flushShared(ALL);
    }
    await this.account.balanceCache.invalidate(String(serviceId));
    await this.account.forgetClientTickets(serviceId);
    return fresh;
  }

  /** Loads what the bots need first, in the background; failures are logged, not fatal. */
  async warmUp(): Promise<void> {
    const started = performance.now();
    // The ISP's ticket subjects too, best effort: a failure there falls back to the shipped catalogue.
    void this.catalogue.ticketSubjects().catch(() => undefined);
    const [clients, plans] = await Promise.allSettled([this.clientDirectory(), this.catalogue.plans()]);
    if (clients.status === 'fulfilled' && plans.status === 'fulfilled') {
      this.logger.info(
        { clients: clients.value.value.size, plans: plans.value.value.length, ms: Math.round(performance.now() - started) },
        'warm-up: clients and plans loaded',
      );
    } else {
      const failed = [clients, plans].find((result) => result.status === 'rejected');
      this.logger.warn(
        { reason: reasonOf(failed?.status === 'rejected' ? failed.reason : null) },
        'warm-up failed; will load on first request',
      );
    }
  }

  /** The collection with one client added or replaced, its word indexes built once the caller is answered. */
  private withClient(client: Client): (directory: ClientDirectory) => ClientDirectory {
    return (directory) => this.searchWhenIdle(directory.withClient(client));
  }

  /**
   * Exact reads are answered from a new directory at once; its word indexes (most of its build)
   * are built after the answers waiting on it are written, before most searches arrive. A search
   * that comes first builds them itself.
   */
  private searchWhenIdle(directory: ClientDirectory): ClientDirectory {
    setImmediate(() => {
      try {
        directory.prepareSearch();
      } catch (error) {
        this.logger.error({ err: error }, 'building the client search index failed');
      }
    });
    return directory;
  }

  /** After a write of unknown outcome: hold what upstream now holds, if it can tell us. */
  private async refreshOne(serviceId: number): Promise<void> {
    try {
      const current = await this.fetchClient(serviceId);
      if (current) this.clientsCache.replace(ALL, this.withClient(current));
    } catch (error) {
      this.logger.warn({ serviceId, reason: reasonOf(error) }, 'could not read the client back after an uncertain update');
    }
  }

  private async fetchClient(serviceId: number): Promise<Client | null> {
    try {
      const raw = await this.transport.get(UPSTREAM_PATHS.client(serviceId));
      const parsed = upstreamClientSchema.safeParse(raw);
      if (!parsed.success) throw new AppError('upstream_bad_response', { internal: { endpoint: '/api/clientes/:id/' } });
      return toClient(parsed.data);
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return null;
      throw error;
    }
  }

  /**
   * Each page is mapped and indexed as it arrives, while the other pages are still in flight; a
   * reload asks for every page up to the last known size at once (one round trip, not two), and a
   * first load for one wave of pages (`UPSTREAM_FIRST_LOAD_PAGES`): `count` on them says what follows.
   */
  private async loadClients(): Promise<ClientDirectory> {
    const started = performance.now();
    let builder = new ClientDirectoryBuilder();
    let shared = new SharedValues();
    const consumer = {
      page: (items: UpstreamClient[]) => builder.add(items.map((item) => toClient(item, shared))),
      restart: () => {
        builder = new ClientDirectoryBuilder();
        shared = new SharedValues();
      },
    };
    const load = await streamAllPages(this.transport, UPSTREAM_PATHS.clients, {}, upstreamClientSchema, this.paging, consumer, {
      knownCount: this.clientsCache.peek(ALL)?.size,
      guessedCount: this.firstLoadGuess,
    });
    this.stats.skippedItems += load.skipped;
    const directory = this.searchWhenIdle(builder.build());
    this.logger.info(
      { resource: 'clients', items: directory.size, skipped: load.skipped, pages: load.pages, ms: Math.round(performance.now() - started) },
      'collection loaded',
    );
    return directory;
  }
}

function applyPatchLocally(client: Client, patch: ProfilePatch): Client {
  return {
    ...client,
    ...(patch.name !== undefined && patch.lastName !== undefined ? { name: `${patch.name} ${patch.lastName}` } : {}),
    ...(patch.document !== undefined ? { document: patch.document } : {}),
    ...(patch.address !== undefined ? { address: patch.address } : {}),
    ...(patch.locality !== undefined ? { locality: patch.locality } : {}),
    ...(patch.city !== undefined ? { city: patch.city } : {}),
    ...(patch.email !== undefined ? { email: patch.email } : {}),
    ...(patch.phone !== undefined ? { phoneText: patch.phone, phones: extractPhoneNumbers(patch.phone) } : {}),
  };
}
