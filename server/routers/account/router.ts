import { router } from '../../trpc/init';
import { protectedProcedure } from '../../trpc/procedures';
import { readInvoices } from '../billing/invoices';
import { invoicesInput, invoicesOutput } from '../billing/types';
import { readBalance, readTicketHistory } from './handler';
import { balanceInput, balanceOutput, ticketHistoryInput, ticketHistoryOutput } from './types';

const tags = ['account'];

/** What customers ask most after "I have no internet": what they owe, and what happened with their ticket. */
export const accountRouter = router({
  balance: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients/{serviceId}/balance',
        tags,
        summary: 'Balance and pending invoices',
        description:
          'Bot keys need the customer’s `X-Verification-Token` (unless VERIFICATION_REQUIRED_FOR_READS=false). Current balance, last payment, pending invoices with days overdue, total owed and a plain status (up_to_date, overdue, seriously_overdue) with a Spanish message. Cached CACHE_TTL_BALANCE_S, never past it.',
      },
      cacheable: true,
      access: { verification: 'read' },
    })
    .input(balanceInput)
    .output(balanceOutput)
    .query(({ ctx, input }) => readBalance(ctx, input.serviceId)),

  invoices: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients/{serviceId}/invoices',
        tags,
        summary: 'Unpaid invoices and the active promise of payment',
        description:
          'Bot keys need the customer’s `X-Verification-Token` (unless VERIFICATION_REQUIRED_FOR_READS=false). Invoice ids are the ones payments and promises take.',
      },
      access: { verification: 'read' },
    })
    .input(invoicesInput)
    .output(invoicesOutput)
    .query(({ ctx, input }) => readInvoices(ctx, input.serviceId)),

  tickets: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/clients/{serviceId}/tickets',
        tags,
        summary: 'The client’s tickets, newest first',
        description:
          'Bot keys need the customer’s `X-Verification-Token`. Uses WispHub Net’s `servicio` filter and checks every ticket really is the client’s. Read from the whole ticket collection instead (see `source`) when upstream ignores the filter, or when more clients’ histories are asked for within the client-tickets TTL than the collection has pages: one load then serves them all, never held past that TTL.',
      },
      cacheable: true,
      access: { verification: 'write' },
    })
    .input(ticketHistoryInput)
    .output(ticketHistoryOutput)
    .query(({ ctx, input }) => readTicketHistory(ctx, input)),
});
