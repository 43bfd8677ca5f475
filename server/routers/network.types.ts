import { z } from 'zod';
import { serviceIdSchema } from './clients.types';

/** zod schemas of the network diagnosis procedures. */

export const PING_OUTCOMES = ['stable', 'intermittent', 'antenna_only', 'no_internet', 'router_error'] as const;

export const startPingInput = z.object({
  serviceId: serviceIdSchema,
  pings: z.coerce.number<number>().int().min(1).max(10).default(4).meta({ description: 'Echo requests per host (1-10).' }),
});
export const startPingOutput = z.object({ serviceId: z.number().int(), taskId: z.string(), pings: z.number().int() });

export const taskIdInput = z.object({ taskId: z.string().trim().regex(/^[\w-]{1,100}$/, { error: 'taskId is letters, digits, _ and -' }) });

const hostSchema = z.object({
  host: z.string(),
  role: z.enum(['customer', 'antenna']),
  sent: z.number().int(),
  received: z.number().int(),
  lossPercent: z.number(),
  avgRttMs: z.number().nullable(),
});

export const pingResultSchema = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('pending'), taskId: z.string(), message: z.string() }),
    z.object({
      status: z.literal('done'),
      taskId: z.string(),
      outcome: z.enum(PING_OUTCOMES),
      hosts: z.array(hostSchema),
      routerErrors: z.array(z.string()),
      message: z.string().meta({ description: 'Spanish text a bot can show.' }),
    }),
  ])
  .meta({ id: 'PingResult' });

export const diagnoseInput = z.object({ serviceId: serviceIdSchema, pings: startPingInput.shape.pings });
export const diagnoseOutput = z.object({ serviceId: z.number().int(), result: pingResultSchema });
