/** Opening a ticket: client, subject, zone limit (serialised per zone), business-day due date. */

import { addBusinessDays, toIsoWithOffset, toLocal, toUpstreamDateTime } from '../../domain/business-days';
import { isConnectivitySubject, outageMessage } from '../../domain/outage';
import { TICKET_STATE_NUMBERS, type Ticket } from '../../domain/ticket';
import { catalogueEntries, closestSubjects, matchSubject, PRIORITY_LEVELS } from '../../domain/ticket-subjects';
import { type ZoneStatus, zoneStatus } from '../../domain/zone-tickets';
import { AppError } from '../../errors';
import { ticketCatalogue } from '../../tickets/catalogue';
import { finishCreated } from '../../tickets/created';
import type { CreatedTicket, CreateRequester, PlannedTicket } from '../../tickets/records';
import type { RequestContext } from '../../trpc/context';
import { ZONE_COUNTS_KEY } from '../../wisphub/tickets';
import { openPending, type PendingTicket } from './pending';

export interface CreateTicketRequest {
  serviceId: number;
  subject: string;
  description: string;
  technicianId?: number | undefined;
  zoneId?: number | undefined;
  /** Open a connectivity ticket even under a known outage. */
  force?: boolean | undefined;
}

/** The customer's active ticket of the same subject: answered instead of opening a second. */
export interface ExistingTicket {
  status: 'existing';
  ticket: Ticket;
  message: string;
}

/** A create either made its ticket, found the one already open, or answers a handle to poll while its outcome is settled. */
export type CreateTicketOutcome = CreatedTicket | ExistingTicket | PendingTicket;

const DEPARTMENT = 'Soporte Técnico';

export type { CreatedTicket, CreateRequester, PlannedTicket };

export async function createTicket(
  ctx: RequestContext,
  request: CreateTicketRequest,
  requester: CreateRequester,
): Promise<CreateTicketOutcome> {
  const { services } = ctx;
  const { config, gateway } = services;
  const client = await gateway.clientByServiceId(request.serviceId);
  if (!client) throw new AppError('client_not_found', { details: { serviceId: request.serviceId } });

  const { catalogue, source } = await ticketCatalogue(ctx);
  const subject = matchSubject(request.subject, catalogue);
  if (!subject) {
    const closest = closestSubjects(request.subject, catalogue);
    throw new AppError('unknown_ticket_subject', {
      message: `El asunto del ticket no está en el catálogo.${closest.length > 0 ? ` ¿Quiso decir «${closest[0]}»?` : ''} Elija uno de los asuntos disponibles.`,
      details: { closest, validSubjects: catalogueEntries(catalogue).map((entry) => entry.subject), catalogueSource: source },
    });
  }
  if (client.outage?.active && isConnectivitySubject(subject.subject) && request.force !== true) {
    // The ISP already knows: one more "no internet" ticket per affected customer swamps its queue.
    throw new AppError('known_outage', {
      message: `${outageMessage(client.outage.description)} Si el problema es otro, elija otro asunto.`,
      details: {
        outage: client.outage,
        router: client.router ? { id: client.router.id, name: client.router.name } : null,
        override: 'force: true',
      },
    });
  }
  const technicianId = request.technicianId ?? services.defaultTechnicianId ?? client.technician?.id ?? null;
  if (technicianId === null) {
    throw new AppError('invalid_input', { message: 'Indique el técnico (technicianId): no hay uno por defecto configurado.' });
  }
  // The limit counts the client's own zone: a caller-chosen zone would let a blocked zone open tickets.
  const clientZoneId = client.zone?.id ?? null;
  if (request.zoneId !== undefined && clientZoneId !== null && request.zoneId !== clientZoneId) {
    throw new AppError('invalid_input', {
      message: 'La zona indicada no es la zona del cliente. Omita zoneId para usar la zona del cliente.',
      details: { zoneId: request.zoneId, clientZoneId },
    });
  }
  const zoneId = clientZoneId ?? request.zoneId ?? null;

  const open = async (): Promise<CreateTicketOutcome> => {
    // Under the zone lock: two creates of one customer's subject cannot both miss the first.
    const existing = await activeTicketOfSubject(ctx, client.serviceId, subject.subject);
    if (existing) {
      return {
        status: 'existing',
        ticket: existing,
        message: `Ya tiene un ticket abierto por «${existing.subject}» (número ${existing.id}). Lo seguimos atendiendo; no es necesario abrir otro.`,
      };
    }
    let status: ZoneStatus | null = null;
    if (zoneId !== null) {
      // Under the zone lock, hold exactly what the last creator (maybe another instance) left in Redis.
      await gateway.tickets.zoneCountsCache.syncShared(ZONE_COUNTS_KEY);
      const counts = await gateway.tickets.zoneCounts();
      status = zoneStatus(zoneId, counts.value, config.MAX_ACTIVE_TICKETS_PER_ZONE);
      if (status.blocked) {
        throw new AppError('zone_ticket_limit_reached', {
          message: `La zona ya tiene ${status.activeTickets} tickets activos y el máximo es ${status.maxActiveTickets}. Un técnico atenderá primero los casos abiertos.`,
          details: { ...status },
        });
      }
    }
    const start = toLocal(services.now(), config.TIMEZONE);
    const due = addBusinessDays(start, config.MAX_TICKET_RESOLUTION_DAYS, services.extraHolidays);
    const plan: PlannedTicket = {
      form: {
        servicio: client.serviceId,
        asunto: subject.subject,
        asuntos_default: subject.subject,
        tecnico: technicianId,
        descripcion: request.description,
        estado: config.DEFAULT_TICKET_STATUS,
        prioridad: subject.priority,
        fecha_inicio: toUpstreamDateTime(start),
        fecha_final: toUpstreamDateTime(due),
        departamento: DEPARTMENT,
        departamentos_default: DEPARTMENT,
      },
      zoneId,
      computed: {
        priority: PRIORITY_LEVELS[subject.priority],
        startsAt: toIsoWithOffset(start, config.TIMEZONE),
        dueAt: toIsoWithOffset(due, config.TIMEZONE),
      },
    };
    const attempt = await gateway.tickets.create(plan.form);
    // An unknown outcome counts in its zone at once: it most likely committed, and the limit must hold meanwhile.
    await countInZone(ctx, zoneId);
    if (attempt.kind === 'unknown') return openPending(ctx, plan, attempt.since, requester);
    return finishCreated(ctx, plan, attempt.ticket);
  };

  // Creates in one zone run one at a time (across instances with Redis), so two requests can never pass the limit together.
  return zoneId === null ? open() : services.zoneLocks.run(`zone:${zoneId}`, open);
}

/** The customer's ticket of this subject in an active state (ACTIVE_TICKET_STATES), if any. */
async function activeTicketOfSubject(ctx: RequestContext, serviceId: number, subject: string): Promise<Ticket | null> {
  const { config, gateway, logger } = ctx.services;
  // The history is a guard, not the create: when it cannot be read, the create goes on (and the
  // zone limit still holds) rather than failing on a read the ticket itself does not need.
  const history = await gateway.account.ticketHistory(serviceId).catch((error: unknown) => {
    logger.warn(
      { serviceId, err: error instanceof Error ? error.message : String(error) },
      'ticket history unreadable: one-per-subject not checked',
    );
    return null;
  });
  if (history === null) return null;
  const wanted = subject.trim().toLocaleLowerCase('es-CO');
  return (
    history.value.tickets.find(
      (ticket) =>
        ticket.subject.trim().toLocaleLowerCase('es-CO') === wanted &&
        ticket.status !== 'unknown' &&
        config.ACTIVE_TICKET_STATES.includes(TICKET_STATE_NUMBERS[ticket.status]),
    ) ?? null
  );
}

/** A ticket this service created counts in its zone at once, on every instance, before the zone lock passes on. */
async function countInZone(ctx: RequestContext, zoneId: number | null): Promise<void> {
  const { config, gateway } = ctx.services;
  if (zoneId === null || !config.ACTIVE_TICKET_STATES.includes(config.DEFAULT_TICKET_STATUS)) return;
  gateway.tickets.recordCreated(zoneId);
  await gateway.tickets.zoneCountsCache.flushShared(ZONE_COUNTS_KEY);
}
