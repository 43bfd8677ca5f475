import { catalogueEntries, PRIORITY_LABELS, PRIORITY_LEVELS } from '../domain/ticket-subjects';
import { zoneStatus } from '../domain/zone-tickets';
import { AppError } from '../errors';
import { protectedProcedure, readFrom, router } from '../trpc';
import { createTicket } from './tickets.handler';
import {
  createTicketInput,
  createTicketOutput,
  subjectsOutput,
  ticketByIdInput,
  ticketSchema,
  zoneStatusInput,
  zoneStatusSchema,
} from './tickets.types';

const tags = ['tickets'];

export const ticketsRouter = router({
  subjects: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/tickets/subjects', tags, summary: 'Ticket subject catalogue', description: 'Subjects grouped by priority (1 low … 4 very high) and as one list.' }, cacheable: true })
    .output(subjectsOutput)
    .query(({ ctx }) => {
      const catalogue = ctx.services.subjects;
      return {
        byPriority: ([1, 2, 3, 4] as const).map((priority) => ({
          priority,
          level: PRIORITY_LEVELS[priority],
          label: PRIORITY_LABELS[priority],
          subjects: catalogue[priority],
        })),
        all: catalogueEntries(catalogue),
      };
    }),

  zoneStatus: protectedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/tickets/zones/{zoneId}/status',
        tags,
        summary: 'Active tickets in a zone',
        description: 'Counts tickets in ACTIVE_TICKET_STATES over every page (tickets without service or zone skipped); blocked at MAX_ACTIVE_TICKETS_PER_ZONE.',
      },
      cacheable: true,
    })
    .input(zoneStatusInput)
    .output(zoneStatusSchema)
    .query(async ({ ctx, input }) => {
      const { tickets } = ctx.services.gateway;
      const counts = readFrom(ctx, tickets.zoneCountsCache, 'zones', await tickets.zoneCounts());
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
          'Priority from the subject catalogue; due date = now + MAX_TICKET_RESOLUTION_DAYS business days (Colombian holidays skipped). Refused with 409 when the zone is at its limit. Send an `Idempotency-Key` header to make retries safe. Answers 201.',
        successDescription: 'Created (HTTP 201 on REST).',
      },
      successStatus: 201,
      idempotencyKeyHeader: true,
    })
    .input(createTicketInput)
    .output(createTicketOutput)
    .mutation(async ({ ctx, input }) => {
      const { idempotencyKey, ...request } = input;
      if (!idempotencyKey) return { ...(await createTicket(ctx, request)), replayed: false };
      const { value, replayed } = await ctx.services.idempotency.run(ctx.report.keyName ?? 'anonymous', idempotencyKey, request, () =>
        createTicket(ctx, request),
      );
      return { ...value, replayed };
    }),

  byId: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/tickets/{ticketId}', tags, summary: 'Get a ticket' } })
    .input(ticketByIdInput)
    .output(ticketSchema)
    .query(async ({ ctx, input }) => {
      const ticket = await ctx.services.gateway.tickets.ticketById(input.ticketId);
      if (!ticket) throw new AppError('ticket_not_found', { details: { ticketId: input.ticketId } });
      return ticket;
    }),
});
