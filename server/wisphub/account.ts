/**
 * A customer's own account: balance (`/api/clientes/{id}/saldo`, no trailing slash) and ticket history
 * (`/api/tickets/?servicio=`). Both live briefly in memory (no stale serving: a customer who
 * just paid must not be told the old balance for an hour), load once however many ask, and are
 * never stored after a failure.
 */

import type { Ticket } from '../domain/ticket';
import { type CacheResult, SwrCache } from '../upstream/swr-cache';
import { toBalance, type UpstreamBalance } from './balance-mapper';
import { fetchAllPages } from './paginate';
import { UPSTREAM_PATHS } from './paths';
import { toTicket, upstreamTicketSchema } from './ticket-mapper';
import { UpstreamNotFoundError } from './transport';
import type { UpstreamContext } from './upstream-context';

export interface AccountOptions {
  balanceTtlMs: number;
  clientTicketsTtlMs: number;
  ticketsTtlMs: number;
  timeZone: string;
}

export type TicketHistorySource = 'upstream_filter' | 'ticket_collection';

export interface TicketHistory {
  /** Newest first. */
  tickets: Ticket[];
  /** How the client's tickets were found: upstream's filter, or the whole cached collection when upstream ignored it. */
  source: TicketHistorySource;
}

/** Upstream answered the unfiltered list: the `servicio` filter is not honoured there. */
class FilterIgnoredError extends Error {}

/** After upstream ignored the filter once, use the collection for this long before trying it again. */
const FILTER_RECHECK_MS = 3_600_000;

/** Pages assumed for the ticket collection before it was ever loaded. */
const UNKNOWN_COLLECTION_PAGES = 10;
/** Enough history demands kept to compare with any collection size that is still worth loading. */
const MAX_DEMANDS_KEPT = 10_000;

function newestFirst(a: Ticket, b: Ticket): number {
  return (b.createdAt ? Date.parse(b.createdAt) : 0) - (a.createdAt ? Date.parse(a.createdAt) : 0) || b.id - a.id;
}

export class AccountGateway {
  readonly balanceCache: SwrCache<UpstreamBalance>;
  readonly clientTicketsCache: SwrCache<TicketHistory>;
  /** Every ticket by service id: the fallback when upstream ignores `servicio`. */
  readonly ticketsCache: SwrCache<Map<number, Ticket[]>>;
  /**
   * Every ticket by service id, held no longer than one client's history may be (its TTL, never
   * stale): histories come from it while that costs fewer upstream calls than one per client.
   */
  readonly recentTicketsCache: SwrCache<Map<number, Ticket[]>>;
  private filterIgnoredUntil = 0;
  /** When a history had to be read from upstream (not held fresh), over the last client-tickets TTL. */
  private readonly demands: number[] = [];
  /** Pages the whole collection took at its last load. */
  private collectionPages: number | null = null;

  constructor(
    private readonly upstream: UpstreamContext,
    private readonly options: AccountOptions,
  ) {
    const onRefreshError = upstream.onRefreshError;
    this.balanceCache = new SwrCache({ name: 'balances', freshMs: options.balanceTtlMs, staleMs: 0, max: 20_000, onRefreshError });
    this.clientTicketsCache = new SwrCache({
      name: 'client_tickets',
      freshMs: options.clientTicketsTtlMs,
      staleMs: 0,
      max: 20_000,
      onRefreshError,
    });
    this.ticketsCache = new SwrCache({ name: 'tickets', freshMs: options.ticketsTtlMs, staleMs: upstream.staleMs, max: 1, onRefreshError });
    this.recentTicketsCache = new SwrCache({
      name: 'recent_tickets',
      freshMs: options.clientTicketsTtlMs,
      staleMs: 0,
      max: 1,
      onRefreshError,
    });
  }

  /** Null when upstream does not know the client. */
  async balance(serviceId: number): Promise<CacheResult<UpstreamBalance> | null> {
    try {
      return await this.balanceCache.get(String(serviceId), async () =>
        toBalance(await this.upstream.transport.get(UPSTREAM_PATHS.balance(serviceId)), serviceId),
      );
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return null;
      throw error;
    }
  }

  /**
   * One filtered call per client, until more clients' histories are asked for within one TTL than
   * the whole collection has pages: then the collection is loaded once and serves them all, never
   * held past the same TTL. Steady bot traffic over thousands of clients costs a few pages a
   * minute instead of one call per conversation.
   */
  async ticketHistory(serviceId: number): Promise<CacheResult<TicketHistory>> {
    const key = String(serviceId);
    const now = Date.now();
    if (this.clientTicketsCache.freshVersion(key) === null) this.recordDemand(now);
    if (now >= this.filterIgnoredUntil && this.collectionIsCheaper(now)) {
      const collection = await this.recentTicketsCache.get('all', () => this.loadCollection());
      return { ...collection, value: { tickets: collection.value.get(serviceId) ?? [], source: 'ticket_collection' } };
    }
    return this.clientTicketsCache.get(key, () => this.loadHistory(serviceId));
  }

  /** After a ticket changed upstream: no history of its client (nor a collection holding it) is served again. */
  async forgetClientTickets(serviceId: number): Promise<void> {
    await this.clientTicketsCache.invalidate(String(serviceId));
    await this.recentTicketsCache.invalidate('all');
    await this.ticketsCache.invalidate('all');
  }

  private recordDemand(now: number): void {
    this.demands.push(now);
    if (this.demands.length > MAX_DEMANDS_KEPT) this.demands.splice(0, this.demands.length - MAX_DEMANDS_KEPT);
  }

  private collectionIsCheaper(now: number): boolean {
    const since = now - this.options.clientTicketsTtlMs;
    let expired = 0;
    while (expired < this.demands.length && this.demands[expired]! < since) expired++;
    if (expired > 0) this.demands.splice(0, expired);
    return this.demands.length > (this.collectionPages ?? UNKNOWN_COLLECTION_PAGES);
  }

  /** A ticket this service just created shows in the client's history at once. */
  recordCreated(ticket: Ticket): void {
    if (ticket.serviceId === null) return;
    const add = (tickets: readonly Ticket[]) => [ticket, ...tickets.filter((existing) => existing.id !== ticket.id)].sort(newestFirst);
    this.clientTicketsCache.replace(String(ticket.serviceId), (history) => ({ ...history, tickets: add(history.tickets) }));
    const addTo = (byService: Map<number, Ticket[]>) =>
      new Map(byService).set(ticket.serviceId!, add(byService.get(ticket.serviceId!) ?? []));
    this.ticketsCache.replace('all', addTo);
    this.recentTicketsCache.replace('all', addTo);
  }

  private async loadHistory(serviceId: number): Promise<TicketHistory> {
    if (Date.now() >= this.filterIgnoredUntil) {
      const belongs = (item: { servicio?: { id_servicio: number } | null }) => item.servicio?.id_servicio === serviceId;
      try {
        const load = await fetchAllPages(
          this.upstream.transport,
          UPSTREAM_PATHS.tickets,
          { servicio: serviceId },
          upstreamTicketSchema,
          this.upstream.paging,
          {
            checkFirstPage: (items) => {
              if (!items.every(belongs)) throw new FilterIgnoredError();
            },
          },
        );
        this.upstream.stats.skippedItems += load.skipped;
        // Checked item by item even when the first page looked filtered: a later page could differ.
        const tickets = load.items.filter(belongs).map((item) => toTicket(item, this.options.timeZone));
        return { tickets: tickets.sort(newestFirst), source: 'upstream_filter' };
      } catch (error) {
        if (!(error instanceof FilterIgnoredError)) throw error;
        this.filterIgnoredUntil = Date.now() + FILTER_RECHECK_MS;
        this.upstream.logger.warn(
          { endpoint: UPSTREAM_PATHS.tickets, filter: 'servicio' },
          'upstream ignored the servicio filter; using the cached ticket collection',
        );
      }
    }
    const { value: byService } = await this.ticketsCache.get('all', () => this.loadCollection());
    return { tickets: byService.get(serviceId) ?? [], source: 'ticket_collection' };
  }

  private async loadCollection(): Promise<Map<number, Ticket[]>> {
    const load = await fetchAllPages(this.upstream.transport, UPSTREAM_PATHS.tickets, {}, upstreamTicketSchema, this.upstream.paging);
    this.upstream.stats.skippedItems += load.skipped;
    this.collectionPages = load.pages;
    const byService = new Map<number, Ticket[]>();
    for (const item of load.items) {
      if (!item.servicio) continue;
      const list = byService.get(item.servicio.id_servicio) ?? [];
      list.push(toTicket(item, this.options.timeZone));
      byService.set(item.servicio.id_servicio, list);
    }
    for (const list of byService.values()) list.sort(newestFirst);
    return byService;
  }
}
