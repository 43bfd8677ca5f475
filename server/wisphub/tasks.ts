/** Upstream's background tasks (`GET /api/tasks/{task_id}/`): pings, service activation and deactivation, payments. */

import { z } from 'zod';
import { AppError } from '../errors';
import { UPSTREAM_PATHS } from './paths';
import { UpstreamNotFoundError, type UpstreamTransport } from './transport';

export type UpstreamTask =
  | { status: 'pending'; upstreamStatus: 'PENDING' | 'PROCESS' }
  | { status: 'done'; result: unknown }
  | { status: 'failed'; error: string };

const taskSchema = z.object({
  task: z.object({
    status: z.enum(['PENDING', 'PROCESS', 'SUCCESS', 'FAILURE']),
    result: z.unknown().optional(),
  }),
});

export const taskStartSchema = z.object({ task_id: z.union([z.string().min(1), z.number()]).transform(String) });

/** The task id of a write that starts one; null when the answer names none. */
export function taskIdOf(data: unknown): string | null {
  const parsed = taskStartSchema.safeParse(data);
  return parsed.success ? parsed.data.task_id : null;
}

/** A task's state; null when upstream does not know the task. */
export async function readTask(transport: UpstreamTransport, taskId: string): Promise<UpstreamTask | null> {
  let raw: unknown;
  try {
    raw = await transport.get(UPSTREAM_PATHS.task(taskId));
  } catch (error) {
    if (error instanceof UpstreamNotFoundError) return null;
    throw error;
  }
  const parsed = taskSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('upstream_bad_response', { internal: { endpoint: '/api/tasks/:task/' } });
  const { status, result } = parsed.data.task;
  if (status === 'PENDING' || status === 'PROCESS') return { status: 'pending', upstreamStatus: status };
  if (status === 'FAILURE') return { status: 'failed', error: typeof result === 'string' ? result : 'task failed' };
  return { status: 'done', result };
}
