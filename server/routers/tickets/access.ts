import type { Ticket } from '../../domain/ticket';
import { AppError } from '../../errors';
import type { CallerContext } from '../../trpc/context';
import { assertVerified } from '../../trpc/procedures';

/**
 * A ticket as this caller may reach it: staff reach every ticket; a bot key only its verified
 * customer's (a ticket without a customer is staff's alone). A ticket that does not exist is a 404
 * for everyone: its id says nothing about anyone.
 */
export async function customersTicket(ctx: CallerContext, ticketId: number): Promise<Ticket> {
  const ticket = await ctx.services.gateway.tickets.ticketById(ticketId);
  if (!ticket) throw new AppError('ticket_not_found', { details: { ticketId } });
  if (ctx.key.role === 'operator') return ticket;
  if (ticket.serviceId === null) {
    throw new AppError('forbidden_for_key', {
      details: { requiredRole: 'operator', keyRole: ctx.key.role, problem: 'ticket without a client' },
    });
  }
  assertVerified(ctx, ctx.key, ticket.serviceId);
  return ticket;
}
