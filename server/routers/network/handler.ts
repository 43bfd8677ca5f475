/** Ping tasks read into a diagnosis (a known outage first); polling for `diagnose` and `watchPing`. */

import type { z } from 'zod';
import type { Client } from '../../domain/client';
import { type Outage, outageMessage, routerOutage } from '../../domain/outage';
import { diagnosePing, type PingDiagnosis, pingMessage } from '../../domain/ping-diagnosis';
import { AppError } from '../../errors';
import { directory, existingClient, type LookupContext } from '../clients/lookup';
import type { pingResultSchema } from './types';

export type PingResult = z.infer<typeof pingResultSchema>;

const PENDING_MESSAGE = 'La prueba de conexión sigue en curso. Consulte de nuevo en unos segundos.';

/** What a bot says when the ISP already knows (with whatever a ping measured, if one ran). */
export function knownOutageResult(
  taskId: string | null,
  outage: Outage,
  measured?: Pick<PingDiagnosis, 'hosts' | 'routerErrors'>,
): PingResult {
  const { hosts = [], routerErrors = [] } = measured ?? {};
  return { status: 'done', taskId, outcome: 'known_outage', hosts, routerErrors, message: outageMessage(outage.description), outage };
}

export async function startPing(ctx: LookupContext, client: Client, pings: number): Promise<string> {
  const taskId = await ctx.services.gateway.network.startPing(client.serviceId, pings);
  if (taskId === null) throw new AppError('client_not_found', { details: { serviceId: client.serviceId } });
  return taskId;
}

/**
 * The sector outage of the client a task tests, when known: the caller's `serviceId` (a 404 when
 * unknown), else the client this instance started the task for.
 */
async function taskOutage(ctx: LookupContext, taskId: string, serviceId: number | undefined): Promise<Outage | null> {
  if (serviceId !== undefined) return routerOutage((await existingClient(ctx, serviceId)).router);
  const owner = ctx.services.gateway.network.taskOwner(taskId);
  const client = owner === undefined ? undefined : (await directory(ctx)).get(owner);
  return client ? routerOutage(client.router) : null;
}

export async function readPingResult(ctx: LookupContext, taskId: string, serviceId?: number): Promise<PingResult> {
  const outage = await taskOutage(ctx, taskId, serviceId);
  const state = await ctx.services.gateway.network.pingTask(taskId);
  if (state === null) throw new AppError('ping_task_not_found', { details: { taskId } });
  if (outage?.active) {
    // Said first, with whatever the ping measured so far.
    return knownOutageResult(taskId, outage, state.status === 'done' ? diagnosePing(state.entries) : undefined);
  }
  if (state.status === 'pending') return { status: 'pending', taskId, message: PENDING_MESSAGE, outage };
  if (state.status === 'failed') {
    return {
      status: 'done',
      taskId,
      outcome: 'router_error',
      hosts: [],
      routerErrors: [state.error],
      message: pingMessage('router_error'),
      outage,
    };
  }
  return { status: 'done', taskId, ...diagnosePing(state.entries), outage };
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
export async function* pollPing(
  ctx: LookupContext,
  taskId: string,
  deadlineMs: number,
  signal?: AbortSignal,
  serviceId?: number,
): AsyncGenerator<PingResult> {
  const deadline = Date.now() + deadlineMs;
  const interval = ctx.services.config.PING_POLL_INTERVAL_MS;
  for (;;) {
    const result = await readPingResult(ctx, taskId, serviceId);
    yield result;
    if (result.status === 'done' || signal?.aborted || Date.now() + interval > deadline) return;
    await sleep(interval, signal);
  }
}
