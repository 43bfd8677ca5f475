import { diagnosePing, pingMessage } from '../domain/ping-diagnosis';
import { AppError } from '../errors';
import type { RequestContext } from '../trpc';
import type { z } from 'zod';
import type { pingResultSchema } from './network.types';

/** Ping tasks read into a diagnosis; polling for `diagnose` and `watchPing`. */

export type PingResult = z.infer<typeof pingResultSchema>;

const PENDING_MESSAGE = 'La prueba de conexión sigue en curso. Consulte de nuevo en unos segundos.';

export async function startPing(ctx: RequestContext, serviceId: number, pings: number): Promise<string> {
  const client = await ctx.services.gateway.clientByServiceId(serviceId);
  if (!client) throw new AppError('client_not_found', { details: { serviceId } });
  const taskId = await ctx.services.gateway.network.startPing(serviceId, pings);
  if (taskId === null) throw new AppError('client_not_found', { details: { serviceId } });
  return taskId;
}

export async function readPingResult(ctx: RequestContext, taskId: string): Promise<PingResult> {
  const state = await ctx.services.gateway.network.pingTask(taskId);
  if (state === null) throw new AppError('ping_task_not_found', { details: { taskId } });
  if (state.status === 'pending') return { status: 'pending', taskId, message: PENDING_MESSAGE };
  if (state.status === 'failed') {
    return { status: 'done', taskId, outcome: 'router_error', hosts: [], routerErrors: [state.error], message: pingMessage('router_error') };
  }
  const diagnosis = diagnosePing(state.entries);
  return { status: 'done', taskId, ...diagnosis };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Polls a task until it is done or `deadlineMs` passes; yields every state read. */
export async function* pollPing(ctx: RequestContext, taskId: string, deadlineMs: number, signal?: AbortSignal): AsyncGenerator<PingResult> {
  const deadline = Date.now() + deadlineMs;
  const interval = ctx.services.config.PING_POLL_INTERVAL_MS;
  for (;;) {
    const result = await readPingResult(ctx, taskId);
    yield result;
    if (result.status === 'done' || signal?.aborted || Date.now() + interval > deadline) return;
    await sleep(interval, signal);
  }
}
