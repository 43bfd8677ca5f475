import type { JsonRecord, SimulatorData } from '../../server/simulator/data';

/** Facts read straight from the simulator's own records: the independent side of the assertions. */

export const zoneOf = (client: JsonRecord): number => (client.zona as { id: number }).id;

/** Tickets in state "Nuevo" (the default active state) in a zone. */
export function activeTicketsIn(data: SimulatorData, zoneId: number): number {
  return data.tickets.filter((t) => t.estado === 'Nuevo' && (t.servicio as { zona?: { id: number } | null } | null)?.zona?.id === zoneId)
    .length;
}

/** True when the ISP marked a known outage on the client's router (connectivity tickets are refused there). */
export const underOutage = (client: JsonRecord): boolean => (client.router as { falla_general: boolean }).falla_general;
