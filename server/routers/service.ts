import { protectedProcedure } from '../trpc/procedures';
import { router } from '../trpc/init';
import { serviceStateInput, serviceStateOutput } from './billing.types';
import { changeServiceState } from './service-state.handler';

const tags = ['service'];
const description = (verb: string) =>
  `Operator keys only. ${verb} through WispHub Net’s task, polled until it finishes (or PING_DEADLINE_MS: then \`pending\`). Audited; a lost upstream answer is reconciled by reading the client’s state, never by sending the command twice.`;

/** Suspend and reconnect a service (operators). */
export const serviceRouter = router({
  reconnect: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/{serviceId}/reconnect',
        tags,
        summary: 'Reconnect a service',
        description: description('Activates the service'),
      },
      access: { role: 'operator' },
    })
    .input(serviceStateInput)
    .output(serviceStateOutput)
    .mutation(({ ctx, input }) => changeServiceState(ctx, 'reconnect', input)),

  suspend: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/{serviceId}/suspend',
        tags,
        summary: 'Suspend a service',
        description: description('Deactivates the service'),
      },
      access: { role: 'operator' },
    })
    .input(serviceStateInput)
    .output(serviceStateOutput)
    .mutation(({ ctx, input }) => changeServiceState(ctx, 'suspend', input)),
});
