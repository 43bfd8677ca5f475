import { router } from '../../trpc/init';
import { readFrom } from '../../trpc/memo-sources';
import { protectedProcedure } from '../../trpc/procedures';
import { paymentMethodsOutput } from './types';

export const paymentMethodsRouter = router({
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/payment-methods',
        tags: ['paymentMethods'],
        summary: 'List payment methods',
        description: 'Ways customers can pay (cached 15 min).',
      },
      cacheable: true,
    })
    .output(paymentMethodsOutput)
    .query(async ({ ctx }) => {
      const { catalogue } = ctx.services.gateway;
      return { items: readFrom(ctx, await catalogue.paymentMethods()) };
    }),
});
