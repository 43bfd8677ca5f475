import { protectedProcedure, router } from '../trpc';
import { pollPing, readPingResult, startPing, type PingResult } from './network.handler';
import { diagnoseInput, diagnoseOutput, pingResultSchema, startPingInput, startPingOutput, taskIdInput } from './network.types';

const tags = ['network'];

export const networkRouter = router({
  startPing: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/{serviceId}/ping',
        tags,
        summary: 'Start a ping of the customer’s link',
        description: 'Starts an upstream ping task; poll `GET /network/ping/{taskId}` every 2-3 s, or use `diagnose`.',
      },
    })
    .input(startPingInput)
    .output(startPingOutput)
    .mutation(async ({ ctx, input }) => ({ serviceId: input.serviceId, pings: input.pings, taskId: await startPing(ctx, input.serviceId, input.pings) })),

  pingResult: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/network/ping/{taskId}',
        tags,
        summary: 'Read a ping task',
        description: '`pending`, or the diagnosis: stable, intermittent, antenna_only, no_internet or router_error, with per-host figures.',
      },
    })
    .input(taskIdInput)
    .output(pingResultSchema)
    .query(({ ctx, input }) => readPingResult(ctx, input.taskId)),

  diagnose: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/{serviceId}/diagnose',
        tags,
        summary: 'Ping and wait for the diagnosis',
        description: 'Starts a ping and polls it server-side (PING_POLL_INTERVAL_MS) until done, or answers `pending` with the task id after PING_DEADLINE_MS.',
      },
    })
    .input(diagnoseInput)
    .output(diagnoseOutput)
    .mutation(async ({ ctx, input, signal }) => {
      const taskId = await startPing(ctx, input.serviceId, input.pings);
      let last: PingResult = { status: 'pending', taskId, message: '' };
      for await (const result of pollPing(ctx, taskId, ctx.services.config.PING_DEADLINE_MS, signal)) last = result;
      return { serviceId: input.serviceId, result: last };
    }),

  /** tRPC only (SSE): every state of a ping task until the diagnosis. */
  watchPing: protectedProcedure.input(taskIdInput).subscription(async function* ({ ctx, input, signal }) {
    yield* pollPing(ctx, input.taskId, ctx.services.config.PING_DEADLINE_MS, signal);
  }),
});
