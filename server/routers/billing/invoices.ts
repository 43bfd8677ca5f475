/**
 * A customer's unpaid invoices as billing reads them (from the balance, fresh when money is about to
 * move), the payment methods and dates a payment may name, and the invoices procedure.
 */

import type { z } from 'zod';
import type { PendingInvoice } from '../../domain/account';
import { toIsoWithOffset, toLocal } from '../../domain/business-days';
import { AppError } from '../../errors';
import { readFrom } from '../../trpc/memo-sources';
import type { UpstreamBalance } from '../../wisphub/balance-mapper';
import { pendingInvoicesOf } from '../account/handler';
import { existingClient, type LookupContext } from '../clients/lookup';
import type { invoicesOutput } from './types';

const PAID_AT_FUTURE_TOLERANCE_MS = 10 * 60_000;

export function today(ctx: LookupContext): string {
  return toLocal(ctx.services.now(), ctx.services.config.TIMEZONE).date;
}

/** The client's unpaid invoices: cached for reads, `fresh` for decisions that move money. */
export async function unpaidInvoices(ctx: LookupContext, serviceId: number, fresh: boolean): Promise<PendingInvoice[]> {
  const { billing, account } = ctx.services.gateway;
  let upstream: UpstreamBalance | null;
  if (fresh) upstream = await billing.freshBalance(serviceId);
  else {
    const cached = await account.balance(serviceId);
    upstream = cached && readFrom(ctx, cached);
  }
  if (upstream === null) throw new AppError('client_not_found', { details: { serviceId } });
  return pendingInvoicesOf(upstream, today(ctx));
}

export async function unpaidInvoice(ctx: LookupContext, serviceId: number, invoiceId: string, fresh = false): Promise<PendingInvoice> {
  const invoice = (await unpaidInvoices(ctx, serviceId, fresh)).find((candidate) => candidate.id === invoiceId);
  if (!invoice) throw new AppError('invoice_not_found', { details: { serviceId, invoiceId } });
  return invoice;
}

export async function assertPaymentMethod(ctx: LookupContext, methodId: number): Promise<void> {
  const methods = readFrom(ctx, await ctx.services.gateway.catalogue.paymentMethods());
  if (!methods.some((method) => method.id === methodId)) {
    throw new AppError('invalid_input', {
      message: 'La forma de pago no existe. Consulte las formas de pago disponibles.',
      details: { fieldErrors: { method: ['unknown payment method'] }, validMethods: methods.map((method) => method.id) },
    });
  }
}

/** "YYYY-MM-DD HH:mm" on the ISP's wall clock: upstream reads `fecha_pago` as local time. */
export function paidAtLocal(ctx: LookupContext, paidAt: string): string {
  const instant = new Date(paidAt);
  if (instant.getTime() > ctx.services.now().getTime() + PAID_AT_FUTURE_TOLERANCE_MS) {
    throw new AppError('invalid_input', {
      message: 'La fecha del pago no puede ser posterior a la hora actual.',
      details: { fieldErrors: { paidAt: ['in the future'] } },
    });
  }
  const local = toLocal(instant, ctx.services.config.TIMEZONE);
  return `${local.date} ${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
}

export async function readInvoices(ctx: LookupContext, serviceId: number): Promise<z.infer<typeof invoicesOutput>> {
  await existingClient(ctx, serviceId);
  const [result, activePromise] = await Promise.all([
    ctx.services.gateway.account.balance(serviceId),
    ctx.services.gateway.billing.activePromise(serviceId),
  ]);
  if (result === null || activePromise === undefined) throw new AppError('client_not_found', { details: { serviceId } });
  const invoices = pendingInvoicesOf(readFrom(ctx, result), today(ctx));
  const { TIMEZONE } = ctx.services.config;
  return {
    serviceId,
    invoices,
    totalOwed: invoices.reduce((sum, invoice) => sum + invoice.amount, 0),
    activePromise,
    asOf: toIsoWithOffset(toLocal(new Date(result.loadedAt), TIMEZONE), TIMEZONE),
  };
}
