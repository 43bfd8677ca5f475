import { TTLCache } from '@isaacs/ttlcache';
import { foldText } from '../domain/text';
import type { Ticket } from '../domain/ticket';
import { isSameSubject } from '../domain/ticket-subjects';
import { countActiveByZone } from '../domain/zone-tickets';
import { AppError } from '../errors';
import { type CacheResult, SwrCache } from '../upstream/swr-cache';
import { fetchAllPages } from './paginate';
import { UPSTREAM_PATHS } from './paths';
import { ticketStateNumber, toTicket, upstreamTicketSchema, upstreamTicketZoneSchema } from './ticket-mapper';
import { isUnknownOutcome, UpstreamNotFoundError } from './transport';
import { reasonOf, type UpstreamContext } from './upstream-context';

/** Identifies one create request, for reconciliation. */
function uncertaintyKey(form: UpstreamTicketForm): string {
  return `${form.servicio}\u0000${form.asunto}\u0000${form.descripcion}`;
}

/** Tickets: active counts per zone (every page), one ticket, and the create POST. */

/** A create either made (or found) its ticket, or its outcome is unknown since `since` (epoch ms). */
export type CreateAttempt = { kind: 'created'; ticket: Ticket } | { kind: 'unknown'; since: number };

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

/** The one key of the zone-counts cache (one map of every zone). */
export const ZONE_COUNTS_KEY = 'zones';

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
    return this.zoneCountsCache.get(ZONE_COUNTS_KEY, () => this.loadZoneCounts());
  }

  /** A ticket this service just created counts at once, without waiting for the TTL. */
  recordCreated(zoneId: number): void {
    this.zoneCountsCache.replace(ZONE_COUNTS_KEY, (counts) => new Map(counts).set(zoneId, (counts.get(zoneId) ?? 0) + 1));
  }

  async ticketById(ticketId: number): Promise<Ticket | null> {
    return (await this.ticketRecord(ticketId))?.ticket ?? null;
  }

  /** One ticket, read now, with the record as upstream holds it (a whole-ticket PUT sends it back). */
  async ticketRecord(ticketId: number): Promise<{ ticket: Ticket; raw: Record<string, unknown> } | null> {
    try {
      const raw = await this.upstream.transport.get(UPSTREAM_PATHS.ticket(ticketId));
      const parsed = upstreamTicketSchema.safeParse(raw);
      if (!parsed.success) throw new AppError('upstream_bad_response', { internal: { endpoint: '/api/tickets/:id/' } });
      return { ticket: toTicket(parsed.data, this.options.timeZone), raw: raw as Record<string, unknown> };
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return null;
      throw error;
    }
  }

  /** A ticket's state changed: zone counts load again on their next read. */
  forgetZoneCounts(): Promise<void> {
    return this.zoneCountsCache.invalidate(ZONE_COUNTS_KEY);
  }

  /**
   * One create attempt, never making two tickets. Upstream POST is not idempotent, so a POST whose
   * outcome is unknown (timeout, connection dropped after sending) is never retried blindly: the
   * request may still be running upstream and commit later. We look once for the ticket (same
   * service, subject before " - " and description, created within the window) and return it when
   * found; otherwise the outcome stays unknown and `settle` finishes the job in the background.
   * While a request is unknown, a caller's retry (with or without an idempotency key) looks
   * instead of posting.
   */
  async create(form: UpstreamTicketForm): Promise<CreateAttempt> {
    const request = uncertaintyKey(form);
    const unknownSince = this.uncertain.get(request);
    if (unknownSince !== undefined) {
      const found = await this.findRecentOrNull(form);
      return found ? { kind: 'created', ticket: this.reconciled(request, found) } : { kind: 'unknown', since: unknownSince };
    }
    try {
      return { kind: 'created', ticket: await this.post(form) };
    } catch (error) {
      if (!isUnknownOutcome(error)) throw error;
      const since = Date.now();
      this.uncertain.set(request, since);
      this.upstream.logger.warn({ serviceId: form.servicio, reason: reasonOf(error) }, 'ticket POST outcome unknown; reconciling');
      const found = await this.findRecentOrNull(form);
      return found ? { kind: 'created', ticket: this.reconciled(request, found) } : { kind: 'unknown', since };
    }
  }

  /**
   * Finishes a create whose outcome became unknown at `since`: the ticket once upstream shows it;
   * else, once upstream has had `settleMs` to finish the earlier POST and the ticket is still
   * absent, one more POST (at most one: a second unknown outcome that settles absent is a failure,
   * and nothing exists). A lookup upstream cannot answer is retried until the reconcile window
   * ends. One settlement per request in this process; callers of the same request share it.
   */
  settle(form: UpstreamTicketForm, since: number): Promise<Ticket> {
    const request = uncertaintyKey(form);
    const running = this.settling.get(request);
    if (running) return running;
    if (!this.uncertain.has(request)) this.uncertain.set(request, since);
    const settlement = this.settleLoop(form, request, since).finally(() => this.settling.delete(request));
    this.settling.set(request, settlement);
    return settlement;
  }

  /** Stops every settlement at its next step (service shutdown); another instance may take them over. */
  stop(): void {
    this.halted = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const wake of this.sleepers) wake();
  }

  private async settleLoop(form: UpstreamTicketForm, request: string, firstSince: number): Promise<Ticket> {
    const deadline = firstSince + this.options.reconcileWindowMs;
    const pollMs = Math.min(15_000, Math.max(100, Math.floor(this.options.settleMs / 8)));
    let since = firstSince;
    let reposted = false;
    for (;;) {
      if (this.halted)
        throw new AppError('upstream_unavailable', { internal: { problem: 'service stopping: ticket create left to reconcile' } });
      let found: Ticket | null;
      try {
        found = await this.findRecent(form);
      } catch (error) {
        if (Date.now() >= deadline) {
          this.uncertain.delete(request);
          throw new AppError('upstream_unavailable', {
            internal: { problem: 'ticket create could not be confirmed within the reconcile window', cause: reasonOf(error) },
          });
        }
        await this.sleep(pollMs);
        continue;
      }
      if (found) return this.reconciled(request, found);
      const wait = since + this.options.settleMs - Date.now();
      if (wait > 0) {
        await this.sleep(Math.min(wait, pollMs));
        continue;
      }
      // Settled and absent: the unknown POST made nothing.
      this.uncertain.delete(request);
      if (reposted) {
        throw new AppError('upstream_unavailable', {
          internal: { problem: 'ticket create failed twice with an unknown outcome; upstream holds no ticket' },
        });
      }
      reposted = true;
      try {
        return await this.post(form);
      } catch (error) {
        if (!isUnknownOutcome(error)) throw error;
        since = Date.now();
        this.uncertain.set(request, since);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.timers.add(timer);
      this.sleepers.add(wake);
    });
  }

  private reconciled(request: string, ticket: Ticket): Ticket {
    this.uncertain.delete(request);
    this.upstream.logger.info({ serviceId: ticket.serviceId, ticketId: ticket.id }, 'reconciled: the ticket had been created');
    return ticket;
  }

  /** Requests whose POST outcome is unknown, with when it became unknown; forgotten after the reconcile window. */
  private readonly uncertain: TTLCache<string, number>;
  private readonly settling = new Map<string, Promise<Ticket>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<() => void>();
  private halted = false;

  /** True once `stop` was called: settlements end without an outcome. */
  get stopped(): boolean {
    return this.halted;
  }

  /** The first lookup after an unknown outcome: one that fails leaves the outcome unknown. */
  private async findRecentOrNull(form: UpstreamTicketForm): Promise<Ticket | null> {
    try {
      return await this.findRecent(form);
    } catch {
      return null;
    }
  }

  private async post(form: UpstreamTicketForm): Promise<Ticket> {
    const body = new FormData();
    for (const [field, value] of Object.entries(form)) body.append(field, String(value));
    const { data } = await this.upstream.transport.send('POST', UPSTREAM_PATHS.tickets, body);
    const parsed = upstreamTicketSchema.safeParse(data);
    if (!parsed.success)
      throw new AppError('upstream_bad_response', { internal: { endpoint: '/api/tickets/', problem: 'created ticket unreadable' } });
    return toTicket(parsed.data, this.options.timeZone);
  }

  /**
   * The newest ticket of this service, subject and description created within the window, if any.
   * Upstream stores the subject rewritten and may store line breaks as CRLF (multipart): both are
   * compared as upstream keeps them, not byte for byte.
   */
  private async findRecent(form: UpstreamTicketForm): Promise<Ticket | null> {
    const load = await fetchAllPages(
      this.upstream.transport,
      UPSTREAM_PATHS.tickets,
      { estado: form.estado },
      upstreamTicketSchema,
      this.upstream.paging,
    );
    const since = Date.now() - this.options.reconcileWindowMs;
    const candidates = load.items
      .map((item) => toTicket(item, this.options.timeZone))
      .filter(
        (ticket) =>
          ticket.serviceId === form.servicio &&
          isSameSubject(ticket.subjectText, form.asunto) &&
          sameDescription(ticket.description, form.descripcion),
      )
      .filter((ticket) => ticket.createdAt !== null && Date.parse(ticket.createdAt) >= since - 60_000)
      .sort((a, b) => b.id - a.id);
    return candidates[0] ?? null;
  }

  private async loadZoneCounts(): Promise<Map<number, number>> {
    // The `estado` filter narrows the load; each ticket is still counted by its own state, and
    // tickets seen twice (a filter silently ignored) once.
    const seen = new Map<number, { state: number | null; zoneId: number | null }>();
    for (const state of this.options.activeStates) {
      const load = await fetchAllPages(
        this.upstream.transport,
        UPSTREAM_PATHS.tickets,
        { estado: state },
        upstreamTicketZoneSchema,
        this.upstream.paging,
      );
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
