/**
 * The end of a create, however it got there (answered at once, or settled after an unknown
 * outcome): the ticket joins the customer's history and the answer carries its zone's state.
 */

import type { Ticket } from '../domain/ticket';
import { zoneStatus } from '../domain/zone-tickets';
import type { RequestContext } from '../trpc/context';
import type { CreatedTicket, PlannedTicket } from './records';

/** The answer for a ticket upstream holds (created now, or found by reconciliation). */
export async function finishCreated(ctx: Pick<RequestContext, 'services'>, plan: PlannedTicket, ticket: Ticket): Promise<CreatedTicket> {
  const { config, gateway } = ctx.services;
  gateway.account.recordCreated(ticket.serviceId === null ? { ...ticket, serviceId: plan.form.servicio } : ticket);
  const completed: Ticket = {
    ...ticket,
    priority: ticket.priority ?? plan.computed.priority,
    startsAt: ticket.startsAt ?? plan.computed.startsAt,
    dueAt: ticket.dueAt ?? plan.computed.dueAt,
  };
  if (plan.zoneId === null) return { status: 'created', ticket: completed, zoneStatus: null };
  // The ticket exists: a zone count upstream cannot give now must not turn it into an error (a retry would post again).
  const after = await gateway.tickets.zoneCounts().catch(() => null);
  return {
    status: 'created',
    ticket: completed,
    zoneStatus: after ? zoneStatus(plan.zoneId, after.value, config.MAX_ACTIVE_TICKETS_PER_ZONE) : null,
  };
}
