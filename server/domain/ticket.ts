import type { NamedRef } from './client';
import type { PriorityLevel } from './ticket-subjects';

export const TICKET_STATUSES = ['new', 'in_progress', 'resolved', 'closed', 'unknown'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Upstream ticket states by number, as the `estado` filter and POST take them. */
export const TICKET_STATE_NUMBERS: Record<Exclude<TicketStatus, 'unknown'>, number> = {
  new: 1,
  in_progress: 2,
  resolved: 3,
  closed: 4,
};

/** What happens next with a ticket, said to the customer (ticket-next-step.ts writes it). */
export interface NextStep {
  technician: string | null;
  /** The scheduled window (ISO 8601 with offset), when upstream has one. */
  window: { from: string | null; until: string | null } | null;
  message: string;
}

export interface Ticket {
  id: number;
  /** The subject as sent (the catalogue's), without what upstream appends. */
  subject: string;
  /** The subject exactly as upstream stores it, e.g. "No Tiene Internet - Esperanza Benítez Ríos". */
  subjectText: string;
  description: string | null;
  status: TicketStatus;
  statusText: string | null;
  priority: PriorityLevel | null;
  priorityText: string | null;
  /** ISO 8601 with offset, in the business time zone. */
  createdAt: string | null;
  startsAt: string | null;
  dueAt: string | null;
  technician: NamedRef | null;
  serviceId: number | null;
  zone: NamedRef | null;
  latestAnswer: string | null;
  /** Who attends it and by when, with a sentence for the customer. */
  nextStep: NextStep;
}
