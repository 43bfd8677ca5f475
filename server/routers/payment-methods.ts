import { protectedProcedure, router } from '../trpc';
import { paymentMethodsOutput } from './catalog.types';

export const paymentMethodsRouter = router({
  list: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/payment-methods', tags: ['paymentMethods'], summary: 'List payment methods', description: 'Ways customers can pay (cached 15 min).' } })
    .output(paymentMethodsOutput)
    .query(async ({ ctx }) => {
      const result = await ctx.services.gateway.catalog.paymentMethods();
      ctx.report.cacheState = result.state;
      return { items: result.value };
    }),
});
