/** zod schemas of the network diagnosis procedures. */

import { z } from 'zod';
import { outageSchema, serviceIdSchema } from '../clients/types';
import { namedRefSchema } from '../common.types';

export const PING_OUTCOMES = ['known_outage', 'stable', 'intermittent', 'antenna_only', 'no_internet', 'router_error'] as const;

export const startPingInput = z.object({
  serviceId: serviceIdSchema,
  pings: z.number().int().min(1).max(10).default(4).meta({ description: 'Echo requests per host (1-10).' }),
});
export const startPingOutput = z.object({ serviceId: z.number().int(), taskId: z.string(), pings: z.number().int() });

export const taskIdInput = z.object({
  taskId: z
    .string()
    .trim()
    .regex(/^[\w-]{1,100}$/, { error: 'taskId is letters, digits, _ and -' }),
});

export const pingResultInput = taskIdInput.extend({
  serviceId: serviceIdSchema.optional().meta({
    description: 'Whose link the task tests, for the known-outage check; not needed for tasks started through this service.',
  }),
});

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
    z.object({ status: z.literal('pending'), taskId: z.string(), message: z.string(), outage: outageSchema.nullable() }),
    z.object({
      status: z.literal('done'),
      taskId: z.string().nullable().meta({ description: 'Null when no ping was run (a known outage answers first).' }),
      outcome: z.enum(PING_OUTCOMES).meta({ description: 'known_outage: the ISP marked an outage on the client’s sector; say it first.' }),
      hosts: z.array(hostSchema),
      routerErrors: z.array(z.string()),
      message: z.string().meta({ description: 'Spanish text a bot can show.' }),
      outage: outageSchema.nullable().meta({ description: 'The sector’s outage state, when the client is known.' }),
    }),
  ])
  .meta({ id: 'PingResult' });

export const diagnoseInput = z.object({ serviceId: serviceIdSchema, pings: startPingInput.shape.pings });
export const diagnoseOutput = z.object({ serviceId: z.number().int(), result: pingResultSchema });

const sectorOutageSchema = z.object({
  router: namedRefSchema,
  description: z.string().nullable(),
  affectedClients: z.number().int().meta({ description: 'Clients the sector serves.' }),
  activeClients: z.number().int().meta({ description: 'Of those, clients with an active service.' }),
});

export const outagesOutput = z.object({
  total: z.number().int().meta({ description: 'Sectors with an active outage.' }),
  affectedClients: z.number().int(),
  items: z.array(sectorOutageSchema).meta({ description: 'Most affected first.' }),
});
