/** zod schemas of plans and payment methods. */

import { z } from 'zod';
import { PLAN_TYPES } from '../../domain/catalogue';
import { namedRefSchema } from '../common.types';

export const planSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    price: z.number().nullable().meta({ description: 'Monthly price in pesos.' }),
    type: z.enum(PLAN_TYPES),
  })
  .meta({ id: 'Plan', example: { id: 7, name: 'Plan Hogar 10M', price: 65000, type: 'pppoe' } });

const speedSchema = z
  .object({
    kbps: z.number().int().nullable().meta({ description: 'Parsed speed (1M = 1024k); null when unreadable.' }),
    raw: z.string().meta({ description: 'Upstream text, e.g. "10M", "10240k", "10 Mbps".' }),
  })
  .nullable();

export const planDetailSchema = planSchema
  .extend({
    download: speedSchema,
    upload: speedSchema,
    detailUnavailableReason: z
      .enum(['pcq_has_no_detail_endpoint', 'detail_not_found'])
      .nullable()
      .meta({ description: 'Why speeds are absent: PCQ plans have no detail endpoint upstream.' }),
  })
  .meta({
    id: 'PlanDetail',
    example: {
      id: 7,
      name: 'Plan Hogar 10M',
      price: 65000,
      type: 'pppoe',
      download: { kbps: 10240, raw: '10M' },
      upload: { kbps: 2048, raw: '2048k' },
      detailUnavailableReason: null,
    },
  });

export const plansOutput = z.object({ items: z.array(planSchema) });
export const planByIdInput = z.object({
  planId: z.number().int().positive().meta({ description: 'Plan id.', example: 7 }),
});

export const paymentMethodsOutput = z.object({
  items: z.array(namedRefSchema.meta({ id: 'PaymentMethod', example: { id: 3, name: 'Nequi' } })),
});
