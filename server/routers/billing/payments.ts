/**
 * Payment reports (a customer's receipt) and registrations (staff): the reference claimed first, the
 * action audited, sent once; a lost answer reconciled by reading the invoice again.
 */

import type { z } from 'zod';
import { normalizeReference } from '../../domain/payments';
import { AppError } from '../../errors';
import type { AuditEntry, AuditRecord } from '../../observability/audit';
import type { CallerContext } from '../../trpc/context';
import type { LookupContext } from '../clients/lookup';
import { type Audited, audited } from './audited';
import { assertPaymentMethod, paidAtLocal, unpaidInvoice, unpaidInvoices } from './invoices';
import type { registerPaymentInput, registerPaymentOutput, reportPaymentInput, reportPaymentOutput } from './types';
import { readUpload, safeFileName } from './uploads';

/** Reports and registrations each hold their own references: staff register a reported payment under its reference. */
type ReferenceScope = 'report' | 'register';

const AMOUNT_TOLERANCE = 0.5;

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
