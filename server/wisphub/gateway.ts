import type { Client, ProfilePatch } from '../domain/client';
import { ClientDirectory } from '../domain/client-directory';
import { extractPhoneNumbers } from '../domain/phone';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { toClient } from './client-mapper';
import { fetchAllPages, type PaginateOptions } from './paginate';
import { upstreamClientSchema } from './schemas';
import { SwrCache, type CacheResult } from './swr-cache';
import { UpstreamNotFoundError, type UpstreamTransport } from './transport';

/**
 * The only code that knows WispHub Net's endpoints. Reads are served from complete cached
 * collections; writes go straight through and then update the cache (read-your-writes).
 */

export interface GatewayOptions {
  transport: UpstreamTransport;
  logger: Logger;
  pageSize: number;
  concurrency: number;
  clientsTtlMs: number;
  staleMs: number;
}

export interface GatewayStats {
  skippedItems: number;
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
  readonly stats: GatewayStats = { skippedItems: 0 };
  readonly clientsCache: SwrCache<ClientDirectory>;
  private readonly transport: UpstreamTransport;
  private readonly logger: Logger;
  private readonly paging: PaginateOptions;

  constructor(options: GatewayOptions) {
    this.transport = options.transport;
    this.logger = options.logger;
    this.paging = { pageSize: options.pageSize, concurrency: options.concurrency, logger: options.logger };
    const onRefreshError = (name: string, key: string, error: unknown) =>
      this.logger.warn({ cache: name, key, reason: error instanceof AppError ? error.reason : 'internal_error' }, 'background refresh failed; serving stale');
    this.clientsCache = new SwrCache({ name: 'clients', freshMs: options.clientsTtlMs, staleMs: options.staleMs, max: 1, onRefreshError });
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
    if (fetched) this.clientsCache.replace(ALL, (current) => current.withClient(fetched));
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
      await this.transport.send('PUT', `/api/clientes/${serviceId}/perfil/`, body);
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) throw new AppError('client_not_found');
      throw error;
    }
    // The write succeeded: read the client back so the cache holds what upstream now holds.
    let updated: Client | null = null;
    try {
      updated = await this.fetchClient(serviceId);
    } catch (error) {
      this.logger.warn({ serviceId, reason: error instanceof AppError ? error.reason : 'internal_error' }, 'read-back after profile update failed');
    }
    if (updated) {
      const fresh = updated;
      this.clientsCache.replace(ALL, (directory) => directory.withClient(fresh));
      return fresh;
    }
    // Could not read it back: drop the collection so no reader sees the old profile.
    this.clientsCache.delete(ALL);
    return applyPatchLocally(existing, patch);
  }

  /** Loads what the bots need first, in the background; failures are logged, not fatal. */
  async warmUp(): Promise<void> {
    const started = performance.now();
    try {
      const { value } = await this.clientDirectory();
      this.logger.info({ clients: value.size, ms: Math.round(performance.now() - started) }, 'warm-up: clients loaded');
    } catch (error) {
      this.logger.warn({ reason: error instanceof AppError ? error.reason : 'internal_error' }, 'warm-up failed; will load on first request');
    }
  }

  private async fetchClient(serviceId: number): Promise<Client | null> {
    try {
      const raw = await this.transport.get(`/api/clientes/${serviceId}/`);
      const parsed = upstreamClientSchema.safeParse(raw);
      if (!parsed.success) throw new AppError('upstream_bad_response', { details: { endpoint: '/api/clientes/:id/' } });
      return toClient(parsed.data);
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return null;
      throw error;
    }
  }

  private async loadClients(): Promise<ClientDirectory> {
    const started = performance.now();
    const load = await fetchAllPages(this.transport, '/api/clientes/', {}, upstreamClientSchema, this.paging);
    this.stats.skippedItems += load.skipped;
    const directory = ClientDirectory.build(load.items.map(toClient));
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
