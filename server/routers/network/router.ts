import { activeOutages } from '../../domain/outage';
import { router } from '../../trpc/init';
import { protectedProcedure } from '../../trpc/procedures';
import { directory, existingClient } from '../clients/lookup';
import { knownOutageResult, type PingResult, pollPing, readPingResult, startPing } from './handler';
import { watchPing } from './ping-watch';
import {
  diagnoseInput,
  diagnoseOutput,
  outagesOutput,
  pingResultInput,
  pingResultSchema,
  startPingInput,
  startPingOutput,
  taskIdInput,
} from './types';

const tags = ['network'];

export const networkRouter = router({
  startPing: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/{serviceId}/ping',
        tags,
        summary: 'Start a ping of the customer’s link',
        description:
          'Bot keys need the customer’s `X-Verification-Token`. Starts an upstream ping task; poll `GET /network/ping/{taskId}` every 2-3 s, or use `diagnose`.',
      },
      access: { verification: 'write' },
    })
    .input(startPingInput)
    .output(startPingOutput)
    .mutation(async ({ ctx, input }) => {
      const client = await existingClient(ctx, input.serviceId);
      return { serviceId: input.serviceId, pings: input.pings, taskId: await startPing(ctx, client, input.pings) };
    }),

  pingResult: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/network/ping/{taskId}',
        tags,
        summary: 'Read a ping task',
        description:
          '`pending`, or the diagnosis: known_outage (said first when the ISP marked an outage on the client’s sector), stable, intermittent, antenna_only, no_internet or router_error, with per-host figures.',
      },
    })
    .input(pingResultInput)
    .output(pingResultSchema)
    .query(({ ctx, input }) => readPingResult(ctx, input.taskId, input.serviceId)),

  diagnose: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/clients/{serviceId}/diagnose',
        tags,
        summary: 'Ping and wait for the diagnosis',
        description:
          'Bot keys need the customer’s `X-Verification-Token`. When the ISP marked an outage on the client’s sector, answers `known_outage` at once without pinging. Otherwise starts a ping and polls it server-side (PING_POLL_INTERVAL_MS) until done, or answers `pending` with the task id after PING_DEADLINE_MS.',
      },
      access: { verification: 'write' },
    })
    .input(diagnoseInput)
    .output(diagnoseOutput)
    .mutation(async ({ ctx, input, signal }) => {
      const client = await existingClient(ctx, input.serviceId);
      if (client.outage?.active) return { serviceId: input.serviceId, result: knownOutageResult(null, client.outage) };
      const taskId = await startPing(ctx, client, input.pings);
      let last: PingResult = { status: 'pending', taskId, message: '', outage: client.outage };
      for await (const result of pollPing(ctx, taskId, ctx.services.config.PING_DEADLINE_MS, signal, input.serviceId)) last = result;
      return { serviceId: input.serviceId, result: last };
    }),

  outages: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/network/outages',
        tags,
        summary: 'Known outages',
        description:
          'Sectors (routers) where the ISP marked an outage, with how many clients each affects, from the cached client collection.',
      },
      cacheable: true,
    })
    .output(outagesOutput)
    .query(async ({ ctx }) => {
      const items = activeOutages((await directory(ctx)).clients);
      return { total: items.length, affectedClients: items.reduce((sum, item) => sum + item.affectedClients, 0), items };
    }),

  /** tRPC only (SSE): every state of a ping task until the diagnosis. */
  watchPing: protectedProcedure.input(taskIdInput).subscription(async function* ({ ctx, input, signal }) {
    yield* watchPing(ctx, input.taskId, signal);
  }),
});
