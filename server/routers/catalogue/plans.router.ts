import { AppError } from '../../errors';
import { router } from '../../trpc/init';
import { readFrom } from '../../trpc/memo-sources';
import { protectedProcedure } from '../../trpc/procedures';
import { planByIdInput, planDetailSchema, plansOutput } from './types';

const tags = ['plans'];

export const plansRouter = router({
  list: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/plans',
        tags,
        summary: 'List internet plans',
        description: 'Every plan with its price and type (cached 15 min).',
      },
      cacheable: true,
    })
    .output(plansOutput)
    .query(async ({ ctx }) => {
      const { catalogue } = ctx.services.gateway;
      return { items: readFrom(ctx, await catalogue.plans()) };
    }),

  byId: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/plans/{planId}',
        tags,
        summary: 'Get a plan with its speeds',
        description:
          'Download/upload speeds from the plan type’s detail endpoint, parsed to kbps. PCQ plans have none: `detailUnavailableReason` says so.',
      },
    })
    .input(planByIdInput)
    .output(planDetailSchema)
    .query(async ({ ctx, input }) => {
      const { catalogue } = ctx.services.gateway;
      const plans = readFrom(ctx, await catalogue.plans());
      const plan = plans.find((candidate) => candidate.id === input.planId);
      if (!plan) throw new AppError('plan_not_found', { details: { planId: input.planId } });
      const detail = readFrom(ctx, await catalogue.planDetail(plan));
      return { ...plan, ...detail };
    }),
});
