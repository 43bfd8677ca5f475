import { protectedProcedure } from '../../trpc/procedures';
import { router } from '../../trpc/init';
import { registerPaymentInput, registerPaymentOutput, reportPaymentInput, reportPaymentOutput } from './types';
import { registerPayment, reportPayment } from './handler';
import { once } from '../once';

const tags = ['payments'];

/** "Ya pagué, le envío el comprobante" (bots), and payments an operator records. */
export const paymentsRouter = router({
  report: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/{serviceId}/invoices/{invoiceId}/payment-reports',
        tags,
        summary: 'Report a payment with its receipt, for staff review',
        description:
          'Bot keys need the customer’s `X-Verification-Token`. REST takes `multipart/form-data` with the fields `method`, `reference`, `paidAt` and the file in `receipt` (JPEG, PNG or PDF, checked by content; RECEIPT_MAX_BYTES), or JSON with the receipt in base64 as tRPC does. One reference is one payment: reported again (for this invoice or another) it is 409 `payment_reference_reused`. Send an `Idempotency-Key` to make retries safe. When upstream does not confirm the report, 202 `unconfirmed`: the receipt is kept for staff, never send it again.',
        successDescription: 'Received (HTTP 201 on REST), or unconfirmed (HTTP 202 on REST).',
      },
      successStatus: 201,
      alsoSucceedsWith: { 202: 'Unconfirmed: upstream did not confirm the report; the receipt is kept and staff will check it.' },
      extraErrorStatuses: [409],
      idempotencyKeyHeader: true,
      multipartFile: 'receipt',
      access: { verification: 'write' },
    })
    .input(reportPaymentInput)
    .output(reportPaymentOutput)
    .mutation(({ ctx, input }) => {
      const { idempotencyKey, ...request } = input;
      const owner = `${request.serviceId}:${request.invoiceId}:${ctx.key.name}:${idempotencyKey ?? ctx.requestId}`;
      return once(ctx, idempotencyKey, request, () => reportPayment(ctx, request, owner));
    }),

  register: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/invoices/{invoiceId}/payments',
        tags,
        summary: 'Register a payment against one invoice (operator keys)',
        description:
          'Operator keys only. One invoice per call, for that invoice’s total (unless PAYMENTS_ALLOW_PARTIAL=true); `paidAt` reaches WispHub Net on the ISP’s wall clock (TIMEZONE). Already paid: 409 `invoice_already_paid`. Never twice: send an `Idempotency-Key`; a lost upstream answer is reconciled by reading the invoice again (paid means done), and otherwise answered 504 `upstream_outcome_unknown` with the reference held, so no retry can pay twice.',
      },
      successStatus: 201,
      extraErrorStatuses: [409],
      idempotencyKeyHeader: true,
      access: { role: 'operator' },
    })
    .input(registerPaymentInput)
    .output(registerPaymentOutput)
    .mutation(({ ctx, input }) => {
      const { idempotencyKey, ...request } = input;
      const owner = `${request.invoiceId}:${ctx.key.name}:${idempotencyKey ?? ctx.requestId}`;
      return once(ctx, idempotencyKey, request, () => registerPayment(ctx, request, owner));
    }),
});
