/**
 * Reconnect and suspend a service through upstream's activate/deactivate tasks, polled like a
 * ping until done or the deadline. Audited; a lost answer is reconciled by reading the client's
 * state again, never by sending the command twice.
 */

import type { z } from 'zod';
import { AppError } from '../../errors';
import type { CallerContext } from '../../trpc/context';
import { existingClient } from '../clients/lookup';
import { audited } from './audited';
import type { serviceStateInput, serviceStateOutput, serviceTaskOutput } from './types';

const ACTIONS = {
  reconnect: { upstream: 'activate', wanted: 'active', audit: 'service.reconnect' },
  suspend: { upstream: 'deactivate', wanted: 'suspended', audit: 'service.suspend' },
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Service tasks share the pending store's key space with ticket handles: prefixed apart. */
const serviceTaskHandle = (taskId: string) => `service-task:${taskId}`;

/**
 * A reconnect or suspend answered `pending`, followed: upstream's task read again; once it ended,
 * its audit entry is settled (confirmed, or refused when the task failed) and the client re-read.
 * Only tasks this service started are known (404 otherwise): a task id reveals nothing else.
 */
export async function serviceTaskStatus(ctx: CallerContext, taskId: string): Promise<z.infer<typeof serviceTaskOutput>> {
  const { gateway, audit, pendingServiceTasks } = ctx.services;
  const pending = await pendingServiceTasks.get(serviceTaskHandle(taskId));
  if (!pending) throw new AppError('ping_task_not_found', { message: 'No encontramos esa tarea de cambio de estado del servicio.' });
  const task = await gateway.billing.task(taskId);
  const base = { serviceId: pending.serviceId, action: pending.action, taskId };
  if (task === null || task.status === 'pending') return { ...base, status: 'pending' };
  const entry = (await audit.list({ serviceId: pending.serviceId })).find((candidate) => candidate.id === pending.auditId);
  if (task.status === 'failed') {
    if (entry?.outcome === 'unknown') await audit.settle(pending.auditId, 'refused', `task ${taskId} failed`);
    return { ...base, status: 'failed' };
  }
  if (entry?.outcome === 'unknown') await audit.settle(pending.auditId, 'confirmed', `task ${taskId} finished`);
  await gateway.refreshClient(pending.serviceId).catch(() => null);
  return { ...base, status: 'done' };
}

export async function changeServiceState(
  ctx: CallerContext,
  action: keyof typeof ACTIONS,
  input: z.infer<typeof serviceStateInput>,
): Promise<z.infer<typeof serviceStateOutput>> {
  const { gateway, config } = ctx.services;
  const spec = ACTIONS[action];
  await existingClient(ctx, input.serviceId);
  const answer = (status: 'done' | 'pending', taskId: string | null, reconciled: boolean) => ({
    status,
    serviceId: input.serviceId,
    action,
    taskId,
    reconciled,
  });
  const result = await audited(
    ctx,
    { action: spec.audit, serviceId: input.serviceId, invoiceId: null, amount: null, reference: input.reason },
    async () => {
      const taskId = await gateway.billing.changeServiceState(input.serviceId, spec.upstream, input.reason);
      const deadline = Date.now() + config.PING_DEADLINE_MS;
      for (;;) {
        const task = await gateway.billing.task(taskId);
        if (task?.status === 'failed') {
          throw new AppError('upstream_rejected', {
            message: 'El sistema de gestión no pudo cambiar el estado del servicio.',
            internal: { taskId, error: task.error },
          });
        }
        if (task?.status === 'done') return { taskId, finished: true };
        if (Date.now() + config.PING_POLL_INTERVAL_MS > deadline) return { taskId, finished: false };
        await sleep(config.PING_POLL_INTERVAL_MS);
      }
    },
    // Still running at the deadline: the entry stays open until service.taskStatus sees it end.
    (value) => !value.finished,
  );
  if (result.outcome === 'open') {
    await ctx.services.pendingServiceTasks.put(serviceTaskHandle(result.value.taskId), {
      auditId: result.auditId,
      serviceId: input.serviceId,
      action,
    });
    return answer('pending', result.value.taskId, false);
  }
  if (result.outcome === 'confirmed') {
    await gateway.refreshClient(input.serviceId).catch(() => null);
    return answer('done', result.value.taskId, false);
  }
  const client = await gateway.refreshClient(input.serviceId).catch(() => null);
  if (client?.status === spec.wanted) {
    await ctx.services.audit.settle(result.auditId, 'confirmed', `reconciled: the service reads ${spec.wanted}`);
    return answer('done', null, true);
  }
  throw new AppError('upstream_outcome_unknown', {
    retryAfterSeconds: 60,
    details: { serviceId: input.serviceId, auditId: result.auditId },
    cause: result.error,
  });
}
