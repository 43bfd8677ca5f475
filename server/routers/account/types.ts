/** zod schemas of the account procedures: balance and ticket history of one customer. */

import { z } from 'zod';
import { ACCOUNT_STATUSES } from '../../domain/account';
import { serviceIdSchema } from '../clients/types';
import { ticketSchema } from '../tickets/types';

export const invoiceSchema = z.object({
  id: z.string().meta({ description: 'Upstream invoice id: payments are made against it.' }),
  amount: z.number().meta({ description: 'Pesos.' }),
  dueDate: z.iso.date().nullable().meta({ description: 'YYYY-MM-DD.' }),
  daysOverdue: z.number().int().min(0).meta({ description: 'Days past the due date on the business calendar; 0 when not yet due.' }),
});

export const balanceInput = z.object({ serviceId: serviceIdSchema });

export const balanceOutput = z
  .object({
    serviceId: z.number().int(),
    balance: z
      .number()
      .nullable()
      .meta({ description: 'Current balance in pesos (upstream `saldo`, or `saldo_actual` in the older shape); negative is a credit.' }),
    lastPaymentDate: z.iso.date().nullable(),
    billingStatus: z.string().nullable().meta({ description: 'Upstream billing state text, e.g. "Al día".' }),
    pendingInvoices: z.array(invoiceSchema).meta({ description: 'Oldest due first.' }),
    totalOwed: z.number().meta({ description: 'Sum of pending invoices; with none, a positive balance.' }),
    credit: z
      .number()
      .min(0)
      .meta({ description: 'Pesos in the customer’s favour (a negative upstream `saldo` with nothing invoiced); 0 otherwise.' }),
    maxDaysOverdue: z.number().int().min(0),
    status: z.enum(ACCOUNT_STATUSES).meta({
      description:
        'up_to_date; overdue from ACCOUNT_OVERDUE_AFTER_DAYS past due; seriously_overdue from ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS.',
    }),
    message: z.string().meta({ description: 'Spanish text a bot can show.' }),
    asOf: z.iso.datetime({ offset: true }).meta({ description: 'When WispHub Net was read (answers are cached for CACHE_TTL_BALANCE_S).' }),
  })
  .meta({
    id: 'AccountBalance',
    example: {
      serviceId: 1234,
      balance: 90000,
      lastPaymentDate: '2026-10-05',
      billingStatus: 'Vencida',
      pendingInvoices: [
        { id: '123401', amount: 45000, dueDate: '2026-10-06', daysOverdue: 48 },
        { id: '123402', amount: 45000, dueDate: '2026-11-05', daysOverdue: 18 },
      ],
      totalOwed: 90000,
      credit: 0,
      maxDaysOverdue: 48,
      status: 'seriously_overdue',
      message: 'Tiene un saldo vencido de $90.000 (48 días de mora). Su servicio puede ser suspendido: realice el pago lo antes posible.',
      asOf: '2026-11-23T09:00:00-05:00',
    },
  });

export const TICKET_HISTORY_STATES = ['new', 'in_progress', 'resolved', 'closed'] as const;

export const ticketHistoryInput = z.object({
  serviceId: serviceIdSchema,
  state: z.enum(TICKET_HISTORY_STATES).optional().meta({ description: 'Only tickets in this state.' }),
  limit: z.number().int().min(1).max(50).default(10),
});

export const ticketHistoryOutput = z.object({
  serviceId: z.number().int(),
  total: z.number().int().meta({ description: 'Tickets of the client (in `state`, when given).' }),
  items: z.array(ticketSchema).meta({ description: 'Newest first, at most `limit`.' }),
  source: z.enum(['upstream_filter', 'ticket_collection']).meta({
    description:
      'upstream_filter: WispHub Net filtered by service; ticket_collection: the whole collection, filtered here (upstream ignored the filter, or many clients’ histories were asked for at once; never older than the client-tickets TTL).',
  }),
});
