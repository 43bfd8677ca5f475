import { router } from '../../trpc/init';
import { protectedProcedure } from '../../trpc/procedures';
import { changeServiceState, serviceTaskStatus } from './service-state';
import { serviceStateInput, serviceStateOutput, serviceTaskInput, serviceTaskOutput } from './types';

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

  taskStatus: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/service-tasks/{taskId}',
        tags,
        summary: 'Follow a reconnect or suspend answered pending',
        description:
          'Operator keys only. Reads upstream’s task again; once it ended, settles the action’s audit entry (`confirmed`, or `refused` when the task failed) and re-reads the client. 404 for a task this service did not start.',
      },
      access: { role: 'operator' },
    })
    .input(serviceTaskInput)
    .output(serviceTaskOutput)
    .query(({ ctx, input }) => serviceTaskStatus(ctx, input.taskId)),

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
