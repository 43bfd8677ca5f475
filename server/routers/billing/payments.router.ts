import { router } from '../../trpc/init';
import { protectedProcedure } from '../../trpc/procedures';
import { once } from '../once';
import { registerPayment, reportPayment } from './payments';
import { PAYMENT_DESCRIPTIONS, registerPaymentInput, registerPaymentOutput, reportPaymentInput, reportPaymentOutput } from './types';

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
        description: PAYMENT_DESCRIPTIONS.report,
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
        description: PAYMENT_DESCRIPTIONS.register,
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
