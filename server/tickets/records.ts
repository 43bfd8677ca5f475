/**
 * What a ticket create is made of, below the routers: what it sends upstream, who asked, what it
 * answers once created, and a pending create as the pending store keeps it (services and the Redis
 * store name these types without reaching up into a router).
 */

import type { Ticket } from '../domain/ticket';
import type { PriorityLevel } from '../domain/ticket-subjects';
import type { ZoneStatus } from '../domain/zone-tickets';
import type { ErrorReason } from '../errors';
import type { UpstreamTicketForm } from '../wisphub/tickets';

/** A create that made its ticket. */
export interface CreatedTicket {
  status: 'created';
  ticket: Ticket;
  zoneStatus: ZoneStatus | null;
}

/** Who asked, so a pending create can be polled only by its own key and freed for a keyed retry if it fails. */
export interface CreateRequester {
  keyName: string;
  idempotency: { key: string; request: unknown } | null;
}

/** What a create sends upstream, with the values we computed (upstream may omit them in its answer). */
export interface PlannedTicket {
  form: UpstreamTicketForm;
  zoneId: number | null;
  computed: { priority: PriorityLevel; startsAt: string; dueAt: string };
}

/** Every pending create's handle starts so (the pending store also holds other kinds of record). */
export const PENDING_TICKET_PREFIX = 'tkp_';

/** One pending create, as stored (JSON): enough for any instance to answer it or take it over. */
export interface PendingTicketRecord {
  handle: string;
  keyName: string;
  since: number;
  plan: PlannedTicket;
  idempotency: CreateRequester['idempotency'];
  outcome:
    | { status: 'pending' }
    | { status: 'created'; ticket: Ticket; zoneStatus: ZoneStatus | null }
    | { status: 'failed'; reason: ErrorReason; message: string };
}
