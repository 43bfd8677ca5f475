/** A customer's balance in plain terms, and their tickets, newest first. */

import type { z } from 'zod';
import { invoiceDaysOverdue, type PendingInvoice, summarizeAccount } from '../../domain/account';
import { toIsoWithOffset, toLocal } from '../../domain/business-days';
import { AppError } from '../../errors';
import { readFrom } from '../../trpc/memo-sources';
import type { UpstreamBalance } from '../../wisphub/balance-mapper';
import { existingClient, type LookupContext } from '../clients/lookup';
import type { balanceOutput, ticketHistoryInput, ticketHistoryOutput } from './types';

/** Upstream's unpaid invoices with days overdue as of `today` (local YYYY-MM-DD), oldest due first. */
export function pendingInvoicesOf(upstream: UpstreamBalance, today: string): PendingInvoice[] {
  return upstream.invoices
    .map((invoice) => ({
      id: invoice.id,
      amount: invoice.amount,
      dueDate: invoice.dueDate,
      daysOverdue: invoiceDaysOverdue(invoice.dueDate, invoice.daysOverdue, today),
    }))
    .sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
}

export async function readBalance(ctx: LookupContext, serviceId: number): Promise<z.infer<typeof balanceOutput>> {
  const { gateway, config } = ctx.services;
  const client = await existingClient(ctx, serviceId);
  const result = await gateway.account.balance(serviceId);
  if (result === null) throw new AppError('client_not_found', { details: { serviceId } });
  const upstream = readFrom(ctx, result);
  const invoices = pendingInvoicesOf(upstream, toLocal(ctx.services.now(), config.TIMEZONE).date);
  const summary = summarizeAccount(upstream.balance, invoices, {
    overdueAfterDays: config.ACCOUNT_OVERDUE_AFTER_DAYS,
    seriouslyOverdueAfterDays: config.ACCOUNT_SERIOUSLY_OVERDUE_AFTER_DAYS,
  });
  return {
    serviceId,
    balance: upstream.balance,
    lastPaymentDate: upstream.lastPaymentDate,
    billingStatus: upstream.billingStatus ?? client.billingStatus,
    pendingInvoices: invoices,
    ...summary,
    asOf: toIsoWithOffset(toLocal(new Date(result.loadedAt), config.TIMEZONE), config.TIMEZONE),
  };
}

export async function readTicketHistory(
  ctx: LookupContext,
  input: z.infer<typeof ticketHistoryInput>,
): Promise<z.infer<typeof ticketHistoryOutput>> {
  const { gateway } = ctx.services;
  await existingClient(ctx, input.serviceId);
  const history = readFrom(ctx, await gateway.account.ticketHistory(input.serviceId));
  const matching = input.state ? history.tickets.filter((ticket) => ticket.status === input.state) : history.tickets;
  return { serviceId: input.serviceId, total: matching.length, items: matching.slice(0, input.limit), source: history.source };
}
