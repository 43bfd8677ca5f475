import { countActiveByZone } from '../domain/zone-tickets';
import type { Ticket } from '../domain/ticket';
import { AppError } from '../errors';
import { fetchAllPages } from './paginate';
import { SwrCache, type CacheResult } from './swr-cache';
import { ticketStateNumber, toTicket, upstreamTicketSchema, upstreamTicketZoneSchema } from './ticket-mapper';
import { UpstreamNotFoundError } from './transport';
import type { UpstreamContext } from './upstream-context';

/** Tickets: active counts per zone (every page), one ticket, and the create POST. */

export interface TicketsOptions {
  zoneCountsTtlMs: number;
  activeStates: readonly number[];
  timeZone: string;
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
      if (!parsed.success) throw new AppError('upstream_bad_response', { details: { endpoint: '/api/tickets/:id/' } });
      return toTicket(parsed.data, this.options.timeZone);
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return null;
      throw error;
    }
  }

  /** One POST, never retried (upstream is not idempotent: a retry makes a second ticket). */
  async create(form: UpstreamTicketForm): Promise<Ticket> {
    const body = new FormData();
    for (const [field, value] of Object.entries(form)) body.append(field, String(value));
    const { data } = await this.upstream.transport.send('POST', '/api/tickets/', body);
    const parsed = upstreamTicketSchema.safeParse(data);
    if (!parsed.success) throw new AppError('upstream_bad_response', { details: { endpoint: '/api/tickets/', problem: 'created ticket unreadable' } });
    return toTicket(parsed.data, this.options.timeZone);
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
