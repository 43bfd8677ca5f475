import { TTLCache } from '@isaacs/ttlcache';
import { foldText } from '../domain/text';
import { isSameSubject } from '../domain/ticket-subjects';
import { countActiveByZone } from '../domain/zone-tickets';
import type { Ticket } from '../domain/ticket';
import { AppError } from '../errors';
import { fetchAllPages } from './paginate';
import { SwrCache, type CacheResult } from './swr-cache';
import { ticketStateNumber, toTicket, upstreamTicketSchema, upstreamTicketZoneSchema } from './ticket-mapper';
import { failureKind, UpstreamNotFoundError } from './transport';
import { reasonOf, type UpstreamContext } from './upstream-context';

/** Identifies one create request, for reconciliation. */
function uncertaintyKey(form: UpstreamTicketForm): string {
  return `${form.servicio}\u0000${form.asunto}\u0000${form.descripcion}`;
}

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
  /** A ticket of the same service, subject and description created this recently is taken as ours. */
  reconcileWindowMs: number;
  /** After an unknown outcome, how long upstream may still commit the earlier POST. */
  settleMs: number;
}

/** The multipart form WispHub Net's ticket POST requires (docs/upstream.md, "Tickets"). */
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
    this.uncertain = new TTLCache({ ttl: options.reconcileWindowMs, max: 100_000 });
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
   * outcome is unknown (timeout, connection dropped after sending) is never retried blindly: the
   * request may still be running upstream and commit later. We look for the ticket (same service,
   * subject and description, created within the window) and return it when found. Absence counts
   * as proof only once upstream has had `settleMs` since the unknown outcome to finish it; only
   * then is it posted once more. Until settled, the request stays "uncertain", so a caller's
   * retry (with or without an idempotency key) reconciles first too.
   */
  async create(form: UpstreamTicketForm): Promise<Ticket> {
    const request = uncertaintyKey(form);
    if (this.uncertain.has(request)) return this.settleThenCreate(form, request);
    try {
      return await this.post(form);
    } catch (error) {
      if (!isUnknownOutcome(error)) throw error;
      this.uncertain.set(request, Date.now());
      this.upstream.logger.warn({ serviceId: form.servicio, reason: reasonOf(error) }, 'ticket POST outcome unknown; reconciling');
      return this.settleThenCreate(form, request);
    }
  }

  /** Outcome unknown since `uncertain.get(request)`: the ticket if upstream has it, else one POST once settled. */
  private async settleThenCreate(form: UpstreamTicketForm, request: string): Promise<Ticket> {
    // A failed lookup throws and leaves the request uncertain: upstream could not tell us.
    const found = await this.findRecent(form);
    if (found) return this.reconciled(request, found);
    const wait = (this.uncertain.get(request) ?? 0) + this.options.settleMs - Date.now();
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      const late = await this.findRecent(form);
      if (late) return this.reconciled(request, late);
    }
    this.uncertain.delete(request);
    try {
      return await this.post(form);
    } catch (error) {
      if (isUnknownOutcome(error)) this.uncertain.set(request, Date.now());
      throw error;
    }
  }

  private reconciled(request: string, ticket: Ticket): Ticket {
    this.uncertain.delete(request);
    this.upstream.logger.info({ serviceId: ticket.serviceId, ticketId: ticket.id }, 'reconciled: the ticket had been created');
    return ticket;
  }

  /** Requests whose POST outcome is unknown, with when it became unknown; forgotten after the reconcile window. */
  private readonly uncertain: TTLCache<string, number>;

  private async post(form: UpstreamTicketForm): Promise<Ticket> {
    const body = new FormData();
    for (const [field, value] of Object.entries(form)) body.append(field, String(value));
    const { data } = await this.upstream.transport.send('POST', '/api/tickets/', body);
    const parsed = upstreamTicketSchema.safeParse(data);
    if (!parsed.success) throw new AppError('upstream_bad_response', { internal: { endpoint: '/api/tickets/', problem: 'created ticket unreadable' } });
    return toTicket(parsed.data, this.options.timeZone);
  }

  /**
   * The newest ticket of this service, subject and description created within the window, if any.
   * Upstream stores the subject rewritten and may store line breaks as CRLF (multipart): both are
   * compared as upstream keeps them, not byte for byte.
   */
  private async findRecent(form: UpstreamTicketForm): Promise<Ticket | null> {
    const load = await fetchAllPages(this.upstream.transport, '/api/tickets/', { estado: form.estado }, upstreamTicketSchema, this.upstream.paging);
    const since = Date.now() - this.options.reconcileWindowMs;
    const candidates = load.items
      .map((item) => toTicket(item, this.options.timeZone))
      .filter((ticket) => ticket.serviceId === form.servicio && isSameSubject(ticket.subjectText, form.asunto) && sameDescription(ticket.description, form.descripcion))
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

/** Descriptions compared as text: line-break style, runs of spaces, accents and case aside. */
function sameDescription(stored: string | null, sent: string): boolean {
  return stored !== null && foldText(stored) === foldText(sent);
}
