import type { z } from 'zod';
import { AppError } from '../errors';
import type { serviceStateInput, serviceStateOutput } from './billing.types';
import { existingClient } from './client-lookup';
import { audited, type MoneyContext } from './money.handler';

/**
 * Reconnect and suspend a service through upstream's activate/deactivate tasks, polled like a
 * ping until done or the deadline. Audited; a lost answer is reconciled by reading the client's
 * state again, never by sending the command twice.
 */

const ACTIONS = {
  reconnect: { upstream: 'activate', wanted: 'active', audit: 'service.reconnect' },
  suspend: { upstream: 'deactivate', wanted: 'suspended', audit: 'service.suspend' },
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function changeServiceState(
  ctx: MoneyContext,
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
  );
  if (result.outcome === 'confirmed') {
    await gateway.refreshClient(input.serviceId).catch(() => null);
    return answer(result.value.finished ? 'done' : 'pending', result.value.taskId, false);
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
