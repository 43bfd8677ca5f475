/**
 * Invoices, payment reports, payment registrations and promises of payment. Every write is
 * audited (recorded before upstream is called, settled after), sent once, and, when upstream's
 * answer is lost, reconciled by reading upstream again before anything is sent a second time.
 */

import type { z } from 'zod';
import type { PendingInvoice } from '../../domain/account';
import { toIsoWithOffset, toLocal } from '../../domain/business-days';
import { normalizeReference, promiseRefusal, promiseRefusalMessage } from '../../domain/payments';
import { spanishDate } from '../../domain/spanish-dates';
import { AppError } from '../../errors';
import type { AuditEntry, AuditRecord } from '../../observability/audit';
import type { CallerContext } from '../../trpc/context';
import { type Audited, audited } from './audited';
import { readFrom } from '../../trpc/memo-sources';
import type { UpstreamBalance } from '../../wisphub/balance-mapper';
import { pendingInvoicesOf } from '../account/handler';
import type {
  createPromiseInput,
  createPromiseOutput,
  invoicesOutput,
  registerPaymentInput,
  registerPaymentOutput,
  reportPaymentInput,
  reportPaymentOutput,
} from './types';
import { existingClient, type LookupContext } from '../clients/lookup';
import { readUpload, safeFileName } from './uploads';

/** Reports and registrations each hold their own references: staff register a reported payment under its reference. */
type ReferenceScope = 'report' | 'register';

const PAID_AT_FUTURE_TOLERANCE_MS = 10 * 60_000;
const AMOUNT_TOLERANCE = 0.5;

function today(ctx: LookupContext): string {
  return toLocal(ctx.services.now(), ctx.services.config.TIMEZONE).date;
}

/** The client's unpaid invoices: cached for reads, `fresh` for decisions that move money. */
async function unpaidInvoices(ctx: LookupContext, serviceId: number, fresh: boolean): Promise<PendingInvoice[]> {
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

async function unpaidInvoice(ctx: LookupContext, serviceId: number, invoiceId: string, fresh = false): Promise<PendingInvoice> {
  const invoice = (await unpaidInvoices(ctx, serviceId, fresh)).find((candidate) => candidate.id === invoiceId);
  if (!invoice) throw new AppError('invoice_not_found', { details: { serviceId, invoiceId } });
  return invoice;
}

async function assertPaymentMethod(ctx: LookupContext, methodId: number): Promise<void> {
  const methods = readFrom(ctx, await ctx.services.gateway.catalogue.paymentMethods());
  if (!methods.some((method) => method.id === methodId)) {
    throw new AppError('invalid_input', {
      message: 'La forma de pago no existe. Consulte las formas de pago disponibles.',
      details: { fieldErrors: { method: ['unknown payment method'] }, validMethods: methods.map((method) => method.id) },
    });
  }
}

/** "YYYY-MM-DD HH:mm" on the ISP's wall clock: upstream reads `fecha_pago` as local time. */
function paidAtLocal(ctx: LookupContext, paidAt: string): string {
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

/** Claims a payment reference for this request, or 409 when another payment holds it. */
async function claimReference(ctx: CallerContext, scope: ReferenceScope, reference: string, owner: string): Promise<string> {
  const normalized = normalizeReference(reference);
  if (normalized === '') throw new AppError('invalid_input', { details: { fieldErrors: { reference: ['empty reference'] } } });
  const holder = await ctx.services.paymentReferences.claim(scope, normalized, owner);
  if (holder !== null) throw new AppError('payment_reference_reused', { details: { reference } });
  return normalized;
}

/**
 * A payment sent upstream under its reference: the reference is claimed first (409 when another
 * payment holds it), the action audited, and the claim released when upstream refused it (the
 * reference was never used). An unknown outcome keeps the claim.
 */
async function auditedPayment<T>(
  ctx: CallerContext,
  scope: ReferenceScope,
  owner: string,
  record: Omit<AuditRecord, 'keyName' | 'role' | 'requestId'> & { reference: string },
  work: () => Promise<T>,
): Promise<Audited<T>> {
  const reference = await claimReference(ctx, scope, record.reference, owner);
  try {
    return await audited(ctx, record, work);
  } catch (error) {
    await ctx.services.paymentReferences.release(scope, reference, owner);
    throw error;
  }
}

export async function reportPayment(
  ctx: CallerContext,
  input: Omit<z.infer<typeof reportPaymentInput>, 'idempotencyKey'>,
  owner: string,
): Promise<Omit<z.infer<typeof reportPaymentOutput>, 'replayed'>> {
  const receipt = readUpload(input.receipt.contentBase64, ctx.services.config.RECEIPT_MAX_BYTES, 'receipt_invalid');
  const [invoice] = await Promise.all([unpaidInvoice(ctx, input.serviceId, input.invoiceId), assertPaymentMethod(ctx, input.method)]);
  const paidAt = paidAtLocal(ctx, input.paidAt);
  const answer = (status: 'received' | 'unconfirmed', message: string) => ({
    status,
    serviceId: input.serviceId,
    invoiceId: input.invoiceId,
    reference: input.reference,
    message,
  });
  const result = await auditedPayment(
    ctx,
    'report',
    owner,
    {
      action: 'payment.report',
      serviceId: input.serviceId,
      invoiceId: input.invoiceId,
      amount: invoice.amount,
      reference: input.reference,
    },
    () =>
      ctx.services.gateway.billing.reportPayment({
        invoiceId: input.invoiceId,
        methodId: input.method,
        paidAtLocal: paidAt,
        reference: input.reference,
        reportedBy: ctx.key.name,
        receipt: {
          bytes: receipt.bytes,
          contentType: receipt.contentType,
          fileName: safeFileName(input.receipt.fileName, `comprobante-${input.invoiceId}`, receipt.extension),
        },
      }),
  );
  if (result.outcome !== 'unknown') {
    return answer('received', 'Recibimos su comprobante de pago. Nuestro equipo lo revisará y aplicará el pago a su factura.');
  }
  // No read upstream shows a report: keep the receipt until staff confirm it, never lose it.
  await ctx.services.audit.keepReceipt(result.auditId, receipt.bytes, receipt.extension);
  ctx.report.successStatus = 202;
  return answer(
    'unconfirmed',
    'Recibimos su comprobante. El sistema de gestión no confirmó la recepción, así que un asesor lo verificará; no es necesario enviarlo de nuevo.',
  );
}

type RegistrationRequest = Omit<z.infer<typeof registerPaymentInput>, 'idempotencyKey'>;

function answerRegistered(input: RegistrationRequest, taskId: string | null, reconciled: boolean) {
  return {
    status: 'registered' as const,
    invoiceId: input.invoiceId,
    serviceId: input.serviceId,
    amount: input.amount,
    reconnectRequested: input.reconnect,
    taskId,
    reconciled,
  };
}

/** The latest registration this service sent for the invoice, confirmed or unknown, from the audit trail. */
async function earlierRegistration(ctx: LookupContext, serviceId: number, invoiceId: string): Promise<AuditEntry | null> {
  const entries = await ctx.services.audit.list({ serviceId });
  return (
    entries.find((entry) => entry.action === 'payment.register' && entry.invoiceId === invoiceId && entry.outcome !== 'refused') ?? null
  );
}

export async function registerPayment(
  ctx: CallerContext,
  input: RegistrationRequest,
  owner: string,
): Promise<Omit<z.infer<typeof registerPaymentOutput>, 'replayed'>> {
  await assertPaymentMethod(ctx, input.method);
  const earlier = await earlierRegistration(ctx, input.serviceId, input.invoiceId);
  // Fresh: an invoice paid a minute ago must not be paid again.
  const unpaid = await unpaidInvoices(ctx, input.serviceId, true);
  const invoice = unpaid.find((candidate) => candidate.id === input.invoiceId);
  if (!invoice) {
    if (earlier?.outcome === 'unknown') {
      // The earlier attempt landed after all: settle it, and answer it.
      await ctx.services.audit.settle(earlier.id, 'confirmed', 'reconciled: the invoice reads paid');
      return answerRegistered(input, null, true);
    }
    if (earlier?.outcome === 'confirmed') throw new AppError('invoice_already_paid', { details: { invoiceId: input.invoiceId } });
    throw new AppError('invoice_not_found', { details: { serviceId: input.serviceId, invoiceId: input.invoiceId } });
  }
  const settleMs = ctx.services.config.WRITE_SETTLE_MS;
  if (earlier?.outcome === 'unknown' && Date.now() - Date.parse(earlier.at) < settleMs) {
    // An earlier POST may still commit upstream: never send a second one before it had time to.
    throw new AppError('upstream_outcome_unknown', {
      retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(earlier.at) + settleMs - Date.now()) / 1000)),
      details: { invoiceId: input.invoiceId, auditId: earlier.id },
    });
  }
  const exact = Math.abs(invoice.amount - input.amount) <= AMOUNT_TOLERANCE;
  if (!exact && !(ctx.services.config.PAYMENTS_ALLOW_PARTIAL && input.amount < invoice.amount)) {
    throw new AppError('payment_amount_mismatch', {
      message: `El valor del pago debe ser igual al total de la factura (${invoice.amount}).`,
      details: { invoiceTotal: invoice.amount, amount: input.amount, partialAllowed: ctx.services.config.PAYMENTS_ALLOW_PARTIAL },
    });
  }
  const paidAt = paidAtLocal(ctx, input.paidAt);
  const answer = (taskId: string | null, reconciled: boolean) => answerRegistered(input, taskId, reconciled);
  const result = await auditedPayment(
    ctx,
    'register',
    owner,
    {
      action: 'payment.register',
      serviceId: input.serviceId,
      invoiceId: input.invoiceId,
      amount: input.amount,
      reference: input.reference,
    },
    () =>
      ctx.services.gateway.billing.registerPayment({
        invoiceId: input.invoiceId,
        methodId: input.method,
        amount: input.amount,
        paidAtLocal: paidAt,
        reference: input.reference,
        reconnect: input.reconnect,
      }),
  );
  if (result.outcome !== 'unknown') {
    await ctx.services.gateway.refreshClient(input.serviceId).catch(() => null);
    return answer(result.value.taskId, false);
  }
  // The answer was lost: the invoice itself says whether the payment landed.
  const stillUnpaid = (await unpaidInvoices(ctx, input.serviceId, true).catch(() => null))?.some(
    (candidate) => candidate.id === input.invoiceId,
  );
  if (stillUnpaid === false) {
    await ctx.services.audit.settle(result.auditId, 'confirmed', 'reconciled: the invoice reads paid');
    await ctx.services.gateway.refreshClient(input.serviceId).catch(() => null);
    return answer(null, true);
  }
  // Unpaid or unreadable: it may still commit. The reference stays held, so nothing pays it twice meanwhile.
  throw new AppError('upstream_outcome_unknown', {
    retryAfterSeconds: 60,
    details: { invoiceId: input.invoiceId, auditId: result.auditId },
    cause: result.error,
  });
}

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
