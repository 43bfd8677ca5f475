/** Ping tasks: `POST /api/clientes/{id}/ping/` then `GET /api/tasks/{task_id}/`. */

import { TTLCache } from '@isaacs/ttlcache';
import { z } from 'zod';
import { type PingEntry, parseMilliseconds, parsePercent } from '../domain/ping-diagnosis';
import { AppError } from '../errors';
import { UPSTREAM_PATHS } from './paths';
import { readTask, taskIdOf } from './tasks';
import { UpstreamNotFoundError } from './transport';
import type { UpstreamContext } from './upstream-context';

export type PingTaskState =
  | { status: 'pending'; upstreamStatus: 'PENDING' | 'PROCESS' }
  | { status: 'done'; entries: PingEntry[] }
  | { status: 'failed'; error: string };

const count = z.union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)]);
const hostFiguresSchema = z.object({
  host: z.string().min(1),
  sent: count,
  received: count,
  'packet-loss': z.unknown().optional(),
  'avg-rtt': z.unknown().optional(),
});

/** A SUCCESS result: a list of one-key objects; a string value is a router error message. */
export function readPingResult(result: unknown): PingEntry[] {
  if (!Array.isArray(result))
    throw new AppError('upstream_bad_response', { internal: { endpoint: '/api/tasks/:task/', problem: 'result is not a list' } });
  const entries: PingEntry[] = [];
  for (const item of result) {
    if (typeof item !== 'object' || item === null) continue;
    for (const [label, value] of Object.entries(item as Record<string, unknown>)) {
      if (label === 'ping-exitoso') continue;
      if (typeof value === 'string') {
        entries.push({ label, error: value });
        continue;
      }
      const parsed = hostFiguresSchema.safeParse(value);
      if (!parsed.success) continue;
      const { host, sent, received } = parsed.data;
      const loss = parsePercent(parsed.data['packet-loss']) ?? (sent > 0 ? Math.round(((sent - received) / sent) * 100) : 100);
      entries.push({ label, host, sent, received, lossPercent: loss, avgRttMs: parseMilliseconds(parsed.data['avg-rtt']) });
    }
  }
  return entries;
}

/** How long this instance remembers whose link a ping task tests (tasks are read for seconds). */
const TASK_OWNER_TTL_MS = 3_600_000;

export class NetworkGateway {
  /** Task id → service id, so a task's result can say first when the client's sector has an outage. */
  private readonly taskOwners = new TTLCache<string, number>({ ttl: TASK_OWNER_TTL_MS, max: 100_000 });

  constructor(private readonly upstream: UpstreamContext) {}

  /** The service id a task started here pings; undefined for tasks started elsewhere. */
  taskOwner(taskId: string): number | undefined {
    return this.taskOwners.get(taskId);
  }

  /** Starts a ping from the ISP's router; a write, never retried. */
  async startPing(serviceId: number, pings: number): Promise<string | null> {
    try {
      const { data } = await this.upstream.transport.send('POST', UPSTREAM_PATHS.ping(serviceId), { pings });
      const taskId = taskIdOf(data);
      if (taskId === null) throw new AppError('upstream_bad_response', { internal: { endpoint: '/api/clientes/:id/ping/' } });
      this.taskOwners.set(taskId, serviceId);
      return taskId;
    } catch (error) {
      if (error instanceof UpstreamNotFoundError) return null;
      throw error;
    }
  }

  /** The task's state; null when upstream does not know the task. */
  async pingTask(taskId: string): Promise<PingTaskState | null> {
    const task = await readTask(this.upstream.transport, taskId);
    if (task === null || task.status !== 'done') return task;
    return { status: 'done', entries: readPingResult(task.result) };
  }
}
