import {
  addBusinessDays,
  toIsoWithOffset,
  toLocal,
  toUpstreamDateTime,
} from '../domain/business-days';
import { catalogueEntries, matchSubject, PRIORITY_LEVELS } from '../domain/ticket-subjects';
import { isConnectivitySubject, outageMessage } from '../domain/outage';
import { zoneStatus, type ZoneStatus } from '../domain/zone-tickets';
import type { Ticket } from '../domain/ticket';
import { AppError } from '../errors';
import type { RequestContext } from '../trpc';

/** Opening a ticket: client, subject, zone limit (serialised per zone), business-day due date. */

export interface CreateTicketRequest {
  serviceId: number;
  subject: string;
  description: string;
  technicianId?: number | undefined;
  zoneId?: number | undefined;
  /** Open a connectivity ticket even under a known outage. */
  force?: boolean | undefined;
}

export interface CreatedTicket {
  ticket: Ticket;
  zoneStatus: ZoneStatus | null;
}

const DEPARTMENT = 'Soporte Técnico';

export async function createTicket(ctx: RequestContext, request: CreateTicketRequest): Promise<CreatedTicket> {
  const { services } = ctx;
  const { config, gateway } = services;
  const client = await gateway.clientByServiceId(request.serviceId);
  if (!client) throw new AppError('client_not_found', { details: { serviceId: request.serviceId } });

  const subject = matchSubject(request.subject, services.subjects);
  if (!subject) {
    throw new AppError('unknown_ticket_subject', {
      message: 'El asunto del ticket no está en el catálogo. Elija uno de los asuntos disponibles.',
      details: { validSubjects: catalogueEntries(services.subjects).map((entry) => entry.subject) },
    });
  }
  if (client.outage?.active && isConnectivitySubject(subject.subject) && request.force !== true) {
    // The ISP already knows: one more "no internet" ticket per affected customer swamps its queue.
    throw new AppError('known_outage', {
      message: `${outageMessage(client.outage.description)} Si el problema es otro, elija otro asunto.`,
      details: { outage: client.outage, router: client.router ? { id: client.router.id, name: client.router.name } : null, override: 'force: true' },
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

  const open = async (): Promise<CreatedTicket> => {
    let status: ZoneStatus | null = null;
    if (zoneId !== null) {
      // Under the zone lock, hold exactly what the last creator (maybe another instance) left in Redis.
      await gateway.tickets.zoneCountsCache.syncShared('zones');
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
    const ticket = await gateway.tickets.create({
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
    });
    gateway.account.recordCreated(ticket.serviceId === null ? { ...ticket, serviceId: client.serviceId } : ticket);
    if (zoneId === null) return { ticket, zoneStatus: null };
    if (config.ACTIVE_TICKET_STATES.includes(config.DEFAULT_TICKET_STATUS)) {
      gateway.tickets.recordCreated(zoneId);
      // The next creator in this zone, on any instance, must see this ticket before the lock passes on.
      await gateway.tickets.zoneCountsCache.flushShared('zones');
    }
    const after = await gateway.tickets.zoneCounts();
    // Upstream may omit the dates we sent; the ones we computed are the contract.
    return {
      ticket: {
        ...ticket,
        priority: ticket.priority ?? PRIORITY_LEVELS[subject.priority],
        startsAt: ticket.startsAt ?? toIsoWithOffset(start, config.TIMEZONE),
        dueAt: ticket.dueAt ?? toIsoWithOffset(due, config.TIMEZONE),
      },
      zoneStatus: zoneStatus(zoneId, after.value, config.MAX_ACTIVE_TICKETS_PER_ZONE),
    };
  };

  // Creates in one zone run one at a time (across instances with Redis), so two requests can never pass the limit together.
  return zoneId === null ? open() : services.zoneLocks.run(`zone:${zoneId}`, open);
}
