import { countActiveByZone } from '../domain/zone-tickets';
import type { Ticket } from '../domain/ticket';
import { AppError } from '../errors';
import { fetchAllPages } from './paginate';
import { SwrCache, type CacheResult } from './swr-cache';
import { ticketStateNumber, toTicket, upstreamTicketSchema, upstreamTicketZoneSchema } from './ticket-mapper';
import { failureKind, UpstreamNotFoundError } from './transport';
import { reasonOf, type UpstreamContext } from './upstream-context';

/** Timeouts and dropped connections: the request may have reached upstream and committed. */
function isUnknownOutcome(error: unknown): boolean {
  const kind = failureKind(error);
  return kind === 'timeout' || kind === 'network';
}

/** Tickets: active counts per zone (every page), one ticket, and the create POST. */

export interface TicketsOptions {
  zoneCountsTtlMs: number;
  activeStates: readonly number[];
  timeZone: string;
  /** A ticket of the same service and subject created this recently is taken as ours. */
  reconcileWindowMs: number;
}

/** The multipart form WispHub Net's ticket POST requires (see UPSTREAM.md). */
export interface UpstreamTicketForm {
  servicio: number;
  asunto: string;
  asuntos_default: string;
  tecnico: number;
  descripcion: string;
  estado: number;
  prioridad: number;
  fecha_inicio: string;
  fecha_final: string;
  departamento: string;
  departamentos_default: string;
}

const COUNTS = 'zones';

export class TicketsGateway {
  readonly zoneCountsCache: SwrCache<Map<number, number>>;

  constructor(
    private readonly upstream: UpstreamContext,
    private readonly options: TicketsOptions,
  ) {
    this.zoneCountsCache = new SwrCache({
      name: 'zone_counts',
      freshMs: options.zoneCountsTtlMs,
      staleMs: upstream.staleMs,
      max: 1,
      onRefreshError: upstream.onRefreshError,
    });
  }

  /** Active tickets by zone id, over every page of every active state. */
  zoneCounts(): Promise<CacheResult<Map<number, number>>> {
    return this.zoneCountsCache.get(COUNTS, () => this.loadZoneCounts());
  }

  /** A ticket this service just created counts at once, without waiting for the TTL. */
  recordCreated(zoneId: number): void {
    this.zoneCountsCache.replace(COUNTS, (counts) => new Map(counts).set(zoneId, (counts.get(zoneId) ?? 0) + 1));
  }

  async ticketById(ticketId: number): Promise<Ticket | null> {
    try {
      const raw = await this.upstream.transport.get(`/api/tickets/${ticketId}/`);
      const parsed = upstreamTicketSchema.safeParse(raw);
      if (!parsed.success) throw new AppError('upstream_bad_response', { internal: { endpoint: '/api/tickets/:id/' } });
      return toTicket(parsed.data, this.options.timeZone);
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return null;
      throw error;
    }
  }

  /**
   * Creates a ticket without ever making two. Upstream POST is not idempotent, so a POST whose
   * outcome is unknown (timeout, connection dropped after sending) is never retried blindly:
   * we look for a ticket of that service with that subject created within the window and return
   * it; only when it provably does not exist do we POST once more. Until a lookup settles it,
   * the pair stays "uncertain" and the next create for it looks first.
   */
  async create(form: UpstreamTicketForm): Promise<Ticket> {
    const pair = `${form.servicio}|${form.asunto}`;
    if (this.uncertain.has(pair)) {
      const found = await this.findRecent(form);
      this.uncertain.delete(pair);
      if (found) return found;
    }
    try {
      return await this.post(form);
    } catch (error) {
      if (!isUnknownOutcome(error)) throw error;
      this.uncertain.add(pair);
      this.upstream.logger.warn({ serviceId: form.servicio, reason: reasonOf(error) }, 'ticket POST outcome unknown; reconciling');
      const found = await this.findRecent(form); // throws (pair stays uncertain) when upstream cannot tell
      if (found) {
        this.uncertain.delete(pair);
        this.upstream.logger.info({ serviceId: form.servicio, ticketId: found.id }, 'reconciled: the ticket had been created');
        return found;
      }
      this.uncertain.delete(pair);
      try {
        return await this.post(form);
      } catch (retryError) {
        if (isUnknownOutcome(retryError)) this.uncertain.add(pair);
        throw retryError;
      }
    }
  }

  private readonly uncertain = new Set<string>();

  private async post(form: UpstreamTicketForm): Promise<Ticket> {
    const body = new FormData();
    for (const [field, value] of Object.entries(form)) body.append(field, String(value));
    const { data } = await this.upstream.transport.send('POST', '/api/tickets/', body);
    const parsed = upstreamTicketSchema.safeParse(data);
    if (!parsed.success) throw new AppError('upstream_bad_response', { internal: { endpoint: '/api/tickets/', problem: 'created ticket unreadable' } });
    return toTicket(parsed.data, this.options.timeZone);
  }

  /** The newest ticket of this service with this subject created within the window, if any. */
  private async findRecent(form: UpstreamTicketForm): Promise<Ticket | null> {
    const load = await fetchAllPages(this.upstream.transport, '/api/tickets/', { estado: form.estado }, upstreamTicketSchema, this.upstream.paging);
    const since = Date.now() - this.options.reconcileWindowMs;
    const candidates = load.items
      .map((item) => toTicket(item, this.options.timeZone))
      .filter((ticket) => ticket.serviceId === form.servicio && ticket.subject === form.asunto.trim())
      .filter((ticket) => ticket.createdAt !== null && Date.parse(ticket.createdAt) >= since - 60_000)
      .sort((a, b) => b.id - a.id);
    return candidates[0] ?? null;
  }

  private async loadZoneCounts(): Promise<Map<number, number>> {
    // The `estado` filter narrows the load; each ticket is still counted by its own state, and
    // tickets seen twice (a filter silently ignored) once.
    const seen = new Map<number, { state: number | null; zoneId: number | null }>();
    for (const state of this.options.activeStates) {
      const load = await fetchAllPages(this.upstream.transport, '/api/tickets/', { estado: state }, upstreamTicketZoneSchema, this.upstream.paging);
      this.upstream.stats.skippedItems += load.skipped;
      for (const item of load.items) {
        seen.set(item.id_ticket, { state: ticketStateNumber(item.estado), zoneId: item.servicio?.zona?.id ?? null });
      }
    }
    return countActiveByZone([...seen.values()], this.options.activeStates);
  }
}
