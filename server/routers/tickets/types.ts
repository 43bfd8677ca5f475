import { z } from 'zod';
import { TICKET_STATUSES } from '../../domain/ticket';
import { freeText, idempotencyKeySchema, namedRefSchema, uploadSchema } from '../common.types';

/** A pending-create handle: prefix and 22 base64url characters (128 random bits). */
export const PENDING_HANDLE_PATTERN = /^tkp_[A-Za-z0-9_-]{22}$/;

/** zod schemas of the tickets procedures. */

const priorityLevel = z.enum(['low', 'normal', 'high', 'very_high']);
const isoWithOffset = z.iso.datetime({ offset: true }).nullable();

export const ticketSchema = z
  .object({
    id: z.number().int(),
    subject: z.string().meta({ description: 'The catalogue subject, without what WispHub Net appends when it stores it.' }),
    subjectText: z.string().meta({ description: 'The subject exactly as WispHub Net stores it, e.g. "Internet Lento - José Peña Muñoz".' }),
    description: z.string().nullable(),
    status: z.enum(TICKET_STATUSES),
    statusText: z.string().nullable().meta({ description: 'Upstream text, e.g. "Nuevo".' }),
    priority: priorityLevel.nullable(),
    priorityText: z.string().nullable(),
    createdAt: isoWithOffset,
    startsAt: isoWithOffset,
    dueAt: isoWithOffset.meta({ description: 'Resolution date: start + business days (weekends and Colombian holidays skipped).' }),
    technician: namedRefSchema.nullable(),
    serviceId: z.number().int().nullable(),
    zone: namedRefSchema.nullable(),
    latestAnswer: z.string().nullable(),
    nextStep: z
      .object({
        technician: z.string().nullable(),
        window: z.object({ from: isoWithOffset, until: isoWithOffset }).nullable(),
        message: z.string().meta({
          description:
            'Spanish, for the customer as it is, e.g. "Su caso está en progreso; el técnico Juan Pérez lo atenderá antes del martes 1 de diciembre a las 5:00 p. m."',
        }),
      })
      .meta({ description: 'What happens next: who attends the ticket and by when (Colombian time).' }),
  })
  .meta({
    id: 'Ticket',
    example: {
      id: 7512,
      subject: 'Internet Lento',
      subjectText: 'Internet Lento - José Peña Muñoz',
      description: 'El cliente reporta lentitud desde ayer en la noche.',
      status: 'new',
      statusText: 'Nuevo',
      priority: 'normal',
      priorityText: 'Normal',
      createdAt: '2026-04-01T09:00:00-05:00',
      startsAt: '2026-04-01T09:00:00-05:00',
      dueAt: '2026-04-07T09:00:00-05:00',
      technician: { id: 11, name: 'Carlos Técnico' },
      serviceId: 1234,
      zone: { id: 3, name: 'Zona Norte' },
      latestAnswer: null,
      nextStep: {
        technician: 'Carlos Técnico',
        window: { from: '2026-04-01T09:00:00-05:00', until: '2026-04-07T09:00:00-05:00' },
        message: 'Su caso fue recibido; el técnico Carlos Técnico lo atenderá antes del martes 7 de abril a las 9:00 a. m.',
      },
    },
  });

const subjectEntry = z.object({ subject: z.string(), priority: z.number().int().min(1).max(4), level: priorityLevel });

export const suggestSubjectInput = z.object({
  text: freeText()
    .min(1)
    .max(2000)
    .meta({ description: 'What the customer wrote, as they wrote it.', example: 'se me va el wifi a cada rato' }),
});

export const suggestSubjectOutput = z
  .object({
    confidence: z.enum(['high', 'medium', 'low']).meta({
      description: 'high: one clear reading; medium: confirm with the customer; low: ask, do not guess.',
    }),
    topic: z.enum(['support', 'billing', 'unknown']).meta({
      description: 'billing: the message is about money (balance, invoices, payments), not a ticket.',
    }),
    suggestions: z
      .array(
        subjectEntry.extend({
          confidence: z.number().min(0).max(1),
          reads: z.array(z.string()).meta({ description: 'What in the message led there, in Spanish.' }),
        }),
      )
      .meta({ description: 'At most three catalogue subjects, strongest first; each with the priority it implies.' }),
    message: z.string().meta({ description: 'Spanish text for the bot.' }),
  })
  .meta({ id: 'SubjectSuggestion' });

export const subjectsOutput = z.object({
  source: z.enum(['upstream', 'file', 'shipped']).meta({
    description: 'upstream: the ISP’s catalogue from WispHub Net; file: TICKET_SUBJECTS_FILE; shipped: the built-in list.',
  }),
  fallbackReason: z.string().nullable().meta({ description: 'Why a fallback is in use: no_endpoint, empty, or an upstream error reason.' }),
  byPriority: z.array(
    z.object({ priority: z.number().int().min(1).max(4), level: priorityLevel, label: z.string(), subjects: z.array(z.string()) }),
  ),
  all: z.array(subjectEntry),
});

export const zoneStatusSchema = z
  .object({
    zoneId: z.number().int(),
    activeTickets: z.number().int(),
    maxActiveTickets: z.number().int(),
    blocked: z.boolean().meta({ description: 'True when no new ticket may be opened in the zone.' }),
  })
  .meta({ id: 'ZoneStatus' });

export const zoneStatusInput = z.object({ zoneId: z.number().int().positive().meta({ example: 3 }) });

export const createTicketInput = z.object({
  serviceId: z.number().int().positive(),
  subject: freeText().min(1).max(120).meta({ description: 'A catalogue subject, any case or accents.', example: 'internet lento' }),
  description: freeText().min(10).max(2000),
  technicianId: z.number().int().positive().optional().meta({ description: 'Default: DEFAULT_TECHNICIAN_ID.' }),
  zoneId: z.number().int().positive().optional().meta({
    description:
      'The client’s own zone is always the one counted against the limit: a different zoneId is refused (400). Only used for a client with no zone recorded.',
  }),
  force: z.boolean().optional().meta({
    description:
      'Open a connectivity ticket (No Tiene Internet, Internet Intermitente, Internet Lento) even when the client’s sector has a known outage; refused with 409 known_outage otherwise.',
  }),
  idempotencyKey: idempotencyKeySchema
    .optional()
    .meta({ description: 'On REST, send the `Idempotency-Key` header instead. Same key + same request within 24 h → the first result.' }),
});

const replayed = z.boolean().meta({ description: 'True when this answer repeats an earlier request with the same idempotency key.' });

const createdTicket = z.object({
  status: z.literal('created'),
  ticket: ticketSchema,
  zoneStatus: zoneStatusSchema.nullable(),
});

const existingTicket = z
  .object({
    status: z.literal('existing'),
    ticket: ticketSchema,
    message: z.string().meta({ description: 'Spanish, fit to show the customer.' }),
  })
  .meta({
    description:
      'The customer already has an active ticket with this subject: that ticket is answered and no other is opened (HTTP 200 on REST). One customer cannot fill a zone’s ticket limit.',
  });

const pendingTicket = z
  .object({
    status: z.literal('pending_confirmation'),
    handle: z
      .string()
      .regex(PENDING_HANDLE_PATTERN)
      .meta({ description: 'Poll `tickets.createStatus` (REST `GET /tickets/pending/{handle}`) with it.' }),
    message: z.string().meta({ description: 'Spanish, fit to show the customer.' }),
    checkAfterSeconds: z.number().int().positive().meta({ description: 'When polling is worth it again.' }),
  })
  .meta({
    description:
      'Upstream did not answer the create (timeout, dropped connection) and may still commit it: the ticket is being confirmed in the background, never created twice. Do not create it again; poll the handle.',
  });

export const createTicketOutput = z
  .discriminatedUnion('status', [
    createdTicket.extend({ replayed }),
    existingTicket.extend({ replayed }),
    pendingTicket.extend({ replayed }),
  ])
  .meta({ id: 'CreateTicketResult' });

export const createStatusInput = z.object({
  handle: z
    .string()
    .regex(PENDING_HANDLE_PATTERN, { error: 'a handle as answered by tickets.create, such as tkp_…' })
    .meta({ example: 'tkp_3q2mX0b9YV1cRkq8nWw5Pg' }),
});

export const createStatusOutput = z
  .discriminatedUnion('status', [
    pendingTicket,
    createdTicket.extend({ handle: z.string() }),
    z.object({
      status: z.literal('failed'),
      handle: z.string(),
      error: z
        .object({ reason: z.string(), message: z.string() })
        .meta({ description: 'Nothing was created: create it again (a new request, or the same idempotency key).' }),
    }),
  ])
  .meta({ id: 'PendingTicketStatus' });

const ticketIdSchema = z.number().int().positive().meta({ description: 'Upstream ticket id (`id_ticket`).', example: 7512 });

export const ticketByIdInput = z.object({ ticketId: ticketIdSchema });

export const ticketCommentSchema = z.object({
  id: z.number().int().nullable(),
  text: z.string(),
  createdAt: isoWithOffset,
  author: z.string().nullable(),
  attachmentUrl: z.string().nullable().meta({ description: 'Upstream’s link to the attached file.' }),
});

export const ticketCommentsInput = z.object({ ticketId: ticketIdSchema });
export const ticketCommentsOutput = z
  .object({ ticketId: z.number().int(), items: z.array(ticketCommentSchema) })
  .meta({ id: 'TicketComments' });

export const addCommentInput = z.object({
  ticketId: ticketIdSchema,
  text: freeText()
    .min(1)
    .max(2000)
    .meta({ description: 'The comment, e.g. what the customer says now.', example: 'El cliente envía foto del router con luz roja.' }),
  attachment: uploadSchema('A photo (JPEG, PNG) or a PDF, checked by its content; ATTACHMENT_MAX_BYTES').optional(),
  notifyClient: z
    .boolean()
    .default(false)
    .meta({ description: 'Let WispHub Net notify the customer (upstream `do_not_notify_client` false).' }),
  idempotencyKey: idempotencyKeySchema
    .optional()
    .meta({ description: 'Same key, same request: the first answer again (REST `Idempotency-Key`).' }),
});

export const addCommentOutput = z
  .object({
    status: z.literal('added'),
    ticketId: z.number().int(),
    reconciled: z.boolean().meta({ description: 'Upstream did not answer and the comment was found by reading the comments again.' }),
    replayed: z.boolean(),
  })
  .meta({ id: 'TicketCommentAdded' });

export const TICKET_STATE_CHANGES = ['new', 'in_progress', 'resolved', 'closed'] as const;

export const updateStateInput = z.object({
  ticketId: ticketIdSchema,
  state: z.enum(TICKET_STATE_CHANGES),
  reason: freeText().min(3).max(500).meta({ description: 'Why (upstream `razon_falla`), e.g. "El cliente confirma que ya funciona".' }),
});

export const updateStateOutput = z
  .object({
    changed: z.boolean().meta({ description: 'False when the ticket already was in that state: nothing was sent.' }),
    ticket: ticketSchema,
  })
  .meta({ id: 'TicketStateChange' });
