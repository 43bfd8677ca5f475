/** zod schemas of the money procedures: invoices, payment reports and registrations, promises. */

import { z } from 'zod';
import { invoiceSchema } from '../account/types';
import { serviceIdSchema } from '../clients/types';
import { freeText, idempotencyKeySchema, uploadSchema } from '../common.types';

export const invoiceIdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,12}$/, { error: 'invoiceId is the upstream invoice id (digits)' })
  .meta({ description: 'Upstream invoice id, as `account.invoices` gives it.', example: '123401' });

const paymentMethodIdSchema = z
  .number()
  .int()
  .positive()
  .meta({ description: 'A payment method id from `paymentMethods.list` (upstream `forma_pago`).', example: 3 });

const referenceSchema = freeText().min(3).max(60).meta({
  description: 'The payment’s reference (bank or wallet transaction number). One reference is one payment.',
  example: 'NEQ-83920211',
});

const paidAtSchema = z.iso.datetime({ offset: true }).meta({
  description: 'When the customer paid, ISO 8601 with offset; sent upstream on the ISP’s wall clock (TIMEZONE).',
  example: '2026-11-23T10:15:00-05:00',
});

const optionalIdempotencyKey = idempotencyKeySchema.optional().meta({
  description: 'Same key, same request: the first answer again, never a second payment (the REST `Idempotency-Key` header).',
});

const activePromiseSchema = z
  .object({
    until: z.iso.date().nullable().meta({ description: 'YYYY-MM-DD; null when upstream marks a promise without its date.' }),
    invoiceId: z.string().nullable(),
  })
  .nullable()
  .meta({ description: 'The active promise of payment upstream records (`promesa_pago`), if any.' });

export const invoicesInput = z.object({ serviceId: serviceIdSchema });

export const invoicesOutput = z
  .object({
    serviceId: z.number().int(),
    invoices: z.array(invoiceSchema).meta({ description: 'Unpaid invoices, oldest due first.' }),
    totalOwed: z.number(),
    activePromise: activePromiseSchema,
    asOf: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Invoices' });

export const receiptSchema = uploadSchema('The receipt file (JPEG, PNG or PDF, checked by its content)');

export const reportPaymentInput = z.object({
  serviceId: serviceIdSchema,
  invoiceId: invoiceIdSchema,
  method: paymentMethodIdSchema,
  reference: referenceSchema,
  paidAt: paidAtSchema,
  receipt: receiptSchema,
  idempotencyKey: optionalIdempotencyKey,
});

export const reportPaymentOutput = z
  .object({
    status: z.enum(['received', 'unconfirmed']).meta({
      description:
        '`received`: upstream has the report and its receipt, for staff review. `unconfirmed` (HTTP 202 on REST): upstream did not confirm it; the receipt is kept and staff will check it (never send it again).',
    }),
    serviceId: z.number().int(),
    invoiceId: z.string(),
    reference: z.string(),
    message: z.string().meta({ description: 'Spanish text a bot can show.' }),
    replayed: z.boolean(),
  })
  .meta({ id: 'PaymentReport' });

export const registerPaymentInput = z.object({
  invoiceId: invoiceIdSchema,
  serviceId: serviceIdSchema.meta({
    description:
      'The invoice’s client: upstream lists a client’s unpaid invoices only through its balance, so the amount is checked there.',
  }),
  method: paymentMethodIdSchema,
  amount: z.number().positive().meta({ description: 'Pesos; the invoice’s total unless PAYMENTS_ALLOW_PARTIAL=true.' }),
  paidAt: paidAtSchema,
  reference: referenceSchema,
  reconnect: z.boolean().default(false).meta({ description: 'Also reconnect the service (upstream `accion` 1).' }),
  idempotencyKey: optionalIdempotencyKey,
});

export const registerPaymentOutput = z
  .object({
    status: z.literal('registered'),
    invoiceId: z.string(),
    serviceId: z.number().int(),
    amount: z.number(),
    reconnectRequested: z.boolean(),
    taskId: z.string().nullable(),
    reconciled: z.boolean().meta({
      description: 'True when upstream did not answer and the payment was confirmed by reading the invoice again.',
    }),
    replayed: z.boolean(),
  })
  .meta({ id: 'PaymentRegistration' });

export const createPromiseInput = z.object({
  serviceId: serviceIdSchema,
  invoiceId: invoiceIdSchema,
  until: z.iso.date().meta({ description: 'YYYY-MM-DD, from today to PROMISE_MAX_DAYS ahead.', example: '2026-11-27' }),
  comment: freeText().max(300).default('').meta({ description: 'What the customer said; kept upstream.' }),
  idempotencyKey: optionalIdempotencyKey,
});

export const createPromiseOutput = z
  .object({
    status: z.literal('agreed'),
    serviceId: z.number().int(),
    invoiceId: z.string(),
    until: z.iso.date(),
    reconnectRequested: z.boolean().meta({ description: 'The service was suspended: upstream reconnects it for the promise.' }),
    message: z.string().meta({ description: 'Spanish text a bot can show.' }),
    reconciled: z.boolean(),
    replayed: z.boolean(),
  })
  .meta({ id: 'PaymentPromise' });

export const serviceStateInput = z.object({
  serviceId: serviceIdSchema,
  reason: freeText().min(3).max(200).meta({ description: 'Why (upstream `motivo`), kept in the audit trail.' }),
});

export const serviceStateOutput = z
  .object({
    status: z.enum(['done', 'pending']).meta({
      description: '`done` once upstream’s task finished; `pending` when it is still running at the deadline (check the client later).',
    }),
    serviceId: z.number().int(),
    action: z.enum(['reconnect', 'suspend']),
    taskId: z.string().nullable(),
    reconciled: z.boolean(),
  })
  .meta({ id: 'ServiceStateChange' });

export const serviceTaskInput = z.object({
  taskId: z
    .string()
    .regex(/^[\w-]{1,100}$/, { error: 'a task id as a reconnect or suspend answered it' })
    .meta({ description: 'The `taskId` a `pending` reconnect or suspend answered.' }),
});

export const serviceTaskOutput = z
  .object({
    status: z.enum(['pending', 'done', 'failed']).meta({
      description:
        '`pending` while upstream’s task runs (ask again in a few seconds); `done` or `failed` once it ended (the audit entry is then settled).',
    }),
    serviceId: z.number().int(),
    action: z.enum(['reconnect', 'suspend']),
    taskId: z.string(),
  })
  .meta({ id: 'ServiceTaskStatus' });

/** The OpenAPI description of each procedure (what it does, which view each role gets), kept beside its schemas. */
export const PAYMENT_DESCRIPTIONS = {
  report:
    'Bot keys need the customer’s `X-Verification-Token`. REST takes `multipart/form-data` with the fields `method`, `reference`, `paidAt` and the file in `receipt` (JPEG, PNG or PDF, checked by content; RECEIPT_MAX_BYTES), or JSON with the receipt in base64 as tRPC does. One reference is one payment: reported again (for this invoice or another) it is 409 `payment_reference_reused`. Send an `Idempotency-Key` to make retries safe. When upstream does not confirm the report, 202 `unconfirmed`: the receipt is kept for staff, never send it again.',
  register:
    'Operator keys only. One invoice per call, for that invoice’s total (unless PAYMENTS_ALLOW_PARTIAL=true); `paidAt` reaches WispHub Net on the ISP’s wall clock (TIMEZONE). Already paid: 409 `invoice_already_paid`. Never twice: send an `Idempotency-Key`; a lost upstream answer is reconciled by reading the invoice again (paid means done), and otherwise answered 504 `upstream_outcome_unknown` with the reference held, so no retry can pay twice.',
} as const;
