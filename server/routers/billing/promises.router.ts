import { router } from '../../trpc/init';
import { protectedProcedure } from '../../trpc/procedures';
import { once } from '../once';
import { createPromise } from './promises';
import { createPromiseInput, createPromiseOutput } from './types';

/** "¿Puedo pagar el viernes?": a promise of payment within the ISP's rules. */
export const promisesRouter = router({
  create: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/{serviceId}/invoices/{invoiceId}/promise',
        tags: ['payments'],
        summary: 'Agree a promise of payment',
        description:
          'Bot keys need the customer’s `X-Verification-Token`. Within the ISP’s rules: a date from today to PROMISE_MAX_DAYS ahead, one active promise at a time (409 `promise_already_active`), none within PROMISE_COOLDOWN_DAYS after a broken one (400 `promise_not_allowed`, the Spanish message says until when). A suspended service is reconnected for the promise. Upstream 403 (the ISP’s key lacks the permission) is 502 `upstream_permission_missing`.',
      },
      successStatus: 201,
      extraErrorStatuses: [409],
      idempotencyKeyHeader: true,
      access: { verification: 'write' },
    })
    .input(createPromiseInput)
    .output(createPromiseOutput)
    .mutation(({ ctx, input }) => {
      const { idempotencyKey, ...request } = input;
      return once(ctx, idempotencyKey, request, () => createPromise(ctx, request));
    }),
});
