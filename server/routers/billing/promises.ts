/**
 * Promises of payment: the refusal rules (domain/payments.ts) over the customer's audited history,
 * a reconnection only where the ISP allows it, audited as a service-state change.
 */

import type { z } from 'zod';
import { promiseRefusal, promiseRefusalMessage } from '../../domain/payments';
import { spanishDate } from '../../domain/spanish-dates';
import { AppError } from '../../errors';
import type { CallerContext } from '../../trpc/context';
import { existingClient } from '../clients/lookup';
import { audited } from './audited';
import { today, unpaidInvoices } from './invoices';
import type { createPromiseInput, createPromiseOutput } from './types';

export async function createPromise(
  ctx: CallerContext,
  input: Omit<z.infer<typeof createPromiseInput>, 'idempotencyKey'>,
): Promise<Omit<z.infer<typeof createPromiseOutput>, 'replayed'>> {
  const client = await existingClient(ctx, input.serviceId);
  const { billing } = ctx.services.gateway;
  const [invoices, active, history] = await Promise.all([
    unpaidInvoices(ctx, input.serviceId, true),
    billing.activePromise(input.serviceId),
    ctx.services.audit.list({ serviceId: input.serviceId }),
  ]);
  if (active === undefined) throw new AppError('client_not_found', { details: { serviceId: input.serviceId } });
  if (!invoices.some((invoice) => invoice.id === input.invoiceId)) {
    throw new AppError('invoice_not_found', { details: { serviceId: input.serviceId, invoiceId: input.invoiceId } });
  }
  const unpaid = new Set(invoices.map((invoice) => invoice.id));
  const previous = history
    .filter((entry) => entry.action === 'promise.create' && entry.outcome === 'confirmed' && entry.until && entry.invoiceId)
    .map((entry) => ({ invoiceId: entry.invoiceId!, until: entry.until!, invoiceStillUnpaid: unpaid.has(entry.invoiceId!) }));
  const { PROMISE_MAX_DAYS, PROMISE_COOLDOWN_DAYS } = ctx.services.config;
  const refusal = promiseRefusal({
    today: today(ctx),
    until: input.until,
    rules: { maxDays: PROMISE_MAX_DAYS, cooldownDays: PROMISE_COOLDOWN_DAYS },
    active,
    previous,
  });
  if (refusal) {
    const reason = refusal.reason === 'already_active' ? 'promise_already_active' : 'promise_not_allowed';
    throw new AppError(reason, { message: promiseRefusalMessage(refusal), details: { ...refusal } });
  }
  // Reconnecting a suspended service is a service-state change: only where the ISP allows it, audited as one.
  const reconnect = client.status === 'suspended' && ctx.services.config.PROMISE_RECONNECTS_SUSPENDED;
  const reconnectAudit = reconnect
    ? await ctx.services.audit.record({
        action: 'service.reconnect',
        serviceId: input.serviceId,
        invoiceId: input.invoiceId,
        amount: null,
        reference: `promesa de pago hasta ${input.until}`,
        keyName: ctx.key.name,
        role: ctx.key.role,
        requestId: ctx.requestId,
      })
    : null;
  const settleReconnect = async (outcome: 'confirmed' | 'refused', detail: string) => {
    if (reconnectAudit) await ctx.services.audit.settle(reconnectAudit, outcome, detail).catch(() => undefined);
  };
  const answer = (reconciled: boolean) => ({
    status: 'agreed' as const,
    serviceId: input.serviceId,
    invoiceId: input.invoiceId,
    until: input.until,
    reconnectRequested: reconnect,
    message: `Quedó registrada su promesa de pago hasta el ${spanishDate(input.until)}.${reconnect ? ' Su servicio se reactivará mientras tanto.' : ''}`,
    reconciled,
  });
  const result = await audited(
    ctx,
    {
      action: 'promise.create',
      serviceId: input.serviceId,
      invoiceId: input.invoiceId,
      amount: null,
      reference: null,
      until: input.until,
    },
    () => billing.createPromise({ invoiceId: input.invoiceId, until: input.until, comment: input.comment, reconnect }),
  ).catch(async (error: unknown) => {
    await settleReconnect('refused', 'the promise was refused');
    throw error;
  });
  if (result.outcome !== 'unknown') {
    await settleReconnect('confirmed', 'requested with the promise of payment');
    return answer(false);
  }
  const recorded = await billing.activePromise(input.serviceId).catch(() => null);
  if (recorded && (recorded.invoiceId === null || recorded.invoiceId === input.invoiceId)) {
    await ctx.services.audit.settle(result.auditId, 'confirmed', 'reconciled: upstream shows the promise');
    await settleReconnect('confirmed', 'reconciled: requested with the promise of payment');
    return answer(true);
  }
  throw new AppError('upstream_outcome_unknown', {
    retryAfterSeconds: 60,
    details: { invoiceId: input.invoiceId, auditId: result.auditId },
    cause: result.error,
  });
}
