/** Ticket follow-up: comments with photos, and state changes with their reason. */

import type { z } from 'zod';
import type { TicketStatus } from '../../domain/ticket';
import { AppError } from '../../errors';
import type { CallerContext } from '../../trpc/context';
import { assertVerified } from '../../trpc/procedures';
import { readUpload, safeFileName } from '../billing/uploads';
import { customersTicket } from './access';
import type { addCommentInput, addCommentOutput, updateStateInput, updateStateOutput } from './types';

const STATE_NUMBERS: Record<(typeof updateStateInput)['_output']['state'], number> = { new: 1, in_progress: 2, resolved: 3, closed: 4 };

export async function addComment(
  ctx: CallerContext,
  input: Omit<z.infer<typeof addCommentInput>, 'idempotencyKey'>,
): Promise<Omit<z.infer<typeof addCommentOutput>, 'replayed'>> {
  const { gateway } = ctx.services;
  await customersTicket(ctx, input.ticketId);
  const attachment = input.attachment
    ? readUpload(input.attachment.contentBase64, ctx.services.config.ATTACHMENT_MAX_BYTES, 'attachment_invalid')
    : null;
  const { reconciled } = await gateway.followUp.addComment(
    input.ticketId,
    input.text,
    attachment && {
      bytes: attachment.bytes,
      contentType: attachment.contentType,
      fileName: safeFileName(input.attachment?.fileName, `adjunto-${input.ticketId}`, attachment.extension),
    },
    input.notifyClient,
  );
  return { status: 'added', ticketId: input.ticketId, reconciled };
}

/**
 * Operators change any state. A bot key may only close its customer's ticket as resolved ("ya
 * funciona"), with that customer's verification token. The same state again is a no-op.
 */
export async function updateTicketState(
  ctx: CallerContext,
  input: z.infer<typeof updateStateInput>,
): Promise<z.infer<typeof updateStateOutput>> {
  const { gateway } = ctx.services;
  const record = await gateway.tickets.ticketRecord(input.ticketId);
  if (!record) throw new AppError('ticket_not_found', { details: { ticketId: input.ticketId } });
  if (ctx.key.role !== 'operator') {
    if (input.state !== 'resolved') {
      throw new AppError('forbidden_for_key', {
        message: 'Con esta clave solo se puede cerrar como resuelto un ticket del cliente verificado; otros cambios los hace un asesor.',
        details: { requiredRole: 'operator', keyRole: ctx.key.role, allowedForBots: ['resolved'] },
      });
    }
    if (record.ticket.serviceId === null) throw new AppError('forbidden_for_key', { details: { problem: 'ticket without a client' } });
    assertVerified(ctx, ctx.key, record.ticket.serviceId);
  }
  if (record.ticket.status === (input.state as TicketStatus)) return { changed: false, ticket: record.ticket };
  try {
    await gateway.followUp.changeState(input.ticketId, STATE_NUMBERS[input.state], input.reason, record.raw);
  } catch (error) {
    // A state sent twice changes nothing: read it back before calling a lost answer unknown.
    const now = await gateway.tickets.ticketById(input.ticketId).catch(() => null);
    if (now?.status !== input.state) throw error;
  }
  const ticket = (await gateway.tickets.ticketById(input.ticketId)) ?? record.ticket;
  await gateway.tickets.forgetZoneCounts();
  if (ticket.serviceId !== null) await gateway.account.forgetClientTickets(ticket.serviceId);
  return { changed: true, ticket };
}
