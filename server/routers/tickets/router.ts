import { suggestSubjects } from '../../domain/subject-suggestion';
import { catalogueEntries, PRIORITY_LABELS, PRIORITY_LEVELS } from '../../domain/ticket-subjects';
import { zoneStatus } from '../../domain/zone-tickets';
import { AppError } from '../../errors';
import { ticketCatalogue } from '../../tickets/catalogue';
import type { RequestContext } from '../../trpc/context';
import { router } from '../../trpc/init';
import { readFrom } from '../../trpc/memo-sources';
import { protectedProcedure } from '../../trpc/procedures';
import { once } from '../once';
import { customersTicket } from './access';
import { type CreateTicketOutcome, createTicket } from './create';
import { addComment, updateTicketState } from './followup';
import { type PendingTicket, pendingStatus } from './pending';
import {
  addCommentInput,
  addCommentOutput,
  createStatusInput,
  createStatusOutput,
  createTicketInput,
  createTicketOutput,
  subjectsOutput,
  suggestSubjectInput,
  suggestSubjectOutput,
  ticketByIdInput,
  ticketCommentsInput,
  ticketCommentsOutput,
  ticketSchema,
  updateStateInput,
  updateStateOutput,
  zoneStatusInput,
  zoneStatusSchema,
} from './types';

const tags = ['tickets'];

/** A pending create answers 202 on REST (tRPC carries the status in the body). */
function answered<T extends CreateTicketOutcome>(ctx: RequestContext, outcome: T): T {
  if (outcome.status === 'pending_confirmation') ctx.report.successStatus = 202;
  return outcome;
}

/** What a replayed pending answer stands for now: the ticket once settled; a failure raised again. */
async function settledOrPending(ctx: RequestContext, keyName: string, pending: PendingTicket): Promise<CreateTicketOutcome> {
  const now = await pendingStatus(ctx, keyName, pending.handle).catch(() => pending);
  if (now.status === 'created') return { status: 'created', ticket: now.ticket, zoneStatus: now.zoneStatus };
  if (now.status === 'failed') throw new AppError(now.error.reason, { message: now.error.message });
  return pending;
}

export const ticketsRouter = router({
  subjects: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/tickets/subjects',
        tags,
        summary: 'Ticket subject catalogue',
        description:
          'The ISP’s own subjects from WispHub Net (`source: upstream`), each with the priority of our rules or DEFAULT_SUBJECT_PRIORITY, grouped by priority (1 low … 4 very high) and as one list. When upstream has no catalogue endpoint or it fails, the shipped list or TICKET_SUBJECTS_FILE (`source: shipped | file`, with `fallbackReason`).',
      },
      cacheable: true,
    })
    .output(subjectsOutput)
    .query(async ({ ctx }) => {
      const { catalogue, source, fallbackReason } = await ticketCatalogue(ctx);
      return {
        source,
        fallbackReason,
        byPriority: ([1, 2, 3, 4] as const).map((priority) => ({
          priority,
          level: PRIORITY_LEVELS[priority],
          label: PRIORITY_LABELS[priority],
          subjects: catalogue[priority],
        })),
        all: catalogueEntries(catalogue),
      };
    }),

  suggestSubject: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/tickets/suggest-subject',
        tags,
        summary: 'Read a customer’s message as a ticket subject',
        description:
          'Ranked subjects of this ISP’s catalogue for what the customer wrote ("no tengo internet", "se me va el wifi a cada rato", "cambiar clave del wifi"), from Spanish phrase rules that know accents, misspellings and WhatsApp shorthand. Use the first with `confidence: high` in `tickets.create`; on medium, confirm with the customer; on low, ask. The ISP’s own subjects that no rule knows are suggested by the words of their name and the phrases in TICKET_SUBJECT_SYNONYMS_FILE, never with `high` confidence. No model, no network.',
      },
    })
    .input(suggestSubjectInput)
    .output(suggestSubjectOutput)
    .mutation(async ({ ctx, input }) => suggestSubjects(input.text, (await ticketCatalogue(ctx)).catalogue, ctx.services.subjectSynonyms)),

  zoneStatus: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/tickets/zones/{zoneId}/status',
        tags,
        summary: 'Active tickets in a zone',
        description:
          'Counts tickets in ACTIVE_TICKET_STATES over every page (tickets without service or zone skipped); blocked at MAX_ACTIVE_TICKETS_PER_ZONE.',
      },
      cacheable: true,
    })
    .input(zoneStatusInput)
    .output(zoneStatusSchema)
    .query(async ({ ctx, input }) => {
      const { tickets } = ctx.services.gateway;
      const counts = readFrom(ctx, await tickets.zoneCounts());
      return zoneStatus(input.zoneId, counts, ctx.services.config.MAX_ACTIVE_TICKETS_PER_ZONE);
    }),

  create: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/tickets',
        tags,
        summary: 'Open a support ticket',
        description:
          'Bot keys need the customer’s `X-Verification-Token`. One active ticket per subject and customer: asking again answers the open one (`status: existing`). Priority from the subject catalogue; due date = now + MAX_TICKET_RESOLUTION_DAYS business days (Colombian holidays skipped). Refused with 409 when the zone is at its limit. Send an `Idempotency-Key` header to make retries safe. Answers 201 `created`; when upstream did not answer and may still commit the ticket, 202 `pending_confirmation` with a handle to poll at `GET /tickets/pending/{handle}` (never create it again meanwhile; the same key answers the same handle, then the ticket).',
        successDescription: 'Created (HTTP 201 on REST), or pending confirmation (HTTP 202 on REST).',
      },
      successStatus: 201,
      // Zone limit, known outage, idempotency key reused.
      extraErrorStatuses: [409],
      alsoSucceedsWith: { 202: 'Pending confirmation: upstream may still commit the ticket; poll the handle.' },
      idempotencyKeyHeader: true,
      access: { verification: 'write' },
    })
    .input(createTicketInput)
    .output(createTicketOutput)
    .mutation(async ({ ctx, input }) => {
      const { idempotencyKey, ...request } = input;
      const keyName = ctx.key.name;
      if (!idempotencyKey) return answered(ctx, { ...(await createTicket(ctx, request, { keyName, idempotency: null })), replayed: false });
      const { value, replayed } = await ctx.services.idempotency.run(keyName, idempotencyKey, request, () =>
        createTicket(ctx, request, { keyName, idempotency: { key: idempotencyKey, request } }),
      );
      // The same key answers the same handle while pending, and the ticket once it is known.
      const current = replayed && value.status === 'pending_confirmation' ? await settledOrPending(ctx, keyName, value) : value;
      return answered(ctx, { ...current, replayed });
    }),

  createStatus: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/tickets/pending/{handle}',
        tags,
        summary: 'Follow a ticket create answered 202',
        description:
          'The state of a create whose upstream outcome was unknown: `pending_confirmation` (poll again after `checkAfterSeconds`), `created` with the ticket, or `failed` (nothing was created). Only the API key that made the request can read it; handles expire after IDEMPOTENCY_TTL_S.',
      },
    })
    .input(createStatusInput)
    .output(createStatusOutput)
    .query(({ ctx, input }) => pendingStatus(ctx, ctx.key.name, input.handle)),

  comments: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/tickets/{ticketId}/comments',
        tags,
        summary: 'A ticket’s comments',
        description:
          'Bot keys need the `X-Verification-Token` of the ticket’s customer. Oldest first. Where this ISP’s WispHub Net has no comments (404), 501 `not_supported_by_upstream`, remembered for an hour.',
      },
      extraErrorStatuses: [501],
      access: { verification: 'write', customerOf: 'ticket' },
    })
    .input(ticketCommentsInput)
    .output(ticketCommentsOutput)
    .query(async ({ ctx, input }) => {
      // The ticket first: a bot may read only its verified customer's comments.
      await customersTicket(ctx, input.ticketId);
      return { ticketId: input.ticketId, items: await ctx.services.gateway.followUp.comments(input.ticketId) };
    }),

  comment: protectedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/tickets/{ticketId}/comments',
        tags,
        summary: 'Add a comment, with a photo or a PDF',
        description:
          'Bot keys need the `X-Verification-Token` of the ticket’s customer. REST takes `multipart/form-data` (`text`, `notifyClient`, the file in `attachment`) or JSON with the file in base64. A photo (JPEG, PNG) or PDF, checked by content, up to ATTACHMENT_MAX_BYTES. Never added twice: send an `Idempotency-Key`; a lost upstream answer is settled by reading the comments again. 501 `not_supported_by_upstream` where this ISP has no comments.',
      },
      successStatus: 201,
      extraErrorStatuses: [501],
      idempotencyKeyHeader: true,
      multipartFile: 'attachment',
      access: { verification: 'write', customerOf: 'ticket' },
    })
    .input(addCommentInput)
    .output(addCommentOutput)
    .mutation(({ ctx, input }) => {
      const { idempotencyKey, ...request } = input;
      return once(ctx, idempotencyKey, request, () => addComment(ctx, request));
    }),

  updateState: protectedProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/tickets/{ticketId}',
        tags,
        summary: 'Change a ticket’s state, with the reason',
        description:
          'Operator keys change any state. A bot key may only close its verified customer’s ticket as `resolved` ("ya funciona"), sending that customer’s `X-Verification-Token`. The same state again is a no-op (`changed: false`). Sent to WispHub Net with the reason as `razon_falla`.',
      },
    })
    .input(updateStateInput)
    .output(updateStateOutput)
    .mutation(({ ctx, input }) => updateTicketState(ctx, input)),

  byId: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/tickets/{ticketId}',
        tags,
        summary: 'Get a ticket',
        description:
          'Bot keys need the `X-Verification-Token` of the ticket’s customer. `nextStep` says who attends it and by when, in a Spanish sentence for the customer.',
      },
      access: { verification: 'write', customerOf: 'ticket' },
    })
    .input(ticketByIdInput)
    .output(ticketSchema)
    .query(({ ctx, input }) => customersTicket(ctx, input.ticketId)),
});
