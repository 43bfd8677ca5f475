import type { JsonRecord, SimulatorData } from '../../server/simulator/data';

/**
 * Facts read straight from the simulator's own records: the independent side of the assertions.
 * Also the typed views tests read them through, so a suite says "a client who owes money", not
 * `Number(raw.saldo) > 0`.
 */

export const zoneOf = (client: JsonRecord): number => (client.zona as { id: number }).id;

/** Tickets in state "Nuevo" (the default active state) in a zone. */
export function activeTicketsIn(data: SimulatorData, zoneId: number): number {
  return data.tickets.filter((t) => simTicket.isNew(t) && (t.servicio as { zona?: { id: number } | null } | null)?.zona?.id === zoneId)
    .length;
}

/** True when the ISP marked a known outage on the client's router (connectivity tickets are refused there). */
export const underOutage = (client: JsonRecord): boolean => (client.router as { falla_general: boolean }).falla_general;

/** A client record as tests ask about it. */
export const simClient = {
  serviceId: (client: JsonRecord): number => Number(client.id_servicio),
  /** What upstream says the client owes, in pesos. */
  balance: (client: JsonRecord): number => Number(client.saldo),
  owes: (client: JsonRecord, pesos = 1): boolean => Number(client.saldo) >= pesos,
  isActive: (client: JsonRecord): boolean => client.estado === 'Activo',
  hasDocument: (client: JsonRecord): boolean => typeof client.cedula === 'string' && client.cedula.trim() !== '',
};

const claimed = new WeakMap<object, Set<unknown>>();

/**
 * The first record matching `wanted` that no earlier call claimed from the same list: each test
 * gets a record of its own whatever ran before it (a write in one test never meets another's
 * assertions), instead of walking a shared counter.
 */
export function claimRecord<T extends object>(records: readonly T[], wanted: (record: T) => boolean): T {
  let taken = claimed.get(records);
  if (!taken) {
    taken = new Set();
    claimed.set(records, taken);
  }
  const record = records.find((candidate) => !taken!.has(candidate) && wanted(candidate));
  if (!record) throw new Error('no unclaimed record matches: the simulator needs more of them');
  taken.add(record);
  return record;
}

/** A ticket record as tests ask about it. */
export const simTicket = {
  isNew: (ticket: JsonRecord): boolean => ticket.estado === 'Nuevo',
  inProgress: (ticket: JsonRecord): boolean => ticket.estado === 'En Progreso',
};
