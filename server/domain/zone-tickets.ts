/** Active tickets per zone, for the per-zone limit. */

export interface TicketZoneFacts {
  /** Upstream state number (1 Nuevo, 2 En Progreso, 3 Resuelto, 4 Cerrado), null when unknown. */
  state: number | null;
  /** Null when the ticket has no service, or its service has no zone. */
  zoneId: number | null;
}

/** Counts tickets in the active states by zone; tickets without a service or zone are skipped. */
export function countActiveByZone(tickets: readonly TicketZoneFacts[], activeStates: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const ticket of tickets) {
    if (ticket.zoneId === null || ticket.state === null || !activeStates.includes(ticket.state)) continue;
    counts.set(ticket.zoneId, (counts.get(ticket.zoneId) ?? 0) + 1);
  }
  return counts;
}

export interface ZoneStatus {
  zoneId: number;
  activeTickets: number;
  maxActiveTickets: number;
  blocked: boolean;
}

export function zoneStatus(zoneId: number, counts: ReadonlyMap<number, number>, maxActive: number): ZoneStatus {
  const activeTickets = counts.get(zoneId) ?? 0;
  return { zoneId, activeTickets, maxActiveTickets: maxActive, blocked: activeTickets >= maxActive };
}
