import { AppError } from '../errors';
import { protectedProcedure, router } from '../trpc';
import { planByIdInput, planDetailSchema, plansOutput } from './catalog.types';

const tags = ['plans'];

export const plansRouter = router({
  list: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/plans', tags, summary: 'List internet plans', description: 'Every plan with its price and type (cached 15 min).' } })
    .output(plansOutput)
    .query(async ({ ctx }) => {
      const result = await ctx.services.gateway.catalog.plans();
      ctx.report.cacheState = result.state;
      return { items: result.value };
    }),

  byId: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/plans/{planId}',
        tags,
        summary: 'Get a plan with its speeds',
        description: 'Download/upload speeds from the plan type’s detail endpoint, parsed to kbps. PCQ plans have none: `detailUnavailableReason` says so.',
      },
    })
    .input(planByIdInput)
    .output(planDetailSchema)
    .query(async ({ ctx, input }) => {
      const found = await ctx.services.gateway.catalog.planById(input.planId);
      if (!found) throw new AppError('plan_not_found', { details: { planId: input.planId } });
      ctx.report.cacheState = found.state;
      return found.plan;
    }),
});
